"""Baselines and re-planning: approving a plan freezes a numbered copy of its milestones; a
re-plan is asked for with a reason, then accepted (a new baseline) or rejected (the plan
returns to the latest one)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog
from jinmu.core.services import delete_object, save_object
from jinmu.core.types import User
from jinmu.projects import lights
from jinmu.projects.choices import PlanState
from jinmu.projects.models import Baseline, Milestone, Project
from jinmu.projects.planning.common import (
    lock_project,
    ordered_milestones,
    require_approver,
    require_editor,
)

# Restored from the baseline when a re-plan is rejected.


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


def plan_signature(project: Project, milestones: Iterable[Milestone] | None = None) -> str:
    """A short fingerprint of the plan as it stands (milestones and their versions, plan
    state): an approval page sends it back so nobody approves a plan they have not seen. The
    page gives the plan's `milestones` it read already."""
    if milestones is None:
        rows = list(
            Milestone.objects.filter(project=project).order_by("pk").values_list("pk", "version")
        )
    else:
        rows = sorted((m.pk, m.version) for m in milestones)
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
    actor: User,
    project: Project,
    state: str,
    replan_reason: str | None = None,
    requested_by: User | None = None,
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


def _new_baseline(
    *, actor: User, project: Project, reason: str, requested_by: User | None
) -> Baseline:
    milestones = list(ordered_milestones(project))
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
        approved_by=actor if actor.is_authenticated else None,
        approved_at=timezone.now(),
        milestones=baseline_snapshot(milestones),
    )
    return save_object(baseline, actor=actor)


@transaction.atomic
def approve_plan(
    *,
    actor: User,
    project: Project,
    expected_version: int | None = None,
    expected_plan: str | None = None,
) -> Baseline:
    """Approve a draft plan: baseline number 1 is frozen and the plan becomes approved."""
    require_approver(actor, project)
    current = lock_project(project, expected_version)
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
    actor: User,
    project: Project,
    reason: str,
    expected_version: int | None = None,
) -> Project:
    """Ask to change an approved plan, saying why; its planned fields become editable."""
    require_editor(actor, project)
    current = lock_project(project, expected_version)
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
        requested_by=actor if actor.is_authenticated else None,
    )
    project.refresh_from_db()
    return current


def replan_requester(project: Project) -> User | None:
    """Who asked for the re-plan under way."""
    return project.replan_requested_by if project.plan_state == PlanState.REPLANNING else None


@transaction.atomic
def approve_replan(
    *,
    actor: User,
    project: Project,
    expected_version: int | None = None,
    expected_plan: str | None = None,
) -> Baseline:
    """Accept a re-plan: the next baseline is frozen with the request's reason (every earlier
    one is kept) and the plan is approved again."""
    require_approver(actor, project)
    current = lock_project(project, expected_version)
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
    actor: User,
    project: Project,
    expected_version: int | None = None,
) -> Project:
    """Refuse a re-plan: the planned side returns to the latest baseline (milestones added
    meanwhile are removed, removed ones come back with their old identity) and the plan is
    approved again. Actual dates are kept, those of a removed milestone included (taken from
    the audit log's record of its removal)."""
    require_approver(actor, project)
    current = lock_project(project, expected_version)
    if current.plan_state != PlanState.REPLANNING:
        raise ValidationError(
            _("No re-plan has been requested for this project."), code="not_replanning"
        )
    baseline = Baseline.objects.filter(project=current).order_by("-number").first()
    if baseline is None:  # cannot happen through the services: re-plans follow an approval
        raise ValidationError(_("This plan has no baseline to return to."), code="no_baseline")
    entries = {int(entry["id"]): entry for entry in baseline.milestones}
    _revert_milestones(actor=actor, project=current, entries=entries)
    _restore_removed(actor=actor, project=current, entries=entries)
    _set_plan_state(actor=actor, project=current, state=PlanState.APPROVED, replan_reason="")
    lights.refresh_light(current)
    project.refresh_from_db()
    return current


def _revert_milestones(
    *, actor: User, project: Project, entries: dict[int, Mapping[str, Any]]
) -> None:
    """Put the baseline's planned side back on the milestones it holds and delete the others;
    the entries met are taken out of `entries`, leaving those of removed milestones."""
    for milestone in Milestone.objects.filter(project=project).select_for_update():
        entry = entries.pop(milestone.pk, None)
        if entry is None:
            delete_object(milestone, actor=actor)
            continue
        values = _entry_values(entry)
        if any(getattr(milestone, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(milestone, name, value)
            save_object(milestone, actor=actor, validate=False)


def _restore_removed(
    *, actor: User, project: Project, entries: Mapping[int, Mapping[str, Any]]
) -> None:
    """Bring back the baseline's milestones removed since, under their old identity."""
    last_states = _last_deleted_states(entries)
    for pk, entry in entries.items():
        restored = Milestone(pk=pk, project=project, region_id=project.region_id)
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
