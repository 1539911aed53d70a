"""API shapes of enterprises, annual figures and qualifications (money: decimal strings in yuan)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

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

_EXPECTED_VERSION_HELP = _(
    "On update: the version you read. If someone saved in between, the write is refused."
)


class UsccField(serializers.CharField):
    """A credit code: spaces and lower case are tidied before the check character is tested."""

    def to_internal_value(self, data: Any) -> str:
        """Normalise, then validate (the validators see the normalised code)."""
        return normalize_uscc(str(super().to_internal_value(data)))


class _VersionedSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """Exposes `version` read-only and takes an optional `expected_version` on writes."""

    expected_version = serializers.IntegerField(
        write_only=True, required=False, min_value=1, help_text=_EXPECTED_VERSION_HELP
    )

    def service_data(self) -> dict[str, Any]:
        """Validated data without the version guard, as the services take it."""
        data = dict(self.validated_data)
        data.pop("expected_version", None)
        return data


class EnterpriseSerializer(_VersionedSerializer):
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
            "uscc",
            "name",
            "former_names",
            "legal_representative",
            "founded_on",
            "region",
            "region_name",
            "park",
            "park_name",
            "address",
            "latitude",
            "longitude",
            "industry",
            "scale",
            "status",
            "contact_name",
            "contact_phone",
            "name_initials",
            "version",
            "expected_version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "name_initials", "version", "created_at", "updated_at")


class EnterpriseInScopeField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An enterprise id, looked up only among those the requesting user sees."""

    def get_queryset(self) -> Any:
        """Out-of-scope ids read as nonexistent."""
        request = self.context.get("request")
        return Enterprise.objects.for_user(getattr(request, "user", None))


class _EnterpriseChildSerializer(_VersionedSerializer):
    """Figures and qualifications: the enterprise is set on create and then fixed."""

    enterprise = EnterpriseInScopeField()

    def validate_enterprise(self, value: Enterprise) -> Enterprise:
        """A row cannot move to another enterprise."""
        if self.instance is not None and value.pk != self.instance.enterprise_id:
            raise serializers.ValidationError(_("A row cannot move to another enterprise."))
        return value

    def service_data(self) -> dict[str, Any]:
        """Validated data without the enterprise and the version guard."""
        data = super().service_data()
        data.pop("enterprise", None)
        return data


class AnnualFiguresSerializer(_EnterpriseChildSerializer):
    """One year's figures of an enterprise (money in yuan)."""

    class Meta:
        model = AnnualFigures
        fields = (
            "id",
            "enterprise",
            "year",
            *AnnualFigures.FIGURE_FIELDS,
            "version",
            "expected_version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "version", "created_at", "updated_at")


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
            "kind",
            "kind_name",
            "level",
            "certificate_no",
            "granted_on",
            "valid_until",
            "source",
            "expiry_state",
            "version",
            "expected_version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "version", "created_at", "updated_at")

    @extend_schema_field(serializers.ChoiceField(choices=("expired", "expiring", "valid")))
    def get_expiry_state(self, obj: Qualification) -> str:
        """Today's expiry state."""
        return obj.expiry_state()
