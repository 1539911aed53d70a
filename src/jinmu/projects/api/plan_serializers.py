"""Shapes of the battle map and approvals API: milestones, baselines, approval items and
their verdicts, the plan state and the decisions on it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from jinmu.api.versions import STAMPS, VERSIONED, VersionedSerializer, expected_version_field
from jinmu.core.models import Unit
from jinmu.problems.services import is_assignable, unassignable_message
from jinmu.projects import approvals, planning
from jinmu.projects.models import ApprovalItem, Baseline, Milestone

# Where a milestone's owner unit ends among its fields: its name is read right after it.
_OWNER_UNIT_END = planning.MILESTONE_FIELDS.index("owner_unit") + 1


class MilestoneSerializer(VersionedSerializer):
    """A milestone of a battle map, with its state and days late as of today."""

    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        allow_null=True,
        required=False,
        help_text=_(
            "Id of a department, town, park, office or leadership unit of the project's county."
        ),
    )
    owner_unit_name = serializers.CharField(
        source="owner_unit.name", read_only=True, allow_null=True
    )
    state = serializers.SerializerMethodField(
        help_text="done, done_late, late, ongoing or upcoming"
    )
    days_late = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = (
            "id",
            "project",
            *planning.MILESTONE_FIELDS[:_OWNER_UNIT_END],
            "owner_unit_name",
            *planning.MILESTONE_FIELDS[_OWNER_UNIT_END:],
            "state",
            "days_late",
            *VERSIONED,
        )
        read_only_fields = ("id", "project", *STAMPS)

    def validate_owner_unit(self, value: Unit | None) -> Unit | None:
        """Only a unit that can own work in the project's county (the one already stored is
        kept as it is)."""
        if value is None:
            return value
        instance = self.instance if isinstance(self.instance, Milestone) else None
        if instance is not None and instance.owner_unit_id == value.pk:
            return value
        project = instance.project if instance is not None else self.context.get("project")
        if project is None or not is_assignable(value, project.region_id):
            raise ValidationError(unassignable_message())
        return value

    def get_state(self, obj: Milestone) -> str:
        """Where the milestone stands today."""
        return planning.milestone_state(obj, today=timezone.localdate())

    def get_days_late(self, obj: Milestone) -> int:
        """Days past the planned end (to the actual end, or today while open)."""
        return planning.days_late(obj, today=timezone.localdate())


class BaselineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A frozen copy of a plan: who approved it when, why it changed, its milestones."""

    requested_by_name = serializers.CharField(
        source="requested_by",
        read_only=True,
        allow_null=True,
        help_text="Who asked for the re-plan (none for the first baseline).",
    )
    approved_by_name = serializers.CharField(
        source="approved_by", read_only=True, allow_null=True, help_text="Who approved."
    )

    class Meta:
        model = Baseline
        fields = (
            "id",
            "project",
            "number",
            "reason",
            "requested_by",
            "requested_by_name",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "milestones",
        )
        read_only_fields = fields


class ApprovalItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An approval item with planned and actual dates and the days it is late."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True, allow_null=True)
    state = serializers.SerializerMethodField(
        help_text="done, done_late, overdue, pending or unplanned"
    )
    days_late = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalItem
        fields = (
            "id",
            "project",
            "kind",
            "kind_label",
            "name",
            "planned_on",
            "actual_on",
            "authority",
            "authority_name",
            "note",
            "state",
            "days_late",
            "version",
        )
        read_only_fields = fields

    def get_state(self, obj: ApprovalItem) -> str:
        """Where the item stands against its planned date."""
        return approvals.approval_state(obj, today=timezone.localdate())[0]

    def get_days_late(self, obj: ApprovalItem) -> int:
        """Days after the planned date (to the actual date, or today while open)."""
        return approvals.approval_state(obj, today=timezone.localdate())[1]


class VerdictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One of 拿地即开工 / 交地即发证 for one project."""

    rule = serializers.CharField(help_text="land_to_start or delivery_to_title")
    achieved = serializers.BooleanField(
        allow_null=True, help_text="null when no actual land date is recorded"
    )
    state = serializers.CharField(help_text="achieved, late, waiting or no_data")
    land_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(
        allow_null=True, help_text="Works started (拿地即开工) or title issued (交地即发证)."
    )
    days = serializers.IntegerField(
        allow_null=True, help_text="Days from land to done, or from land to today while waiting."
    )


class VerdictsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Both verdicts of a project."""

    land_to_start = VerdictSerializer()
    delivery_to_title = VerdictSerializer()


class PlanSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A battle map at a glance."""

    total = serializers.IntegerField()
    done = serializers.IntegerField()
    weighted_percent = serializers.IntegerField()
    next_milestone = serializers.IntegerField(allow_null=True, source="next_milestone.pk")
    late_count = serializers.IntegerField()
    max_days_late = serializers.IntegerField()
    baseline_count = serializers.IntegerField()
    slipped_count = serializers.IntegerField()


class PlanSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A project's plan state: send `version` and `plan_signature` back with a decision."""

    project = serializers.IntegerField()
    plan_state = serializers.CharField(help_text="draft, approved or replanning")
    replan_reason = serializers.CharField()
    version = serializers.IntegerField(help_text="The project's version.")
    plan_signature = serializers.CharField(
        help_text="Fingerprint of the milestones as they stand; an approval with an older one "
        "is refused."
    )
    summary = PlanSummarySerializer()


class PlanDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The versions a decision was taken on."""

    expected_version = expected_version_field(help_text="The project's version you read.")
    expected_plan = serializers.CharField(
        required=False, max_length=64, help_text="The `plan_signature` you read."
    )


class ReplanRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Why the approved plan must change."""

    reason = serializers.CharField(allow_blank=True, max_length=2000)
    expected_version = expected_version_field(help_text="The project's version you read.")


def verdict_data(verdict: approvals.Verdict) -> dict[str, Any]:
    """One verdict as `VerdictSerializer` reads it."""
    return {
        "rule": verdict.rule,
        "achieved": verdict.achieved,
        "state": verdict.state,
        "land_on": verdict.land_on,
        "done_on": verdict.done_on,
        "days": verdict.days,
    }
