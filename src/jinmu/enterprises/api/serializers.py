"""API shapes of enterprises, annual figures and qualifications (money: decimal strings in yuan)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from jinmu.api.versions import STAMPS, VERSIONED, VersionedSerializer
from jinmu.core.choices import UnitKind
from jinmu.core.models import Region, Unit
from jinmu.core.validators import normalize_uscc, validate_uscc
from jinmu.enterprises.models import (
    AnnualFigures,
    Enterprise,
    IndustryCode,
    Qualification,
    QualificationKind,
)
from jinmu.enterprises.services import ENTERPRISE_FIELDS, FIGURES_FIELDS, QUALIFICATION_FIELDS


def _with_names(fields: tuple[str, ...], *named: str) -> tuple[str, ...]:
    """The writable `fields`, each link in `named` followed by the name of the row it links."""
    shown: list[str] = []
    for field in fields:
        shown.append(field)
        if field in named:
            shown.append(f"{field}_name")
    return tuple(shown)


class UsccField(serializers.CharField):
    """A credit code: spaces and lower case are tidied before the check character is tested."""

    def to_internal_value(self, data: Any) -> str:
        """Normalise, then validate (the validators see the normalised code)."""
        return normalize_uscc(str(super().to_internal_value(data)))


class EnterpriseSerializer(VersionedSerializer):
    """An enterprise's master data."""

    uscc = UsccField(
        label=_("unified social credit code"),
        validators=[
            validate_uscc,
            UniqueValidator(
                queryset=Enterprise.objects.all(),
                message=_("An enterprise with this credit code already exists."),
            ),
        ],
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), help_text=_("Division code of the town (or the county).")
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    park = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind=UnitKind.PARK), allow_null=True, required=False
    )
    park_name = serializers.CharField(source="park.name", read_only=True, allow_null=True)
    industry = serializers.PrimaryKeyRelatedField(
        queryset=IndustryCode.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("GB/T 4754-2017 code, e.g. C3470."),
    )
    former_names = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False
    )

    class Meta:
        model = Enterprise
        fields = (
            "id",
            *_with_names(ENTERPRISE_FIELDS, "region", "park"),
            "name_initials",
            *VERSIONED,
        )
        read_only_fields = ("id", "name_initials", *STAMPS)


class EnterpriseInScopeField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An enterprise id, looked up only among those the requesting user sees."""

    def get_queryset(self) -> Any:
        """Out-of-scope ids read as nonexistent."""
        request = self.context.get("request")
        return Enterprise.objects.for_user(getattr(request, "user", None))


class _EnterpriseChildSerializer(VersionedSerializer):
    """Figures and qualifications: the enterprise is set on create and then fixed."""

    enterprise = EnterpriseInScopeField()

    def validate_enterprise(self, value: Enterprise) -> Enterprise:
        """A row cannot move to another enterprise."""
        if self.instance is not None and value.pk != self.instance.enterprise_id:
            raise serializers.ValidationError(_("A row cannot move to another enterprise."))
        return value

    def service_data(self, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
        """Validated data without the enterprise and the version guard."""
        return super().service_data(drop=("enterprise", *drop))


class AnnualFiguresSerializer(_EnterpriseChildSerializer):
    """One year's figures of an enterprise (money in yuan)."""

    class Meta:
        model = AnnualFigures
        fields = ("id", "enterprise", *FIGURES_FIELDS, *VERSIONED)
        read_only_fields = ("id", *STAMPS)


class QualificationSerializer(_EnterpriseChildSerializer):
    """A qualification held by an enterprise, with its expiry state today."""

    kind = serializers.SlugRelatedField(
        slug_field="code",
        queryset=QualificationKind.objects.all(),
        help_text=_("Code of the qualification kind, e.g. high-tech."),
    )
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    expiry_state = serializers.SerializerMethodField(
        help_text=_("expired, expiring (within 90 days) or valid")
    )

    class Meta:
        model = Qualification
        fields = (
            "id",
            "enterprise",
            *_with_names(QUALIFICATION_FIELDS, "kind"),
            "expiry_state",
            *VERSIONED,
        )
        read_only_fields = ("id", *STAMPS)

    @extend_schema_field(serializers.ChoiceField(choices=("expired", "expiring", "valid")))
    def get_expiry_state(self, obj: Qualification) -> str:
        """Today's expiry state."""
        return obj.expiry_state()
