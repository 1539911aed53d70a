"""The battle map (挂图作战): a project's milestone plan, its frozen baselines and re-planning.

A plan starts as a draft its editors change freely. Approving it (industry office, county
leaders, system admin) freezes a numbered baseline, a JSON copy of every milestone's planned
dates, owner unit and weight, and from then on the planned fields are fixed: only the actual
dates and the owner unit may still be recorded. Changing the plan needs a re-plan: an editor
asks for it with a reason, edits, and an approver accepts it (a new baseline; every earlier one
is kept) or rejects it (the plan returns to the latest baseline).

Every write is keyword-only, atomic and audited, refuses a stale version and recomputes the
project's light, because milestone slippage is one of its rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog
from jinmu.core.services import check_version, delete_object, save_object
from jinmu.problems.services import is_assignable, unassignable_message
from jinmu.projects import lights
from jinmu.projects.choices import PlanState
from jinmu.projects.models import Baseline, Milestone, Project
from jinmu.projects.permissions import can_approve_plans, can_edit_project, can_report

# What a form, the API or an import may set on a milestone.
MILESTONE_FIELDS = (
    "name",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "owner_unit",
    "weight",
    "sort_order",
)
# Fixed while the plan is approved (the baseline's content apart from the owner unit, which
# may be reassigned, and the display order).
FROZEN_FIELDS = ("name", "planned_start", "planned_end", "weight")
# Restored from the baseline when a re-plan is rejected.
_RESTORED_FIELDS = ("name", "planned_start", "planned_end", "owner_unit_id", "weight", "sort_order")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _frozen_message() -> str:
    return _("The plan is approved; request a re-plan to change it.")


def _require_editor(actor: Any, project: Project) -> None:
    if not can_edit_project(actor, project):
        raise PermissionDenied(_("You may not change this project's plan."))


def _require_approver(actor: Any, project: Project) -> None:
    if not can_approve_plans(actor):
        raise PermissionDenied(
            _("Only the industry office or a county leader can approve a battle map.")
        )
    if not Project.objects.for_user(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("You may not change this project's plan."))


def _lock_project(project: Project, expected_version: int | None = None) -> Project:
    """The project row, locked for the rest of the transaction (plan state and milestone
    writes of one project are serialised on it)."""
    current: Project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version)
    return current


# --------------------------------------------------------------------------- milestones


def _validate_milestone(
    milestone: Milestone, *, today: dt.date, previous_owner_id: int | None = None
) -> None:
    """Model rules plus: actual dates are facts, so never in the future, and a newly chosen
    owner unit must be able to own work in the project's county. All errors at once, by
    field."""
    errors: dict[str, list[Any]] = {}
    try:
        milestone.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    owner = milestone.owner_unit
    if (
        owner is not None
        and owner.pk != previous_owner_id
        and not is_assignable(owner, milestone.region_id)
    ):
        errors.setdefault("owner_unit", []).append(unassignable_message())
    if milestone.actual_start and milestone.actual_start > today:
        errors.setdefault("actual_start", []).append(_("An actual date cannot be in the future."))
    if milestone.actual_end and milestone.actual_end > today:
        errors.setdefault("actual_end", []).append(_("An actual date cannot be in the future."))
    if errors:
        raise ValidationError(errors)


def _apply(milestone: Milestone, data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - set(MILESTONE_FIELDS))
    if unknown:
        raise TypeError(f"Fields not editable here: {unknown}")
    for name, value in data.items():
        setattr(milestone, name, value)


@transaction.atomic
def add_milestone(
    *,
    actor: Any,
    project: Project,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> Milestone:
    """Add a milestone to a project's draft plan (or to a plan being re-planned)."""
    _require_editor(actor, project)
    current = _lock_project(project)
    if current.plan_state == PlanState.APPROVED:
        raise ValidationError(_frozen_message(), code="plan_frozen")
    milestone = Milestone(project=current, region_id=current.region_id)
    _apply(milestone, data)
    _validate_milestone(milestone, today=_today(today))
    save_object(milestone, actor=actor, validate=False)
    lights.refresh_light(current)
    return milestone


@transaction.atomic
def update_milestone(
    *,
    actor: Any,
    milestone: Milestone,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Milestone:
    """Change a milestone. While the plan is approved only the actual dates, the owner unit and
    the order may change; a planned date, weight or name is refused field by field."""
    project = milestone.project
    _require_editor(actor, project)
    current_project = _lock_project(project)
    stored: Milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    check_version(stored, expected_version)
    previous_owner_id = stored.owner_unit_id
    if current_project.plan_state == PlanState.APPROVED:
        frozen = {
            name: [_frozen_message()]
            for name in FROZEN_FIELDS
            if name in data and data[name] != getattr(stored, name)
        }
        if frozen:
            raise ValidationError(frozen)
    _apply(stored, data)
    stored.region_id = current_project.region_id
    _validate_milestone(stored, today=_today(today), previous_owner_id=previous_owner_id)
    save_object(stored, actor=actor, validate=False)
    lights.refresh_light(current_project)
    milestone.refresh_from_db()
    return stored


@transaction.atomic
def delete_milestone(
    *, actor: Any, milestone: Milestone, expected_version: int | None = None
) -> None:
    """Remove a milestone from a draft plan or a plan being re-planned (baselines keep it)."""
    project = milestone.project
    _require_editor(actor, project)
    current = _lock_project(project)
    if current.plan_state == PlanState.APPROVED:
        raise ValidationError(_frozen_message(), code="plan_frozen")
    delete_object(milestone, actor=actor, expected_version=expected_version)
    lights.refresh_light(current)


@transaction.atomic
def complete_milestone(
    *,
    actor: Any,
    milestone: Milestone,
    on: dt.date,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Milestone:
    """Record a milestone as finished on `on`: the path for whoever files the weekly report
    (the enterprise included), in any plan state."""
    project = milestone.project
    if not can_report(actor, project):
        raise PermissionDenied(_("You may not report on this project."))
    current_project = _lock_project(project)
    stored: Milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    check_version(stored, expected_version)
    stored.actual_end = on
    _validate_milestone(stored, today=_today(today), previous_owner_id=stored.owner_unit_id)
    save_object(stored, actor=actor, validate=False)
    lights.refresh_light(current_project)
    milestone.refresh_from_db()
    return stored


# --------------------------------------------------------------------------- baselines


def _ordered(project: Project) -> Any:
    return (
        Milestone.objects.filter(project=project)
        .select_related("owner_unit")
        .order_by("sort_order", "planned_start", "id")
    )


def baseline_snapshot(milestones: Iterable[Milestone]) -> list[dict[str, Any]]:
    """The JSON a baseline keeps of each milestone (planned side only)."""
    return [
        {
            "id": m.pk,
            "name": m.name,
            "planned_start": m.planned_start.isoformat(),
            "planned_end": m.planned_end.isoformat(),
            "owner_unit": m.owner_unit_id,
            "owner_unit_name": m.owner_unit.name if m.owner_unit else "",
            "weight": str(m.weight),
            "sort_order": m.sort_order,
        }
        for m in milestones
    ]


def plan_signature(project: Project) -> str:
    """A short fingerprint of the plan as it stands (milestones and their versions, plan
    state): an approval page sends it back so nobody approves a plan they have not seen."""
    rows = Milestone.objects.filter(project=project).order_by("pk").values_list("pk", "version")
    text = f"{project.plan_state}|" + ";".join(f"{pk}:{version}" for pk, version in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check_signature(project: Project, expected_plan: str | None) -> None:
    if expected_plan is not None and expected_plan != plan_signature(project):
        raise ValidationError(
            _(
                "The plan changed after you opened the page. Reload it, check the milestones, "
                "then approve again."
            ),
            code="stale",
        )


def _set_plan_state(
    *,
    actor: Any,
    project: Project,
    state: str,
    replan_reason: str | None = None,
    requested_by: Any = None,
) -> None:
    """Move the (locked) project to another plan state, bumping its version, audited."""
    before = snapshot(project)
    project.plan_state = state
    if replan_reason is not None:
        project.replan_reason = replan_reason
    project.replan_requested_by = requested_by if state == PlanState.REPLANNING else None
    project.version += 1
    project.save(
        update_fields=(
            "plan_state",
            "replan_reason",
            "replan_requested_by",
            "version",
            "updated_at",
        )
    )
    record_change(obj=project, action=AuditAction.UPDATE, actor=actor, before=before)


def _new_baseline(*, actor: Any, project: Project, reason: str, requested_by: Any) -> Baseline:
    milestones = list(_ordered(project))
    if not milestones:
        raise ValidationError(
            _("Add at least one milestone before approving the plan."), code="empty_plan"
        )
    last = Baseline.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0
    baseline = Baseline(
        project=project,
        region_id=project.region_id,
        number=last + 1,
        reason=reason,
        requested_by=requested_by,
        approved_by=actor if getattr(actor, "is_authenticated", False) else None,
        approved_at=timezone.now(),
        milestones=baseline_snapshot(milestones),
    )
    return save_object(baseline, actor=actor)


@transaction.atomic
def approve_plan(
    *,
    actor: Any,
    project: Project,
    expected_version: int | None = None,
    expected_plan: str | None = None,
) -> Baseline:
    """Approve a draft plan: baseline number 1 is frozen and the plan becomes approved."""
    _require_approver(actor, project)
    current = _lock_project(project, expected_version)
    if current.plan_state != PlanState.DRAFT:
        raise ValidationError(_("Only a draft plan can be approved."), code="not_draft")
    _check_signature(current, expected_plan)
    baseline = _new_baseline(actor=actor, project=current, reason="", requested_by=None)
    _set_plan_state(actor=actor, project=current, state=PlanState.APPROVED)
    lights.refresh_light(current)
    project.refresh_from_db()
    return baseline


@transaction.atomic
def request_replan(
    *,
    actor: Any,
    project: Project,
    reason: str,
    expected_version: int | None = None,
) -> Project:
    """Ask to change an approved plan, saying why; its planned fields become editable."""
    _require_editor(actor, project)
    current = _lock_project(project, expected_version)
    if current.plan_state != PlanState.APPROVED:
        raise ValidationError(_("Only an approved plan can be re-planned."), code="not_approved")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the plan must change.")})
    _set_plan_state(
        actor=actor,
        project=current,
        state=PlanState.REPLANNING,
        replan_reason=reason,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    project.refresh_from_db()
    return current


def replan_requester(project: Project) -> Any:
    """Who asked for the re-plan under way."""
    return project.replan_requested_by if project.plan_state == PlanState.REPLANNING else None


@transaction.atomic
def approve_replan(
    *,
    actor: Any,
    project: Project,
    expected_version: int | None = None,
    expected_plan: str | None = None,
) -> Baseline:
    """Accept a re-plan: the next baseline is frozen with the request's reason (every earlier
    one is kept) and the plan is approved again."""
    _require_approver(actor, project)
    current = _lock_project(project, expected_version)
    if current.plan_state != PlanState.REPLANNING:
        raise ValidationError(
            _("No re-plan has been requested for this project."), code="not_replanning"
        )
    _check_signature(current, expected_plan)
    baseline = _new_baseline(
        actor=actor,
        project=current,
        reason=current.replan_reason,
        requested_by=replan_requester(current),
    )
    _set_plan_state(actor=actor, project=current, state=PlanState.APPROVED, replan_reason="")
    lights.refresh_light(current)
    project.refresh_from_db()
    return baseline


@transaction.atomic
def reject_replan(
    *,
    actor: Any,
    project: Project,
    expected_version: int | None = None,
) -> Project:
    """Refuse a re-plan: the planned side returns to the latest baseline (milestones added
    meanwhile are removed, removed ones come back with their old identity) and the plan is
    approved again. Actual dates are kept, those of a removed milestone included (taken from
    the audit log's record of its removal)."""
    _require_approver(actor, project)
    current = _lock_project(project, expected_version)
    if current.plan_state != PlanState.REPLANNING:
        raise ValidationError(
            _("No re-plan has been requested for this project."), code="not_replanning"
        )
    baseline = Baseline.objects.filter(project=current).order_by("-number").first()
    if baseline is None:  # cannot happen through the services: re-plans follow an approval
        raise ValidationError(_("This plan has no baseline to return to."), code="no_baseline")
    entries = {int(entry["id"]): entry for entry in baseline.milestones}
    for milestone in Milestone.objects.filter(project=current).select_for_update():
        entry = entries.pop(milestone.pk, None)
        if entry is None:
            delete_object(milestone, actor=actor)
            continue
        values = _entry_values(entry)
        if any(getattr(milestone, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(milestone, name, value)
            save_object(milestone, actor=actor, validate=False)
    last_states = _last_deleted_states(entries)
    for pk, entry in entries.items():
        restored = Milestone(pk=pk, project=current, region_id=current.region_id)
        for name, value in _entry_values(entry).items():
            setattr(restored, name, value)
        # The baseline keeps the planned side only; the actual dates (and the version, so a
        # page opened before the removal stays stale) come from the row's last audited state.
        last = last_states.get(pk, {})
        restored.actual_start = _iso_date(last.get("actual_start"))
        restored.actual_end = _iso_date(last.get("actual_end"))
        if last.get("version"):
            restored.version = int(last["version"]) + 1
        save_object(restored, actor=actor, validate=False)
    _set_plan_state(actor=actor, project=current, state=PlanState.APPROVED, replan_reason="")
    lights.refresh_light(current)
    project.refresh_from_db()
    return current


def _last_deleted_states(pks: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The state each milestone had when it was last deleted, from the audit log."""
    keys = [str(pk) for pk in pks]
    if not keys:
        return {}
    rows = (
        AuditLog.objects.filter(
            content_type=ContentType.objects.get_for_model(Milestone),
            object_id__in=keys,
            action=AuditAction.DELETE,
        )
        .order_by("object_id", "-time", "-id")
        .values_list("object_id", "before")
    )
    states: dict[int, dict[str, Any]] = {}
    for object_id, before in rows:
        states.setdefault(int(object_id), before or {})
    return states


def _iso_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _entry_values(entry: Mapping[str, Any]) -> dict[str, Any]:
    """Model values of one baseline entry."""
    return {
        "name": entry["name"],
        "planned_start": dt.date.fromisoformat(entry["planned_start"]),
        "planned_end": dt.date.fromisoformat(entry["planned_end"]),
        "owner_unit_id": entry.get("owner_unit"),
        "weight": Decimal(str(entry["weight"])),
        "sort_order": int(entry.get("sort_order") or 0),
    }


# --------------------------------------------------------------------------- reading


def days_late(milestone: Milestone, *, today: dt.date) -> int:
    """Days past the planned end: up to the actual end when done, up to today otherwise."""
    end = milestone.actual_end or today
    return max(0, (end - milestone.planned_end).days)


class MilestoneState:
    """Where a milestone stands (values used in pages, exports and the API)."""

    DONE = "done"
    DONE_LATE = "done_late"
    LATE = "late"
    ONGOING = "ongoing"
    UPCOMING = "upcoming"


def milestone_state(milestone: Milestone, *, today: dt.date) -> str:
    """Done (on time or late), late (past its planned end, unfinished), ongoing or upcoming."""
    if milestone.actual_end:
        late = milestone.actual_end > milestone.planned_end
        return MilestoneState.DONE_LATE if late else MilestoneState.DONE
    if today > milestone.planned_end:
        return MilestoneState.LATE
    if milestone.actual_start or today >= milestone.planned_start:
        return MilestoneState.ONGOING
    return MilestoneState.UPCOMING


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone beside its baseline entry (None: added after that baseline)."""

    milestone: Milestone
    state: str
    days_late: int
    baseline_start: dt.date | None
    baseline_end: dt.date | None

    @property
    def slip_days(self) -> int | None:
        """How far re-planning moved the planned end from the baseline's (days, + = later)."""
        if self.baseline_end is None:
            return None
        return (self.milestone.planned_end - self.baseline_end).days


@dataclass(frozen=True)
class RemovedEntry:
    """A baseline milestone that is no longer in the plan."""

    name: str
    planned_start: dt.date
    planned_end: dt.date
    owner_unit_name: str
    weight: Decimal


def milestone_rows(
    project: Project, *, baseline: Baseline | None, today: dt.date
) -> tuple[list[MilestoneRow], list[RemovedEntry]]:
    """The plan's milestones in order with the chosen baseline's dates, and the baseline's
    milestones that have since been removed."""
    entries = {int(e["id"]): e for e in (baseline.milestones if baseline else [])}
    rows = []
    for milestone in _ordered(project):
        entry = entries.pop(milestone.pk, None)
        rows.append(
            MilestoneRow(
                milestone=milestone,
                state=milestone_state(milestone, today=today),
                days_late=days_late(milestone, today=today),
                baseline_start=dt.date.fromisoformat(entry["planned_start"]) if entry else None,
                baseline_end=dt.date.fromisoformat(entry["planned_end"]) if entry else None,
            )
        )
    removed = [
        RemovedEntry(
            name=e["name"],
            planned_start=dt.date.fromisoformat(e["planned_start"]),
            planned_end=dt.date.fromisoformat(e["planned_end"]),
            owner_unit_name=e.get("owner_unit_name") or "",
            weight=Decimal(str(e["weight"])),
        )
        for e in entries.values()
    ]
    return rows, removed


@dataclass(frozen=True)
class PlanSummary:
    """A project's battle map at a glance."""

    state: str
    total: int
    done: int
    weighted_percent: int
    next_milestone: Milestone | None
    late_count: int
    max_days_late: int
    baseline_count: int
    slipped_count: int

    @property
    def has_plan(self) -> bool:
        """True once the plan has a milestone."""
        return self.total > 0


def plan_summary(project: Project, *, today: dt.date) -> PlanSummary:
    """Progress by weight of finished milestones, the next one due, slippage and re-plans."""
    milestones = list(_ordered(project))
    baselines = list(Baseline.objects.filter(project=project).order_by("number"))
    first_ends = {
        int(e["id"]): dt.date.fromisoformat(e["planned_end"])
        for e in (baselines[0].milestones if baselines else [])
    }
    total_weight = sum((m.weight for m in milestones), Decimal("0"))
    done = [m for m in milestones if m.actual_end]
    done_weight = sum((m.weight for m in done), Decimal("0"))
    if total_weight > 0:
        percent = int((done_weight * 100 / total_weight).to_integral_value())
    else:
        percent = round(100 * len(done) / len(milestones)) if milestones else 0
    late = [m for m in milestones if not m.actual_end and days_late(m, today=today) > 0]
    open_ones = sorted((m for m in milestones if not m.actual_end), key=lambda m: m.planned_end)
    slipped = [m for m in milestones if m.pk in first_ends and m.planned_end > first_ends[m.pk]]
    return PlanSummary(
        state=project.plan_state,
        total=len(milestones),
        done=len(done),
        weighted_percent=percent,
        next_milestone=open_ones[0] if open_ones else None,
        late_count=len(late),
        max_days_late=max((days_late(m, today=today) for m in late), default=0),
        baseline_count=len(baselines),
        slipped_count=len(slipped),
    )
