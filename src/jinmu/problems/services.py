"""Writes of the problem pool: raise a problem, claim it (认领), resolve it.

Every function is keyword-only, atomic and audited; claim and resolve refuse a stale version.
The default due date is 10 working days after the problem is raised (枣庄: "solve or confirm
within 10 working days", practice.md), counted on the region's working calendar (State Council
holidays, adjusted weekends and the county's own overrides). The default owner unit is the
project's responsible unit; a chosen one must be a unit of the problem's county that can own
work (`assignable_units`, also used for milestone owners and approval authorities).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.choices import UnitKind
from jinmu.core.models import Unit
from jinmu.core.permissions import has_action
from jinmu.core.regions import county_code
from jinmu.core.scoping import ScopeKind, scope_for, working_region_code
from jinmu.core.services import check_version, save_object
from jinmu.core.types import User
from jinmu.core.workdays import WorkCalendar
from jinmu.enterprises.models import Enterprise
from jinmu.problems.choices import UNRESOLVED, ProblemCategory, ProblemSource, ProblemStatus
from jinmu.problems.models import Problem

# 枣庄: solve or confirm within 10 working days (practice.md); complex cases may be given more.
DEFAULT_DUE_WORKDAYS = 10

# Staff take problems on (认领, `claim_problem`); coordinators (`coordinate_problem`) may close
# a problem for any unit: a county leader coordinates across departments.
_CLAIM = "problems.claim_problem"
_COORDINATE = "problems.coordinate_problem"
_STAFF_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)
# Kinds of units that can own work (a problem, a milestone, an approval): enterprises and banks
# are the ones helped, not the ones who act, so they are never offered.
OWNER_UNIT_KINDS = (
    UnitKind.DEPARTMENT,
    UnitKind.TOWN,
    UnitKind.PARK,
    UnitKind.INDUSTRY_OFFICE,
    UnitKind.CHAIN_OFFICE,
    UnitKind.LEADERSHIP,
)


@dataclass(frozen=True)
class DueDate:
    """A computed due date and the years for which no holiday data was available."""

    day: dt.date
    uncovered_years: frozenset[int] = field(default_factory=frozenset)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def default_due_date(region_code: str, raised_on: dt.date) -> DueDate:
    """10 working days after `raised_on` on the region's working calendar."""
    calendar = WorkCalendar.for_region(region_code)
    day = calendar.add_workdays(raised_on, DEFAULT_DUE_WORKDAYS)
    return DueDate(day=day, uncovered_years=frozenset(calendar.uncovered_years))


def is_overdue(problem: Problem, today: dt.date | None = None) -> bool:
    """Unresolved and past its due date."""
    return bool(
        problem.status in UNRESOLVED
        and problem.due_on is not None
        and problem.due_on < _today(today)
    )


def _visible(user: User, problem: Problem) -> bool:
    return bool(Problem.objects.for_user(user).filter(pk=problem.pk).exists())


def _is_staff(user: User) -> bool:
    return has_action(user, _CLAIM)


def can_raise(user: User, *, project: Any = None, enterprise: Enterprise | None = None) -> bool:
    """Whoever sees the project (or the enterprise) may raise a problem about it; a problem
    about nothing in particular is for staff with a working scope."""
    if not has_action(user, "problems.add_problem"):
        return False
    if project is not None:
        return _sees(user, "project", project)
    if enterprise is not None:
        return _sees(user, "enterprise", enterprise)
    return _is_staff(user) and scope_for(user).kind in _STAFF_SCOPES


def _sees(user: User, relation: str, subject: Any) -> bool:
    """True when `user` sees what a problem would be about by `relation`."""
    return bool(Problem.objects.subjects_for(user, relation).filter(pk=subject.pk).exists())


def can_claim(user: User, problem: Problem) -> bool:
    """Staff of the owner unit (or of any unit, while no owner is set) take an open problem on."""
    return bool(
        _is_staff(user)
        and problem.status == ProblemStatus.OPEN
        and user.unit_id is not None
        and problem.owner_unit_id in (None, user.unit_id)
        and _visible(user, problem)
    )


def can_resolve(user: User, problem: Problem) -> bool:
    """The owner unit's staff, or a coordinator, record how an unresolved problem was solved."""
    if not _is_staff(user) or problem.status not in UNRESOLVED:
        return False
    own_unit = user.unit_id is not None and problem.owner_unit_id == user.unit_id
    return bool((own_unit or has_action(user, _COORDINATE)) and _visible(user, problem))


def _region_of(actor: User, project: Any, enterprise: Enterprise | None) -> str:
    """A problem lies where its project (or enterprise) lies, else where the actor works."""
    if project is not None:
        return str(project.region_id)
    if enterprise is not None:
        return str(enterprise.region_id)
    region_id = working_region_code(actor)
    if region_id is None:
        raise ValidationError(_("Your account has no region: ask the administrator."))
    return str(region_id)


def assignable_units(region_code: str) -> QuerySet[Unit]:
    """Active units that can own work in the county of `region_code` (a county or town code):
    its departments, towns, parks, offices and leadership; never another county's units, nor
    enterprises or banks."""
    return Unit.objects.filter(
        region_id=county_code(region_code), is_active=True, kind__in=OWNER_UNIT_KINDS
    ).order_by("kind", "name")


def is_assignable(unit: Unit, region_code: str) -> bool:
    """True when `unit` may own work in the county of `region_code`."""
    return bool(
        unit.is_active
        and unit.kind in OWNER_UNIT_KINDS
        and str(unit.region_id) == county_code(region_code)
    )


def unassignable_message() -> str:
    """The per-field message for a unit that may not own work here."""
    return _(
        "Choose a department, town, park, office or leadership unit of this county; "
        "this unit cannot take the work on here."
    )


def resolve_unit(value: Any, *, region_code: str | None = None) -> Unit | None:
    """A unit given as an instance or an id; an unknown or inactive one is refused, and so is,
    when `region_code` is given, one that cannot own work in that county."""
    if value in (None, ""):
        return None
    if isinstance(value, Unit):
        unit: Unit | None = value if value.is_active else None
    else:
        try:
            unit = Unit.objects.filter(pk=int(value), is_active=True).first()
        except (TypeError, ValueError):
            unit = None
    if unit is None:
        raise ValidationError(_("Choose an existing unit."), code="unknown_unit")
    if region_code is not None and not is_assignable(unit, region_code):
        raise ValidationError(unassignable_message(), code="unassignable_unit")
    return unit


def problem_region(
    actor: User, *, project: Any = None, enterprise: Enterprise | None = None
) -> str | None:
    """Where a problem raised by `actor` would lie (None when the actor has no region)."""
    try:
        return _region_of(actor, project, enterprise)
    except ValidationError:
        return None


def validate_problem(
    *,
    title: str,
    category: str,
    due_on: dt.date | None,
    raised_on: dt.date,
) -> dict[str, list[str]]:
    """Field errors of a problem's own input (empty when it is fine)."""
    errors: dict[str, list[str]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Say what the problem is.")]
    elif len(title.strip()) > 200:
        errors["title"] = [_("Keep the problem to 200 characters; put details below.")]
    if category not in ProblemCategory.values:
        errors["category"] = [_("Choose a category.")]
    if due_on is not None and due_on < raised_on:
        errors["due_on"] = [_("The due date cannot be before the day the problem is raised.")]
    return errors


@transaction.atomic
def raise_problem(
    *,
    actor: User,
    title: str,
    description: str = "",
    category: str = ProblemCategory.OTHER,
    project: Any = None,
    report: Any = None,
    enterprise: Enterprise | None = None,
    owner_unit: Unit | int | None = None,
    due_on: dt.date | None = None,
    source: str = ProblemSource.MANUAL,
    today: dt.date | None = None,
) -> Problem:
    """Put a problem in the pool, owned by a unit (default: the project's responsible unit)
    and due by a date (default: 10 working days)."""
    if not can_raise(actor, project=project, enterprise=enterprise):
        raise PermissionDenied(_("You may not raise a problem here."))
    raised_on = _today(today)
    category = category or ProblemCategory.OTHER
    errors = validate_problem(title=title, category=category, due_on=due_on, raised_on=raised_on)
    if enterprise is None and project is not None:
        enterprise = project.enterprise
    region_id = _region_of(actor, project, enterprise)
    try:
        unit = resolve_unit(owner_unit, region_code=region_id)
    except ValidationError as error:
        errors["owner_unit"] = error.messages
        unit = None
    if errors:
        raise ValidationError(errors)
    if unit is None and project is not None:
        # The project's own responsible unit, as the ledger keeps it (not re-checked here).
        unit = project.responsible_unit
    if due_on is None:
        due_on = default_due_date(region_id, raised_on).day
    problem = Problem(
        region_id=region_id,
        title=title.strip(),
        description=(description or "").strip(),
        category=category,
        source=source,
        project=project,
        report=report,
        enterprise=enterprise,
        owner_unit=unit,
        due_on=due_on,
        status=ProblemStatus.OPEN,
        raised_by=actor if actor.is_authenticated else None,
        raised_on=raised_on,
    )
    return save_object(problem, actor=actor)


def _locked(problem: Problem, expected_version: int | None) -> Problem:
    current: Problem = Problem.objects.select_for_update().get(pk=problem.pk)
    check_version(current, expected_version)
    return current


@transaction.atomic
def claim_problem(*, actor: User, problem: Problem, expected_version: int | None = None) -> Problem:
    """Take an open problem on for the actor's unit (认领); it becomes the owner unit."""
    current = _locked(problem, expected_version)
    if current.status != ProblemStatus.OPEN:
        raise ValidationError(
            {
                "status": _("This problem is already %(status)s.")
                % {"status": ProblemStatus(current.status).label}
            }
        )
    if not can_claim(actor, current):
        raise PermissionDenied(_("Only the owner unit can take this problem on."))
    current.status = ProblemStatus.CLAIMED
    current.claimed_by = actor
    if current.owner_unit_id is None:
        current.owner_unit_id = actor.unit_id
    save_object(current, actor=actor)
    problem.refresh_from_db()
    return current


@transaction.atomic
def resolve_problem(
    *,
    actor: User,
    problem: Problem,
    resolution: str,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Problem:
    """Record how an open or claimed problem was solved (the resolution is required)."""
    current = _locked(problem, expected_version)
    if current.status not in UNRESOLVED:
        raise ValidationError(
            {
                "status": _("This problem is already %(status)s.")
                % {"status": ProblemStatus(current.status).label}
            }
        )
    if not can_resolve(actor, current):
        raise PermissionDenied(_("Only the owner unit or a coordinator can resolve this problem."))
    if not (resolution or "").strip():
        raise ValidationError({"resolution": _("Say how the problem was solved.")})
    current.status = ProblemStatus.RESOLVED
    current.resolution = resolution.strip()
    current.resolved_on = _today(today)
    if current.claimed_by_id is None:
        current.claimed_by = actor
    save_object(current, actor=actor)
    problem.refresh_from_db()
    return current
