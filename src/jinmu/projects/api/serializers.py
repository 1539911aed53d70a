"""API shapes of the project ledger (money: decimal strings in yuan; weeks: ISO text).

Reading: `ProjectListSerializer` for the list (no per-row queries), `ProjectDetailSerializer`
for one project with every field, its lists, annual plans and status history. Writing:
`ProjectWriteSerializer` takes the fields of the project's kind only (`services.fields_for`);
related ids are looked up among what the user sees, so an id out of scope reads as unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinmu.api.rows import FastListSerializer
from jinmu.api.versions import VersionedSerializer, expected_version_field
from jinmu.chains.models import Chain, ChainNode
from jinmu.core.models import Unit
from jinmu.core.places import parks_in_scope
from jinmu.core.scoping import scope_for
from jinmu.core.types import Visitor
from jinmu.enterprises.models import Enterprise
from jinmu.problems.services import OWNER_UNIT_KINDS
from jinmu.projects.choices import (
    AttractionExclusion,
    Light,
    ProjectKind,
    ProjectStatus,
)
from jinmu.projects.lights import light_as_of, shown_reasons
from jinmu.projects.models import Project, ProjectTag, ProjectYearPlan, StatusChange
from jinmu.projects.querysets import regions_for_projects, staff_users
from jinmu.projects.services import ALL_FIELDS, TransitionInput, fields_for, transition_input
from jinmu.projects.weeks import iso_label

_LIGHT_FIELD = serializers.ChoiceField(choices=Light.choices, allow_null=True)


def _request_user(context: Mapping[str, Any]) -> Visitor | None:
    request = context.get("request")
    return getattr(request, "user", None)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An id looked up only among the rows the requesting user may choose."""

    def __init__(self, *, rows: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.rows = rows
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        """Out-of-scope ids read as nonexistent."""
        return self.rows(_request_user(self.context))


def _regions(user: Visitor | None) -> QuerySet[Any]:
    return regions_for_projects(scope_for(user))


def _parks(user: Visitor | None) -> QuerySet[Any]:
    return parks_in_scope(scope_for(user))


def _chains(user: Visitor | None) -> QuerySet[Any]:
    return Chain.objects.for_user(user)


def _nodes(user: Visitor | None) -> QuerySet[Any]:
    return ChainNode.objects.for_user(user)


def _units(user: Visitor | None) -> QuerySet[Any]:
    return Unit.objects.for_user(user).filter(is_active=True, kind__in=OWNER_UNIT_KINDS)


def _enterprises(user: Visitor | None) -> QuerySet[Any]:
    return Enterprise.objects.for_user(user)


def _tags(user: Visitor | None) -> QuerySet[Any]:
    return ProjectTag.objects.for_user(user)


def _leaders(user: Visitor | None) -> QuerySet[Any]:
    return staff_users(user, scope_for(user), "county_leader")


def _staff(user: Visitor | None) -> QuerySet[Any]:
    return staff_users(
        user,
        scope_for(user),
        "system_admin",
        "county_leader",
        "industry_office",
        "chain_office",
        "department",
        "town",
    )


class ProjectListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A project as a ledger row: identity, place, money, progress and light."""

    # Read with the project (`LIST_NAMES`), rather than each related row built whole.
    region_name = serializers.CharField(read_only=True)
    park_name = serializers.CharField(read_only=True, allow_null=True)
    chain_name = serializers.CharField(read_only=True, allow_null=True)
    node_name = serializers.CharField(read_only=True, allow_null=True)
    responsible_unit_name = serializers.CharField(read_only=True, allow_null=True)
    light = serializers.SerializerMethodField(
        help_text=_("green, yellow, red or grey; null when not under weekly scheduling.")
    )
    light_reasons = serializers.SerializerMethodField()
    light_overridden = serializers.SerializerMethodField()
    last_report_week = serializers.SerializerMethodField(
        help_text=_("ISO week of the latest report, e.g. 2026-W48.")
    )

    class Meta:
        model = Project
        list_serializer_class = FastListSerializer
        fields: tuple[str, ...] = (
            "id",
            "code",
            "name",
            "kind",
            "level",
            "status",
            "region",
            "region_name",
            "park",
            "park_name",
            "chain",
            "chain_name",
            "node",
            "node_name",
            "responsible_unit",
            "responsible_unit_name",
            "total_investment",
            "invested_total",
            "invested_year",
            "invested_year_of",
            "percent_complete",
            "last_report_week",
            "light",
            "light_reasons",
            "light_overridden",
            "version",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(_LIGHT_FIELD)
    def get_light(self, obj: Project) -> str | None:
        """The effective light, or null when the project carries none."""
        return obj.light or None

    @extend_schema_field(serializers.JSONField())
    def get_light_reasons(self, obj: Project) -> Any:
        """Each rule's verdict with its text and inputs, as of the day the light is as of."""
        return shown_reasons(obj.light_reasons, light_as_of(obj))

    @extend_schema_field(serializers.BooleanField())
    def get_light_overridden(self, obj: Project) -> bool:
        """True when the light was set by hand."""
        return bool(obj.light_override)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_last_report_week(self, obj: Project) -> str | None:
        """The ISO week of the latest report."""
        return iso_label(obj.last_report_week) if obj.last_report_week else None


LIST_RELATIONS = ("region", "park", "chain", "node", "responsible_unit")
# The names of the related rows, read as columns of the project (`<relation>_name`): a related
# row built whole per relation and row was a third of the list's time.
LIST_NAMES: dict[str, F] = {
    f"{relation}_name": F(f"{relation}__name") for relation in LIST_RELATIONS
}
# What a ledger row reads, for the list's `.only()` (a project is wide, and building it whole
# was most of the list's time): the serialised columns (the keyset orders' among them) and the
# stored override behind `light_overridden`.
LIST_COLUMNS: tuple[str, ...] = (
    *(
        name
        for name in ProjectListSerializer.Meta.fields
        if name not in LIST_NAMES and name != "light_overridden"
    ),
    "light_override",
    # The day the reasons' texts are written for.
    "light_computed_on",
)


class StatusChangeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One lifecycle transition: from, to, when, who and why."""

    changed_by_name = serializers.CharField(source="changed_by", read_only=True, allow_null=True)

    class Meta:
        model = StatusChange
        fields = (
            "from_status",
            "to_status",
            "changed_on",
            "changed_at",
            "changed_by",
            "changed_by_name",
            "reason",
        )
        read_only_fields = fields


class YearPlanSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A project's planned investment for one year."""

    class Meta:
        model = ProjectYearPlan
        fields = ("year", "planned_investment", "monthly_shares")
        read_only_fields = fields


class ProjectDetailSerializer(ProjectListSerializer):
    """One project with every field of every kind, its lists, plans and status history."""

    tags = serializers.SerializerMethodField()
    history = StatusChangeSerializer(many=True, read_only=True)
    year_plans = YearPlanSerializer(many=True, read_only=True)
    computed_light = serializers.SerializerMethodField()
    light_computed_on = serializers.SerializerMethodField()
    over_100m = serializers.BooleanField(read_only=True)
    over_1b = serializers.BooleanField(read_only=True)
    enterprise_name = serializers.CharField(
        source="enterprise.name", read_only=True, allow_null=True
    )

    class Meta(ProjectListSerializer.Meta):
        fields = tuple(
            dict.fromkeys(
                (
                    *ProjectListSerializer.Meta.fields,
                    *ALL_FIELDS,
                    "review_score",
                    "enterprise_name",
                    "over_100m",
                    "over_1b",
                    "computed_light",
                    "light_computed_on",
                    "light_override",
                    "light_override_reason",
                    "light_override_by",
                    "light_override_at",
                    "plan_state",
                    "tags",
                    "year_plans",
                    "history",
                    "created_at",
                    "updated_at",
                )
            )
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_tags(self, obj: Project) -> list[dict[str, Any]]:
        """The project lists it is on."""
        return [{"id": tag.pk, "name": tag.name} for tag in obj.tags.all()]

    @extend_schema_field(_LIGHT_FIELD)
    def get_computed_light(self, obj: Project) -> str | None:
        """The light the rules give (before any override)."""
        return obj.computed_light or None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_light_computed_on(self, obj: Project) -> str | None:
        """The day the light (and the texts of its reasons) is as of."""
        day = light_as_of(obj)
        return None if day is None else day.isoformat()


class ProjectWriteSerializer(VersionedSerializer):
    """Create (with `kind`) or change a project: only the fields of its kind are accepted."""

    region = ScopedRelatedField(
        rows=_regions,
        allow_null=False,
        required=True,
        help_text=_("Division code of the town (or the county when not yet sited)."),
    )
    park = ScopedRelatedField(rows=_parks)
    chain = ScopedRelatedField(rows=_chains)
    node = ScopedRelatedField(rows=_nodes)
    enterprise = ScopedRelatedField(rows=_enterprises)
    responsible_unit = ScopedRelatedField(rows=_units)
    leader = ScopedRelatedField(rows=_leaders, help_text=_("A county leader (包保)."))
    lead_owner = ScopedRelatedField(rows=_staff)
    exclusions = serializers.ListField(
        child=serializers.ChoiceField(choices=AttractionExclusion.choices), required=False
    )
    tags = ScopedRelatedField(rows=_tags, many=True, allow_null=False, required=False)

    class Meta:
        model = Project
        fields = (*ALL_FIELDS, "tags", "expected_version")
        extra_kwargs = {"kind": {"required": True}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["kind"].required = False
            self.fields["region"].required = False

    def get_validators(self) -> list[Any]:
        """The services check the record as a whole (constraints included)."""
        return []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Every given field must belong to the project's kind."""
        instance = self.instance
        kind = attrs.get("kind") or (instance.kind if isinstance(instance, Project) else None)
        if kind not in ProjectKind.values:
            raise serializers.ValidationError({"kind": _("Choose a project kind.")})
        allowed = set(fields_for(str(kind))) | {"tags", "expected_version"}
        label = ProjectKind(kind).label
        foreign = {
            name: [_("Not a field of a “{kind}” project.").format(kind=label)]
            for name in attrs
            if name not in allowed
        }
        if foreign:
            raise serializers.ValidationError(foreign)
        return attrs

    def service_data(self, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
        """Validated fields as the services take them (the lists apart: `service_tags`)."""
        return super().service_data(drop=("tags", *drop))

    def service_tags(self) -> list[ProjectTag] | None:
        """The lists to put the project on (None: leave them)."""
        tags = self.validated_data.get("tags")
        return None if tags is None else list(tags)

    def to_representation(self, instance: Any) -> Any:
        """A write answers with the whole project."""
        return ProjectDetailSerializer(instance, context=self.context).data


class TransitionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Move a project along its lifecycle."""

    to_status = serializers.ChoiceField(choices=ProjectStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    on = serializers.DateField(
        required=False, allow_null=True, help_text=_("The day it happened (default today).")
    )
    expected_version = expected_version_field()

    def service_data(self) -> TransitionInput:
        """What `services.transition` takes besides the actor and the project."""
        data = self.validated_data
        return transition_input(data=data, expected_version=data.get("expected_version"))


class LightOverrideSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Set a project's light by hand (with a reason), or clear the override with ""."""

    light = serializers.ChoiceField(
        choices=[("", _("No override")), *Light.choices], allow_blank=True
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    expected_version = expected_version_field()

    def service_data(self) -> dict[str, Any]:
        """What `services.override_light` takes besides the actor and the project."""
        data = self.validated_data
        return {
            "light": data.get("light") or "",
            "reason": data.get("reason") or "",
            "expected_version": data.get("expected_version"),
        }
