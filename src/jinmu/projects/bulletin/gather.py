"""Computing a weekly bulletin: its title and week, and the lists of new starts, red and
yellow projects and unresolved problems (the year's figures and the report exceptions are in
`figures`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jinmu.core.models import Region
from jinmu.core.regions import county_code
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import User
from jinmu.problems.choices import UNRESOLVED, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects import reporting, weeks
from jinmu.projects.bulletin.content import (
    FlaggedProject,
    NewStart,
    ProblemLine,
    UnitProblems,
    WeeklyBulletin,
    kind_label,
    kind_labels,
    town_name,
)
from jinmu.projects.bulletin.figures import report_exceptions, sum_totals, year_totals
from jinmu.projects.choices import LIGHT_SEVERITY, Light, ProjectStatus
from jinmu.projects.lights import shown_reasons
from jinmu.projects.lights.nights import as_of, nights_of
from jinmu.projects.lights.reasons import is_facts
from jinmu.projects.models import Project, StatusChange, settings_for


def bulletin_title(region_name: str, monday: dt.date) -> str:
    """The bulletin's title, e.g. 宁津县重点项目周调度通报 2026年第48周（11月23日—11月29日）."""
    iso = monday.isocalendar()
    sunday = monday + dt.timedelta(days=6)
    return _(
        "%(region)s key projects weekly bulletin, week %(week)s of %(year)s (%(start)s – %(end)s)"
    ) % {
        "region": region_name,
        "year": iso.year,
        "week": iso.week,
        "start": _month_day(monday),
        "end": _month_day(sunday),
    }


def _month_day(day: dt.date) -> str:
    return _("%(month)s/%(day)s") % {"month": day.month, "day": day.day}


def check_week(monday: dt.date, *, today: dt.date) -> None:
    """Refuse a week that has not begun yet."""
    if monday > today:
        raise ValidationError(
            _("Week %(week)s has not begun yet: a bulletin covers a week that has started."),
            code="week_future",
            params={"week": weeks.iso_label(monday)},
        )


def weekly_bulletin(
    *,
    region_code: str,
    week: dt.date,
    user: User | None = None,
    today: dt.date | None = None,
) -> WeeklyBulletin:
    """Compute the weekly bulletin of a region (a county, or a town) for the ISO week of `week`.

    With a `user`, only what that user may see is counted (a town user gets their town). Raises
    ValidationError for an unknown region or a week that has not begun.
    """
    today = today or timezone.localdate()
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError(
            _("Unknown region code “%(code)s”."), code="region", params={"code": region_code}
        )
    monday = weeks.monday_of(week)
    check_week(monday, today=today)
    sunday = monday + dt.timedelta(days=6)
    as_of = min(sunday, today)
    year = reporting.iso_year(monday)
    conf = settings_for(region)
    deadline = weeks.week_deadline(monday, conf.report_due_weekday)

    projects = _scoped_projects(region, user)
    # Lights are today's whatever the week (they are not kept week by week).
    lit = projects.exclude(light="")

    totals = year_totals(projects, monday=monday, deadline=deadline, as_of=as_of, year=year)
    missing, late = report_exceptions(projects, monday=monday, deadline=deadline)
    overall = sum_totals(totals)
    iso = monday.isocalendar()
    return WeeklyBulletin(
        region_code=region.code,
        region_name=region.name,
        scope_note=_scope_note(user),
        week=monday,
        week_end=sunday,
        iso_year=iso.year,
        iso_week=iso.week,
        as_of=as_of,
        year=year,
        deadline=deadline,
        generated_on=today,
        title=bulletin_title(region.name, monday),
        totals=totals,
        overall=overall,
        new_starts=_new_starts(projects, monday, sunday),
        red=_flagged(lit, Light.RED),
        yellow=_flagged(lit, Light.YELLOW),
        problems_by_unit=_problems(projects, user=user, as_of=as_of),
        missing=missing,
        late=late,
    )


def _scoped_projects(region: Region, user: User | None) -> QuerySet[Project]:
    """The region's projects the user sees. A park or chain office sees its own projects
    wherever they are sited (`for_user` scopes them): the region only names the bulletin."""
    if user is None:
        return Project.objects.in_region(region.scope_prefix).order_by()
    base = Project.objects.for_user(user)
    if scope_for(user).kind in (ScopeKind.PARK, ScopeKind.CHAIN):
        return base.order_by()
    return base.in_region(region.scope_prefix).order_by()


def _scope_note(user: User | None) -> str:
    """Name the unit when a user sees only part of the region (a park, a chain office)."""
    if user is None:
        return ""
    scope = scope_for(user)
    if scope.kind in (ScopeKind.PARK, ScopeKind.CHAIN) and user.unit is not None:
        return str(user.unit.name)
    return ""


def _listed(projects: QuerySet[Project], *columns: str) -> Any:
    """The projects as rows of a bulletin list, by town and name: id, name, kind, `columns`,
    and the names of their town and responsible unit."""
    return projects.values(
        "pk", "name", "kind", *columns, town=F("region__name"), unit=F("responsible_unit__name")
    ).order_by("region_id", "name", "pk")


def _named(row: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """What every project line of a bulletin list shows of a `_listed` row: id, name, kind,
    town and responsible unit."""
    return {
        "project_id": row["pk"],
        "name": row["name"],
        "kind_label": kind_label(row["kind"], labels),
        "town": town_name(row["town"]),
        "responsible_unit": row["unit"] or "",
    }


def _new_starts(projects: QuerySet[Project], monday: dt.date, sunday: dt.date) -> list[NewStart]:
    """Projects that entered "under construction" during the week, or whose actual start
    falls in it."""
    changes = StatusChange.objects.filter(
        to_status=ProjectStatus.STARTED, changed_on__gte=monday, changed_on__lte=sunday
    ).order_by()
    first_change = (
        changes.filter(project=OuterRef("pk")).order_by("changed_on").values("changed_on")[:1]
    )
    started = projects.filter(
        Q(actual_start__gte=monday, actual_start__lte=sunday)
        | Q(pk__in=changes.values("project_id"))
    ).annotate(changed_on=Subquery(first_change))
    rows = _listed(started, "actual_start", "changed_on", "total_investment")
    labels = kind_labels()
    result = []
    for row in rows:
        start = row["actual_start"]
        if start is None or not monday <= start <= sunday:
            start = row["changed_on"]
        result.append(
            NewStart(
                **_named(row, labels),
                total_investment=row["total_investment"],
                started_on=start,
            )
        )
    result.sort(key=lambda item: (item.started_on, item.town, item.name))
    return result


def _flagged(monitored: QuerySet[Project], light: str) -> list[FlaggedProject]:
    """Projects showing `light`, each with the texts of its rules that are not green."""
    rows = list(
        _listed(
            monitored.filter(light=light),
            "region_id",
            "light_reasons",
            "light_computed_on",
            "light_override",
        )
    )
    # The nights of the counties listed (one in a bulletin), read once for all the rows.
    nights = nights_of({row["region_id"] for row in rows})
    label = str(Light(light).label)
    labels = kind_labels()
    with translation.override(settings.LANGUAGE_CODE):
        return [
            FlaggedProject(
                **_named(row, labels),
                light=light,
                light_label=label,
                reasons=_reason_texts(
                    row["light_reasons"],
                    as_of(row["light_computed_on"], nights.get(county_code(row["region_id"]))),
                ),
                overridden=bool(row["light_override"]),
            )
            for row in rows
        ]


def _reason_texts(reasons: Any, day: dt.date | None) -> list[str]:
    """The texts of the rules that are not green, worst first (all texts if none is); the
    texts of stored facts are written for `day`, the day the light is as of (only those
    shown: a county's bulletin lists thousands of projects)."""
    if not isinstance(reasons, list):
        return []
    items = [r for r in reasons if isinstance(r, dict) and (r.get("text") or is_facts(r))]
    flagged = [r for r in items if r.get("light") not in ("", Light.GREEN)]
    chosen = flagged or items
    chosen.sort(key=lambda r: -LIGHT_SEVERITY.get(r.get("light", ""), 0))
    return [str(r["text"]) for r in shown_reasons(chosen, day)]


def _problems(
    projects: QuerySet[Project], *, user: User | None, as_of: dt.date
) -> list[UnitProblems]:
    """Problems of the bulletin's projects still unresolved at the end of `as_of`, by owner
    unit (units with the most overdue first, then by name)."""
    base = Problem.objects.all() if user is None else Problem.objects.for_user(user)
    rows = (
        base.filter(project__in=projects.values("pk"), raised_on__lte=as_of)
        .filter(
            Q(status__in=UNRESOLVED)
            | Q(resolved_on__gt=as_of, status__in=(ProblemStatus.RESOLVED, ProblemStatus.CLOSED))
        )
        .values(
            "pk",
            "title",
            "project_id",
            "raised_on",
            "due_on",
            "status",
            "owner_unit_id",
            project_name=F("project__name"),
            unit_name=F("owner_unit__name"),
        )
        .order_by("owner_unit__name", F("due_on").asc(nulls_last=True), "pk")
    )
    statuses = {value: str(label) for value, label in ProblemStatus.choices}
    no_unit = _("No owner unit")
    groups: dict[int | None, UnitProblems] = {}
    for row in rows:
        unit_id = row["owner_unit_id"]
        group = groups.get(unit_id)
        if group is None:
            group = UnitProblems(
                unit_id=unit_id, unit_name=row["unit_name"] or no_unit, problems=[]
            )
            groups[unit_id] = group
        due = row["due_on"]
        # Resolved since: shown as it stood at the end of the as-of day.
        status = row["status"] if row["status"] in UNRESOLVED else ProblemStatus.CLAIMED
        group.problems.append(
            ProblemLine(
                problem_id=row["pk"],
                title=row["title"],
                project_id=row["project_id"],
                project_name=row["project_name"] or "",
                raised_on=row["raised_on"],
                due_on=due,
                overdue=due is not None and due < as_of,
                status_label=statuses[status],
            )
        )
    return sorted(
        groups.values(), key=lambda g: (-g.overdue, -g.count, g.unit_id is None, g.unit_name)
    )
