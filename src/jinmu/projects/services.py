"""Writes of the project record: create, edit, lifecycle transitions, annual plans, approval
items, tags, attachments, reviews and light overrides.

Every function is keyword-only, atomic and audited, refuses a stale version and checks the
actor's rights (`jinmu.projects.permissions`). Child rows take their region from the project
and follow it when it moves. Every write that changes an input of the light recomputes it in
the same transaction (`jinmu.projects.lights.refresh_light`). Weekly reports live in
`reporting.py`, milestone plans and baselines in `planning.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction
from jinmu.core.services import apply_fields, check_version, delete_object, save_object
from jinmu.core.types import User
from jinmu.problems.models import Problem
from jinmu.problems.services import is_assignable, unassignable_message
from jinmu.projects import lights
from jinmu.projects.choices import (
    INITIAL_STATUS,
    STARTED_STATES,
    AttractionExclusion,
    Light,
    ProjectKind,
    ProjectStatus,
    allowed_next,
    statuses_of,
)
from jinmu.projects.models import (
    LIGHT_FIELDS,
    REPORT_FIGURES,
    ApprovalItem,
    Attachment,
    ChallengeReview,
    Project,
    ProjectTag,
    ProjectYearPlan,
    ReportPhoto,
    StatusChange,
)
from jinmu.projects.permissions import (
    can_create_projects,
    can_curate,
    can_edit_project,
    can_override_light,
)

# Fields a project form, the API or an import may set. Status, derived figures and lights have
# their own services.
COMMON_FIELDS = (
    "code",
    "name",
    "kind",
    "level",
    "description",
    "region",
    "park",
    "chain",
    "node",
    "latitude",
    "longitude",
    "enterprise",
    "responsible_unit",
    "responsible_person",
    "responsible_phone",
    "leader",
    "total_investment",
    "fixed_asset_investment",
    "planned_start",
    "actual_start",
    "planned_completion",
    "actual_completion",
    "statistics_registered_on",
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    ProjectKind.ATTRACTION: (
        "investor",
        "origin_province",
        "origin_city",
        "referrer",
        "lead_owner",
        "purpose",
        "contract_value",
        "funds_in_place",
        "exclusions",
        "lead_registered_on",
        "lead_owner_named_on",
        "lead_assessed_on",
        "lead_feedback_on",
        "lead_followed_up_on",
        "signed_on",
    ),
    ProjectKind.KEY: (),
    ProjectKind.RENOVATION: ("direction", "equipment_investment"),
    ProjectKind.BOND: ("bond_requested", "bond_issued", "bond_disbursed", "coverage_ratio"),
    ProjectKind.CHALLENGE: ("solver", "reward", "objection_until"),
}
ALL_FIELDS = tuple(dict.fromkeys(COMMON_FIELDS + sum(KIND_FIELDS.values(), ())))
APPROVAL_FIELDS = ("kind", "name", "planned_on", "actual_on", "authority", "note")

# Written only by transitions, reports, planning and the light engine.
_DERIVED_FIELDS = (
    "status",
    "plan_state",
    "replan_reason",
    "replan_requested_by",
    *REPORT_FIGURES,
    *LIGHT_FIELDS,
    "light_override",
    "light_override_reason",
    "light_override_by",
    "light_override_at",
    "review_score",
)

# Children whose region follows the project's.
_CHILD_RELATIONS = (
    "year_plans",
    "approvals",
    "milestones",
    "baselines",
    "reports",
    "attachments",
    "reviews",
)


def fields_for(kind: str) -> tuple[str, ...]:
    """The editable fields of a project of `kind`."""
    return COMMON_FIELDS + KIND_FIELDS.get(kind, ())


def require_editor(actor: User, project: Project) -> None:
    """Refuse unless the actor may change this project."""
    if not can_edit_project(actor, project):
        raise PermissionDenied(_("You may not change this project."))


def _check_exclusions(values: Any) -> None:
    if values in (None, ""):
        return
    if not isinstance(values, list) or any(v not in AttractionExclusion.values for v in values):
        raise ValidationError({"exclusions": _("Unknown exclusion category.")})


def _today() -> dt.date:
    return timezone.localdate()


def _check_tags(actor: User, project: Project | None, tags: Iterable[ProjectTag] | None) -> None:
    """Only the list keepers change which curated lists a project is on."""
    if tags is None:
        return
    wanted = {tag.pk for tag in tags}
    current = set(project.tags.values_list("pk", flat=True)) if project and project.pk else set()
    if wanted != current and not can_curate(actor):
        raise ValidationError({"tags": _("Only the industry office keeps the project lists.")})


def _check_responsible_unit(project: Project, previous_unit_id: int | None = None) -> None:
    """The responsible unit is a working unit of the project's county (a changed one only: a
    unit stored before this rule stays acceptable while untouched)."""
    unit = project.responsible_unit if project.responsible_unit_id else None
    if unit is None or project.responsible_unit_id == previous_unit_id:
        return
    if not is_assignable(unit, project.region_id):
        raise ValidationError({"responsible_unit": unassignable_message()})


def _require_visible(actor: User, project: Project, message: str) -> None:
    """Refuse (rolling the write back) when the actor would no longer see the project."""
    if not Project.objects.for_user(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(message)


@transaction.atomic
def create_project(
    *,
    actor: User,
    data: Mapping[str, Any],
    tags: Iterable[ProjectTag] = (),
    status: str | None = None,
) -> Project:
    """Register a new project in its kind's first state (or `status`, for imports of projects
    already under way), with a first history entry."""
    if not can_create_projects(actor):
        raise PermissionDenied(_("You may not register projects."))
    kind = data.get("kind")
    if kind not in ProjectKind.values:
        raise ValidationError({"kind": _("Choose a project kind.")})
    project = apply_fields(Project(), data, fields_for(kind))
    _check_exclusions(project.exclusions)
    project.status = status or INITIAL_STATUS[kind]
    if project.status not in dict(statuses_of(kind)):
        raise ValidationError({"status": _("This status does not belong to the project's kind.")})
    if kind == ProjectKind.ATTRACTION and project.lead_registered_on is None:
        project.lead_registered_on = _today()
    if project.lead_owner_id and project.lead_owner_named_on is None:
        project.lead_owner_named_on = _today()
    project.full_clean()
    _check_responsible_unit(project)
    tags = list(tags)
    _check_tags(actor, None, tags or None)
    # The creator must be able to see what they create: a town registers only in its town.
    project.save()
    _require_visible(actor, project, _("You may only register projects inside your own area."))
    if tags:
        project.tags.set(tags)
    StatusChange.objects.create(
        project=project,
        from_status="",
        to_status=project.status,
        changed_on=_today(),
        changed_by=actor if actor.is_authenticated else None,
        reason=_("Entered in the ledger"),
    )
    record_change(obj=project, action=AuditAction.CREATE, actor=actor, before=None)
    lights.refresh_light(project)
    return project


@transaction.atomic
def update_project(
    *,
    actor: User,
    project: Project,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    tags: Iterable[ProjectTag] | None = None,
) -> Project:
    """Change a project's fields (not its status); its rows follow it to a new region."""
    require_editor(actor, project)
    current: Project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version)
    if "kind" in data and data["kind"] != current.kind:
        raise ValidationError({"kind": _("The kind of a project cannot change.")})
    old_region = current.region_id
    apply_fields(project, data, fields_for(current.kind))
    # The 1-day "name an owner" deadline is measured from this date (江府办函〔2024〕37号).
    if project.lead_owner_id and not current.lead_owner_id and not data.get("lead_owner_named_on"):
        project.lead_owner_named_on = _today()
    _check_exclusions(project.exclusions)
    # Status, report figures and lights have their own writers; keep what is stored now, not
    # what this instance held when it was loaded (a report may have landed in between).
    for name in _DERIVED_FIELDS:
        setattr(project, name, getattr(current, name))
    _check_responsible_unit(project, current.responsible_unit_id)
    save_object(project, actor=actor, expected_version=None)
    # An editor cannot move a project out of their own sight (a town to another town, a chain
    # office off its chain): the whole write is rolled back.
    _require_visible(actor, project, _("You may not move a project outside your own area."))
    if project.region_id != old_region:
        _follow_region(project)
    if tags is not None:
        tags = list(tags)
        _check_tags(actor, project, tags)
        project.tags.set(tags)
    lights.refresh_light(project)
    return project


def _follow_region(project: Project) -> None:
    """Every row of the project (and its report photos and problems) moves with it, so that
    the new town sees them and the old one no longer does."""
    for relation in _CHILD_RELATIONS:
        getattr(project, relation).update(region_id=project.region_id)
    ReportPhoto.objects.filter(report__project=project).update(region_id=project.region_id)
    Problem.objects.filter(project=project).update(region_id=project.region_id)


def _check_allowed(current: Project, to_status: str) -> None:
    """Refuse a move the project's lifecycle does not allow from where it stands."""
    if to_status in allowed_next(current.kind, current.status):
        return
    allowed = [str(ProjectStatus(s).label) for s in allowed_next(current.kind, current.status)]
    raise ValidationError(
        {
            "status": _(
                "A project in “%(current)s” cannot move to “%(target)s”. Allowed: %(allowed)s."
            )
            % {
                "current": ProjectStatus(current.status).label,
                "target": ProjectStatus(to_status).label
                if to_status in ProjectStatus.values
                else to_status,
                "allowed": "、".join(allowed) or _("none (final state)"),
            }
        }
    )


def _check_in_order(current: Project, day: dt.date) -> None:
    """Not before the previous status change. History stays in order; the registration entry
    does not count, since a project already under way is often entered after the fact and its
    earlier steps dated back."""
    last = (
        current.history.exclude(from_status="")
        .order_by("-changed_on", "-id")
        .values_list("changed_on", flat=True)
        .first()
    )
    if last is not None and day < last:
        raise ValidationError(
            {
                "on": _("The date cannot be before the previous status change (%(day)s).")
                % {"day": last.isoformat()}
            }
        )


def _check_objections_closed(current: Project, to_status: str, day: dt.date) -> None:
    """揭榜挂帅: the result is established only after the objection window has closed."""
    if not (
        current.kind == ProjectKind.CHALLENGE
        and current.status == ProjectStatus.PUBLICITY
        and to_status == ProjectStatus.ESTABLISHED
    ):
        return
    if current.objection_until is None:
        raise ValidationError(
            {"status": _("Enter the end of the objection window before establishing.")}
        )
    if day <= current.objection_until:
        raise ValidationError(
            {
                "status": _("Objections are open until %(day)s.")
                % {"day": current.objection_until.isoformat()}
            }
        )


def _record_dates(project: Project, to_status: str, day: dt.date) -> None:
    """Entering 开工 sets the actual start, 竣工 the completion, 签约 the signing date and
    研判 the assessment date, unless already recorded."""
    if to_status in STARTED_STATES and project.actual_start is None:
        project.actual_start = day
    if to_status == ProjectStatus.COMPLETED and project.actual_completion is None:
        project.actual_completion = day
    if to_status == ProjectStatus.SIGNED and project.signed_on is None:
        project.signed_on = day
    if to_status == ProjectStatus.ASSESSING and project.lead_assessed_on is None:
        project.lead_assessed_on = day


class TransitionInput(TypedDict):
    """What `transition` takes besides the actor and the project."""

    to_status: str
    reason: str
    on: dt.date | None
    expected_version: int | None


def transition_input(*, data: Mapping[str, Any], expected_version: int | None) -> TransitionInput:
    """`transition`'s arguments from a form's or the API's validated `data` (no reason: "", no
    date: today), with the version the client read."""
    return TransitionInput(
        to_status=data["to_status"],
        reason=data.get("reason") or "",
        on=data.get("on"),
        expected_version=expected_version,
    )


@transaction.atomic
def transition(
    *,
    actor: User,
    project: Project,
    to_status: str,
    reason: str = "",
    on: dt.date | None = None,
    expected_version: int | None = None,
) -> Project:
    """Move a project along its lifecycle; the date it happened (default today), who and why
    are kept. Entering 开工 sets the actual start, 竣工 the completion, 签约 the signing date."""
    require_editor(actor, project)
    current: Project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version)
    _check_allowed(current, to_status)
    day = on or _today()
    if day > _today():
        raise ValidationError({"on": _("A transition cannot be dated in the future.")})
    if to_status == ProjectStatus.TERMINATED and not reason.strip():
        raise ValidationError({"reason": _("Say why the project is terminated.")})
    _check_in_order(current, day)
    _check_objections_closed(current, to_status, day)
    before = snapshot(current)
    from_status = current.status
    current.status = to_status
    _record_dates(current, to_status, day)
    current.version += 1
    current.full_clean()
    current.save()
    StatusChange.objects.create(
        project=current,
        from_status=from_status,
        to_status=to_status,
        changed_on=day,
        changed_by=actor if actor.is_authenticated else None,
        reason=reason,
    )
    record_change(obj=current, action=AuditAction.UPDATE, actor=actor, before=before)
    lights.refresh_light(current)
    project.refresh_from_db()
    return current


@transaction.atomic
def set_year_plan(
    *,
    actor: User,
    project: Project,
    year: int,
    planned_investment: Decimal,
    monthly_shares: list[Any] | None = None,
    expected_version: int | None = None,
) -> ProjectYearPlan:
    """Set the investment a project plans to complete in a year (creates or replaces; a
    replacement carries the version the form read)."""
    require_editor(actor, project)
    plan = ProjectYearPlan.objects.filter(project=project, year=year).first()
    if plan is None:
        plan = ProjectYearPlan(project=project, year=year, region_id=project.region_id)
    plan.planned_investment = planned_investment
    plan.monthly_shares = monthly_shares or None
    save_object(plan, actor=actor, expected_version=expected_version)
    lights.refresh_light(project)
    return plan


@transaction.atomic
def save_approval(
    *,
    actor: User,
    project: Project,
    data: Mapping[str, Any],
    item: ApprovalItem | None = None,
    expected_version: int | None = None,
) -> ApprovalItem:
    """Add or change one approval item of a project."""
    require_editor(actor, project)
    if item is None:
        item = ApprovalItem(project=project, region_id=project.region_id)
    elif item.project_id != project.pk:
        raise PermissionDenied(_("This approval belongs to another project."))
    apply_fields(item, data, APPROVAL_FIELDS)
    for name in ("planned_on", "actual_on"):
        value = getattr(item, name)
        if value is not None and name == "actual_on" and value > _today():
            raise ValidationError({name: _("An actual date cannot be in the future.")})
    return save_object(item, actor=actor, expected_version=expected_version)


@transaction.atomic
def delete_approval(
    *, actor: User, item: ApprovalItem, expected_version: int | None = None
) -> None:
    """Remove an approval item."""
    require_editor(actor, item.project)
    delete_object(item, actor=actor, expected_version=expected_version)


@transaction.atomic
def add_attachment(
    *, actor: User, project: Project, kind: str, title: str, file: Any
) -> Attachment:
    """Attach a document to a project."""
    require_editor(actor, project)
    attachment = Attachment(
        project=project,
        region_id=project.region_id,
        kind=kind,
        title=title or getattr(file, "name", ""),
        file=file,
        uploaded_by=actor if actor.is_authenticated else None,
    )
    return save_object(attachment, actor=actor)


@transaction.atomic
def add_review(
    *, actor: User, project: Project, reviewer: str, score: Decimal, comment: str = ""
) -> ChallengeReview:
    """Record one reviewer's score of a challenge; the project's score is their average."""
    require_editor(actor, project)
    if project.kind != ProjectKind.CHALLENGE:
        raise ValidationError(_("Only challenges are reviewed."))
    review = ChallengeReview(
        project=project,
        region_id=project.region_id,
        reviewer=reviewer,
        score=score,
        comment=comment,
    )
    save_object(review, actor=actor)
    scores = list(project.reviews.values_list("score", flat=True))
    average = sum(scores, Decimal("0")) / len(scores)
    Project.objects.filter(pk=project.pk).update(review_score=average.quantize(Decimal("0.01")))
    return review


@transaction.atomic
def override_light(
    *,
    actor: User,
    project: Project,
    light: str,
    reason: str,
    expected_version: int | None = None,
) -> Project:
    """Set the light by hand (needs a reason; shown as overridden); an empty light clears it."""
    if not can_override_light(actor):
        raise PermissionDenied(_("Only the industry office or a county leader can set a light."))
    if not Project.objects.for_user(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("You may not change this project."))
    if light and light not in Light.values:
        raise ValidationError({"light": _("Choose green, yellow, red or grey.")})
    if light and not reason.strip():
        raise ValidationError({"reason": _("An override needs a reason.")})
    current: Project = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version)
    before = snapshot(current)
    current.light_override = light
    current.light_override_reason = reason.strip() if light else ""
    current.light_override_by = actor if light else None
    current.light_override_at = timezone.now() if light else None
    current.version += 1
    current.save()
    record_change(obj=current, action=AuditAction.UPDATE, actor=actor, before=before)
    lights.refresh_light(current)
    project.refresh_from_db()
    return current


@transaction.atomic
def save_tag(
    *,
    actor: User,
    region_id: str,
    name: str,
    description: str = "",
    tag: ProjectTag | None = None,
    expected_version: int | None = None,
) -> ProjectTag:
    """Create or rename a curated project list (e.g. 双十)."""
    if not can_curate(actor):
        raise PermissionDenied(_("Only the industry office keeps the project lists."))
    tag = tag or ProjectTag(region_id=region_id)
    tag.name = name
    tag.description = description
    return save_object(tag, actor=actor, expected_version=expected_version)
