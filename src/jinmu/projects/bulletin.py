"""The weekly bulletin (周调度通报), computed from the ledger and written as Word or Excel.

Nothing in it is typed: totals come from the projects, their annual plans and their weekly
reports; new starts and who was under weekly scheduling from the status history; red and yellow
projects with the reasons the light engine stored; unresolved problems from the problem pool;
missing and late reports from the reports of the week. Everything is aggregated in SQL (about
ten queries whatever the county's size), so a county with 50,000 projects and millions of
reports gets its bulletin in a second or two.

Conventions:

- The bulletin's week is an ISO week, stored and passed as its Monday. Its "as of" day is the
  week's Sunday, or today while the week is still running. Its year is the week's ISO year,
  the year the report service counts a week's `year_invested` in (2026-W01 begins on
  2025-12-29 and counts for 2026); the plans are those of that year, the 序时 share is the
  light engine's `expected_share` on the as-of day.
- The year's figures (plan, completed, 序时, the week's investment) cover every project in
  scope with a plan for the year, a report in the year up to the week, or under weekly
  scheduling in the week, whatever its status now: a key project that went from 竣工 into
  production in October still counts with its plan and what it completed.
- "Under weekly scheduling in the week" (owing a report for it) is historical, taken from the
  status history: the project's latest StatusChange dated on or before the week's report
  deadline put it in a monitored state (`choices.MONITORED`), and it was registered by the
  deadline (as in `reporting.expected_projects`). The services write a status and its history
  entry together, so only projects with a change dated after the deadline need their history
  read; a project with no history at all (rows loaded without the services) counts with its
  current status. Missing and late reports of a past week are therefore those of that week, not
  of today.
- Lights are not kept week by week: the red and yellow lists are today's. A bulletin for a week
  that has ended says so and dates them ("lights as of <today>").
- Problems are the ledger's: those raised on a project in the bulletin's scope that were open or
  claimed at the end of the as-of day (raised by then, not resolved by then).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jinmu.core.models import Region
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.uploads import neutralise_cell, neutralise_strings
from jinmu.problems.choices import UNRESOLVED, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects import reporting, weeks
from jinmu.projects.choices import (
    LIGHT_SEVERITY,
    MONITORED,
    Light,
    ProjectKind,
    ProjectStatus,
)
from jinmu.projects.lights import expected_share
from jinmu.projects.models import (
    WAN,
    YI,
    Project,
    ProjectYearPlan,
    StatusChange,
    WeeklyReport,
    settings_for,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ZERO = Decimal("0")
# Chinese ordinal numbers of the document's sections and sub-sections (公文 numbering).
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
# "kind:status" of every monitored state: a project's kind and its status at a week's deadline
# are matched against these in one comparison, so the status subquery runs once per project.
_MONITORED_KEYS = sorted(
    f"{kind}:{state}" for kind, states in MONITORED.items() for state in states
)


# --- the bulletin's content --------------------------------------------------------------------


@dataclass(frozen=True)
class KindTotals:
    """The year's figures of one kind (or of all kinds): counts and investment in yuan."""

    kind: str  # a ProjectKind value, "" for the total row
    label: str
    count: int  # projects in the year's figures (a plan, a report, or under weekly scheduling)
    monitored: int  # of them, under weekly scheduling in the week (owing a report)
    reported: int  # of those, how many reported for the week
    total_investment: Decimal
    planned_year: Decimal
    completed_year: Decimal
    completed_week: Decimal
    expected_share: Decimal | None  # 序时 share of the plan due by the as-of day (0–1)

    @property
    def completion_share(self) -> Decimal | None:
        """Completed this year / planned this year (0–1+), None without a plan."""
        if not self.planned_year:
            return None
        return self.completed_year / self.planned_year

    @property
    def completion_percent(self) -> Decimal | None:
        """The completion share in percent, two decimals."""
        return _percent(self.completion_share)

    @property
    def expected_percent(self) -> Decimal | None:
        """The 序时 share in percent, two decimals."""
        return _percent(self.expected_share)


@dataclass(frozen=True)
class NewStart:
    """A project whose works started during the week."""

    project_id: int
    name: str
    kind_label: str
    town: str
    responsible_unit: str
    total_investment: Decimal | None
    started_on: dt.date


@dataclass(frozen=True)
class FlaggedProject:
    """A red or yellow project with the reasons the light engine gave."""

    project_id: int
    name: str
    kind_label: str
    town: str
    responsible_unit: str
    light: str
    light_label: str
    reasons: list[str]
    overridden: bool


@dataclass(frozen=True)
class ProblemLine:
    """One unresolved problem."""

    problem_id: int
    title: str
    project_id: int | None
    project_name: str
    raised_on: dt.date
    due_on: dt.date | None
    overdue: bool
    status_label: str


@dataclass(frozen=True)
class UnitProblems:
    """The unresolved problems one owner unit holds."""

    unit_id: int | None
    unit_name: str
    problems: list[ProblemLine]

    @property
    def count(self) -> int:
        """How many problems the unit holds."""
        return len(self.problems)

    @property
    def overdue(self) -> int:
        """How many of them are past their due date."""
        return sum(1 for problem in self.problems if problem.overdue)


@dataclass(frozen=True)
class ProjectRef:
    """A project named in a list."""

    project_id: int
    name: str


@dataclass(frozen=True)
class MissingGroup:
    """Projects of one town and responsible unit that owed a report for the week and have none."""

    town: str
    responsible_unit: str
    projects: list[ProjectRef]

    @property
    def count(self) -> int:
        """How many projects of the group did not report."""
        return len(self.projects)


@dataclass(frozen=True)
class LateReport:
    """A report of the week that came in after its deadline."""

    project_id: int
    name: str
    town: str
    responsible_unit: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class WeeklyBulletin:
    """Everything in one weekly bulletin (amounts in yuan, dates as dates)."""

    region_code: str
    region_name: str
    scope_note: str  # the unit whose projects a partial scope shows (a park, a chain office)
    week: dt.date  # Monday
    week_end: dt.date  # Sunday
    iso_year: int
    iso_week: int
    as_of: dt.date
    year: int
    deadline: dt.date
    generated_on: dt.date
    title: str
    totals: list[KindTotals]
    overall: KindTotals
    new_starts: list[NewStart]
    red: list[FlaggedProject]
    yellow: list[FlaggedProject]
    problems_by_unit: list[UnitProblems]
    missing: list[MissingGroup]
    late: list[LateReport]

    @property
    def iso_label(self) -> str:
        """The week as ISO text, e.g. 2026-W48."""
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def problem_count(self) -> int:
        """Unresolved problems in all."""
        return sum(group.count for group in self.problems_by_unit)

    @property
    def overdue_count(self) -> int:
        """Unresolved problems past their due date."""
        return sum(group.overdue for group in self.problems_by_unit)

    @property
    def missing_count(self) -> int:
        """Projects that owed a report for the week and have none."""
        return sum(group.count for group in self.missing)

    @property
    def lights_of_today(self) -> bool:
        """True once the week has ended: lights are not kept week by week, so the red and
        yellow lists show those of the day the bulletin is generated, not of the week's end."""
        return self.as_of < self.generated_on

    @property
    def filename_stem(self) -> str:
        """A file name without suffix, e.g. 宁津县-周调度通报-2026-W48."""
        name = _("weekly bulletin")
        return f"{self.region_name}-{name}-{self.iso_label}"


# --- computing it -------------------------------------------------------------------------------


def _percent(share: Decimal | None) -> Decimal | None:
    if share is None:
        return None
    return (share * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _money(value: Any) -> Decimal:
    """An aggregate in yuan, exact to the fen (SQLite sums decimals as floats)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _town(name: str | None) -> str:
    return name or ""


def _kind_labels() -> dict[str, str]:
    """Kind → label in the active language (looked up once, not once per row)."""
    return {value: str(label) for value, label in ProjectKind.choices}


def _kind_label(kind: str, labels: dict[str, str] | None = None) -> str:
    return (labels or _kind_labels()).get(kind, kind)


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
    user: Any = None,
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

    totals = _totals(projects, monday=monday, deadline=deadline, as_of=as_of, year=year)
    missing, late = _report_exceptions(projects, monday=monday, deadline=deadline)
    overall = _sum_totals(totals)
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


def _scoped_projects(region: Region, user: Any) -> QuerySet[Project]:
    """The region's projects the user sees. A park or chain office sees its own projects
    wherever they are sited (`for_user` scopes them): the region only names the bulletin."""
    if user is None:
        return Project.objects.in_region(region.scope_prefix).order_by()
    base = Project.objects.for_user(user)
    if scope_for(user).kind in (ScopeKind.PARK, ScopeKind.CHAIN):
        return base.order_by()
    return base.in_region(region.scope_prefix).order_by()


def _deadline_cutoff(deadline: dt.date) -> dt.datetime:
    """The first instant after the deadline day (registered before it: owes the week's report)."""
    return timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min))


def _status_key_at(deadline: dt.date) -> Concat:
    """The "kind:status" of a project as it stood on the deadline day.

    Its status then is the one its latest StatusChange dated on or before the day moved it to
    (empty when its history begins later). The services write a project's status and its
    history entry together, so for a project with no change dated after the day this is its
    current status: only the few changed since are looked up in their history (which keeps the
    bulletin in budget at 50,000 projects). A project with no history at all (rows loaded
    without the services) counts with its current status.
    """
    changed_since = StatusChange.objects.filter(changed_on__gt=deadline).values("project_id")
    latest_by_then = (
        StatusChange.objects.filter(project=OuterRef("pk"), changed_on__lte=deadline)
        .order_by("-changed_on", "-changed_at", "-id")
        .values("to_status")[:1]
    )
    status = Case(
        When(
            pk__in=changed_since,
            then=Coalesce(Subquery(latest_by_then, output_field=CharField()), Value("")),
        ),
        default=F("status"),
        output_field=CharField(),
    )
    return Concat(F("kind"), Value(":"), status, output_field=CharField())


def _owed_report(deadline: dt.date) -> Q:
    """Owed a report for the week: registered by its deadline and in a monitored state then
    (needs the `status_key_at` alias from `_status_key_at`)."""
    return Q(created_at__lt=_deadline_cutoff(deadline), status_key_at__in=_MONITORED_KEYS)


def _scope_note(user: Any) -> str:
    """Name the unit when a user sees only part of the region (a park, a chain office)."""
    if user is None:
        return ""
    scope = scope_for(user)
    if scope.kind in (ScopeKind.PARK, ScopeKind.CHAIN) and user.unit is not None:
        return str(user.unit.name)
    return ""


_MONEY_SUMS = ("total", "planned", "completed", "week_amount")


def _totals(
    projects: QuerySet[Project],
    *,
    monday: dt.date,
    deadline: dt.date,
    as_of: dt.date,
    year: int,
) -> list[KindTotals]:
    """One aggregate query, plus one for the few plans phased by month.

    The query groups the projects by kind and by two flags, "owed the week's report" and "has
    a plan for the year or a report in it"; groups with neither flag are not in the year's
    figures and are dropped here. Grouping (rather than filtering and counting on the flags)
    evaluates each flag's subquery once per project.
    """
    year_start = dt.date.fromisocalendar(year, 1, 1)
    year_reports = WeeklyReport.objects.filter(
        project=OuterRef("pk"), week__gte=year_start, week__lte=monday
    )
    # The year-to-date figure is the one of the project's latest report in the (ISO) year up
    # to the week (the report service derives it; it only grows within a year).
    latest_year = year_reports.order_by("-week").values("year_invested")[:1]
    # The week's report and the year's plan are at most one row each per project: one LEFT
    # JOIN apiece instead of a subquery per figure.
    rows = (
        projects.alias(status_key_at=_status_key_at(deadline))
        .annotate(
            week_report=FilteredRelation("reports", condition=Q(reports__week=monday)),
            plan=FilteredRelation("year_plans", condition=Q(year_plans__year=year)),
        )
        .annotate(
            owed=Case(
                When(_owed_report(deadline), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            has_figures=Case(
                When(Q(plan__id__isnull=False) | Exists(year_reports), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values("kind", "owed", "has_figures")
        .annotate(
            count=Count("pk"),
            total=Sum("total_investment"),
            planned=Sum("plan__planned_investment"),
            completed=Sum(Subquery(latest_year, output_field=_MONEY_FIELD)),
            week_amount=Sum("week_report__invested_this_week"),
            reported=Count("week_report__id"),
        )
        .order_by()
    )
    by_kind: dict[str, dict[str, Any]] = {}
    for group in rows:
        if not (group["owed"] or group["has_figures"]):
            continue  # neither owed the week's report nor has figures for the year
        sums = by_kind.setdefault(
            group["kind"],
            {"count": 0, "monitored": 0, "reported": 0} | dict.fromkeys(_MONEY_SUMS, ZERO),
        )
        sums["count"] += group["count"]
        if group["owed"]:
            sums["monitored"] += group["count"]
            sums["reported"] += group["reported"]
        for key in _MONEY_SUMS:
            sums[key] += _money(group[key])  # type: ignore[literal-required]
    share_by_day = expected_share(ProjectYearPlan(year=year, monthly_shares=None), as_of)
    phased = _phased_plans(projects, year=year, as_of=as_of)
    result = []
    for kind in ProjectKind.values:
        row = by_kind.get(kind)
        if row is None:
            continue
        planned = row["planned"]
        expected: Decimal | None = None
        if planned > 0:
            phased_planned, phased_due = phased.get(kind, (ZERO, ZERO))
            due = (planned - phased_planned) * share_by_day + phased_due
            expected = due / planned
        result.append(
            KindTotals(
                kind=kind,
                label=_kind_label(kind),
                count=row["count"],
                monitored=row["monitored"],
                reported=row["reported"],
                total_investment=row["total"],
                planned_year=planned,
                completed_year=row["completed"],
                completed_week=row["week_amount"],
                expected_share=expected,
            )
        )
    return result


def _phased_plans(
    projects: QuerySet[Project], *, year: int, as_of: dt.date
) -> dict[str, tuple[Decimal, Decimal]]:
    """kind → (planned, due by as_of) of the plans phased by month; those are few, so each
    gets the light engine's own `expected_share`. (A project with a plan for the year is in
    the year's figures whatever its status.)"""
    plans = (
        ProjectYearPlan.objects.filter(
            project__in=projects.values("pk"), year=year, monthly_shares__isnull=False
        )
        .order_by()
        .values_list("project__kind", "planned_investment", "monthly_shares")
    )
    result: dict[str, tuple[Decimal, Decimal]] = {}
    for kind, planned, shares in plans:
        if not shares:
            continue
        amount = Decimal(planned or 0)
        plan = ProjectYearPlan(year=year, planned_investment=amount, monthly_shares=shares)
        total, due = result.get(kind, (ZERO, ZERO))
        result[kind] = (total + amount, due + amount * expected_share(plan, as_of))
    return result


def _sum_totals(totals: Sequence[KindTotals]) -> KindTotals:
    """The row for all kinds together; its 序时 share is weighted by each kind's plan."""
    planned = sum((t.planned_year for t in totals), ZERO)
    due = sum(
        (t.planned_year * t.expected_share for t in totals if t.expected_share is not None),
        ZERO,
    )
    return KindTotals(
        kind="",
        label=_("All kinds"),
        count=sum(t.count for t in totals),
        monitored=sum(t.monitored for t in totals),
        reported=sum(t.reported for t in totals),
        total_investment=sum((t.total_investment for t in totals), ZERO),
        planned_year=planned,
        completed_year=sum((t.completed_year for t in totals), ZERO),
        completed_week=sum((t.completed_week for t in totals), ZERO),
        expected_share=due / planned if planned > 0 else None,
    )


def _new_starts(projects: QuerySet[Project], monday: dt.date, sunday: dt.date) -> list[NewStart]:
    """Projects that entered "under construction" during the week, or whose actual start
    falls in it."""
    changes = StatusChange.objects.filter(
        to_status=ProjectStatus.STARTED, changed_on__gte=monday, changed_on__lte=sunday
    ).order_by()
    first_change = (
        changes.filter(project=OuterRef("pk")).order_by("changed_on").values("changed_on")[:1]
    )
    rows = (
        projects.filter(
            Q(actual_start__gte=monday, actual_start__lte=sunday)
            | Q(pk__in=changes.values("project_id"))
        )
        .annotate(changed_on=Subquery(first_change))
        .values(
            "pk",
            "name",
            "kind",
            "actual_start",
            "changed_on",
            "total_investment",
            town=F("region__name"),
            unit=F("responsible_unit__name"),
        )
        .order_by("region_id", "name", "pk")
    )
    labels = _kind_labels()
    result = []
    for row in rows:
        start = row["actual_start"]
        if start is None or not monday <= start <= sunday:
            start = row["changed_on"]
        result.append(
            NewStart(
                project_id=row["pk"],
                name=row["name"],
                kind_label=_kind_label(row["kind"], labels),
                town=_town(row["town"]),
                responsible_unit=row["unit"] or "",
                total_investment=row["total_investment"],
                started_on=start,
            )
        )
    result.sort(key=lambda item: (item.started_on, item.town, item.name))
    return result


def _flagged(monitored: QuerySet[Project], light: str) -> list[FlaggedProject]:
    """Projects showing `light`, each with the texts of its rules that are not green."""
    rows = (
        monitored.filter(light=light)
        .values(
            "pk",
            "name",
            "kind",
            "light_reasons",
            "light_override",
            town=F("region__name"),
            unit=F("responsible_unit__name"),
        )
        .order_by("region_id", "name", "pk")
    )
    label = str(Light(light).label)
    labels = _kind_labels()
    return [
        FlaggedProject(
            project_id=row["pk"],
            name=row["name"],
            kind_label=_kind_label(row["kind"], labels),
            town=_town(row["town"]),
            responsible_unit=row["unit"] or "",
            light=light,
            light_label=label,
            reasons=_reason_texts(row["light_reasons"]),
            overridden=bool(row["light_override"]),
        )
        for row in rows
    ]


def _reason_texts(reasons: Any) -> list[str]:
    """The texts of the rules that are not green, worst first (all texts if none is)."""
    if not isinstance(reasons, list):
        return []
    items = [r for r in reasons if isinstance(r, dict) and r.get("text")]
    flagged = [r for r in items if r.get("light") not in ("", Light.GREEN)]
    chosen = flagged or items
    chosen.sort(key=lambda r: -LIGHT_SEVERITY.get(r.get("light", ""), 0))
    return [str(r["text"]) for r in chosen]


def _problems(projects: QuerySet[Project], *, user: Any, as_of: dt.date) -> list[UnitProblems]:
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


def _report_exceptions(
    projects: QuerySet[Project], *, monday: dt.date, deadline: dt.date
) -> tuple[list[MissingGroup], list[LateReport]]:
    """Missing reports (by town and responsible unit) and late ones, from one query.

    Who owed a report is decided as it stood at the week's deadline (`_owed_report`: registered
    by then, in a monitored state by the status history); a report is late when the report
    service marked it so.
    """
    rows = (
        projects.alias(status_key_at=_status_key_at(deadline))
        .filter(_owed_report(deadline))
        .annotate(week_report=FilteredRelation("reports", condition=Q(reports__week=monday)))
        .filter(Q(week_report__id__isnull=True) | Q(week_report__is_late=True))
        .values(
            "pk",
            "name",
            "region_id",
            town=F("region__name"),
            unit=F("responsible_unit__name"),
            report=F("week_report__id"),
            submitted_at=F("week_report__submitted_at"),
        )
        .order_by("region_id", "responsible_unit__name", "name", "pk")
    )
    groups: dict[tuple[str, str], MissingGroup] = {}
    late: list[LateReport] = []
    for row in rows:
        town, unit = _town(row["town"]), row["unit"] or ""
        if row["report"] is not None:
            late.append(
                LateReport(
                    project_id=row["pk"],
                    name=row["name"],
                    town=town,
                    responsible_unit=unit,
                    submitted_at=timezone.localtime(row["submitted_at"]),
                )
            )
            continue
        key = (row["region_id"], unit)
        group = groups.get(key)
        if group is None:
            group = MissingGroup(town=town, responsible_unit=unit, projects=[])
            groups[key] = group
        group.projects.append(ProjectRef(project_id=row["pk"], name=row["name"]))
    late.sort(key=lambda report: (report.submitted_at, report.project_id))
    return list(groups.values()), late


# --- shared text --------------------------------------------------------------------------------


def wan(amount: Decimal | None) -> str:
    """Yuan as 万元 text with two decimals, e.g. 1,234.57."""
    if amount is None:
        return "—"
    return f"{(amount / WAN).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def yi(amount: Decimal | None) -> str:
    """Yuan as 亿元 text with two decimals, e.g. 291.30."""
    if amount is None:
        return "—"
    return f"{(amount / YI).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def wan_number(amount: Decimal | None) -> Decimal | None:
    """Yuan as a 万元 number with two decimals (for spreadsheets)."""
    if amount is None:
        return None
    return (amount / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """A percentage with two decimals, or a dash."""
    return "—" if value is None else f"{value:.2f}%"


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def summary_text(bulletin: WeeklyBulletin) -> str:
    """The overview paragraph."""
    overall = bulletin.overall
    return _(
        "In week %(week)s of %(year)s, %(monitored)s projects were under weekly scheduling: "
        "%(reported)s reported for the week, %(missing)s did not and %(late)s reported late. "
        "This year's figures cover %(count)s projects (with a plan for the year, a report in it "
        "or under weekly scheduling), with a total investment of %(total)s亿元; their planned "
        "investment is %(planned)s亿元, of which %(completed)s亿元 (%(completion)s) has been "
        "completed against %(expected)s due by %(as_of)s (序时); %(week_amount)s万元 was "
        "completed this week."
    ) % {
        "week": bulletin.iso_week,
        "year": bulletin.iso_year,
        "monitored": overall.monitored,
        "count": overall.count,
        "total": yi(overall.total_investment),
        "reported": overall.reported,
        "missing": bulletin.missing_count,
        "late": len(bulletin.late),
        "planned": yi(overall.planned_year),
        "completed": yi(overall.completed_year),
        "completion": percent_text(overall.completion_percent),
        "expected": percent_text(overall.expected_percent),
        "as_of": bulletin.as_of.isoformat(),
        "week_amount": wan(overall.completed_week),
    }


def section_heading(number: int, title: str) -> str:
    """A first-level heading, e.g. 一、总体情况 (number from 1)."""
    return f"{NUMERALS[number - 1]}、{title}"


def sub_heading(number: int, title: str) -> str:
    """A second-level heading, e.g. （一）红灯项目 (number from 1)."""
    return f"（{NUMERALS[number - 1]}）{title}"


def headings(bulletin: WeeklyBulletin | None = None) -> dict[str, str]:
    """The numbered headings of the bulletin, shared by the document, workbook and page.

    For a week that has ended, the red and yellow heading dates the lights (they are today's).
    """
    flagged = _("Red and yellow projects")
    if bulletin is not None and bulletin.lights_of_today:
        flagged = _("Red and yellow projects (lights as of %(date)s)") % {
            "date": bulletin.generated_on.isoformat()
        }
    return {
        "overview": section_heading(1, _("Overview")),
        "new_starts": section_heading(2, _("New starts this week")),
        "flagged": section_heading(3, flagged),
        "red": sub_heading(1, _("Red projects")),
        "yellow": sub_heading(2, _("Yellow projects")),
        "problems": section_heading(4, _("Unresolved problems by unit")),
        "reports": section_heading(5, _("Missing and late reports")),
        "missing": sub_heading(1, _("Missing reports")),
        "late": sub_heading(2, _("Late reports")),
    }


def lights_note(bulletin: WeeklyBulletin) -> str:
    """Why a past week's red and yellow lists are today's; empty while the week runs."""
    if not bulletin.lights_of_today:
        return ""
    return _(
        "Lights are not kept week by week: the red and yellow projects below are those of "
        "%(today)s, when this bulletin was generated, not those at the end of week %(week)s."
    ) % {"today": bulletin.generated_on.isoformat(), "week": bulletin.iso_label}


def sheet_names() -> dict[str, str]:
    """The workbook's sheet names (valid: at most 31 characters, none of []:*?/\\)."""
    names = {
        "overview": _("Overview"),
        "new_starts": _("New starts"),
        "flagged": _("Red and yellow"),
        "problems": _("Problems"),
        "missing": _("Missing reports"),
        "late": _("Late reports"),
    }
    return {key: _sheet_name(value) for key, value in names.items()}


def _totals_table(bulletin: WeeklyBulletin) -> tuple[list[str], list[list[str]]]:
    headers = [
        _("Kind"),
        _("Projects"),
        _("Under weekly scheduling"),
        _("Total investment (亿元)"),
        _("Planned this year (亿元)"),
        _("Completed this year (亿元)"),
        _("Completion"),
        _("Due (序时)"),
        _("Completed this week (万元)"),
    ]
    rows = [
        [
            t.label,
            str(t.count),
            str(t.monitored),
            yi(t.total_investment),
            yi(t.planned_year),
            yi(t.completed_year),
            percent_text(t.completion_percent),
            percent_text(t.expected_percent),
            wan(t.completed_week),
        ]
        for t in [*bulletin.totals, bulletin.overall]
    ]
    return headers, rows


def _reasons_text(project: FlaggedProject) -> str:
    texts = list(project.reasons)
    if project.overridden and not texts:
        texts.append(_("Set by hand."))
    return "；".join(texts) if texts else "—"


# --- Word ---------------------------------------------------------------------------------------

_TITLE_FONT = "宋体"
_HEADING_FONT = "黑体"
_BODY_FONT = "仿宋"
_TABLE_FONT = "宋体"


def write_docx(bulletin: WeeklyBulletin, path_or_stream: str | Path | IO[bytes]) -> None:
    """Write the bulletin as a Word document (A4, title centred, sections 一、二、…, tables
    with repeated header rows)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    # Rows stored before control characters were refused must not break the document.
    bulletin = neutralise_strings(bulletin)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)

    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_fonts(normal.element, _TABLE_FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(bulletin.title)
    run.bold = True
    run.font.size = Pt(22)
    _set_fonts(run._element, _TITLE_FONT)
    if bulletin.scope_note:
        note = document.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _body_run(note, f"（{bulletin.scope_note}）")
    generated = document.add_paragraph()
    generated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body_run(generated, _generated_text(bulletin), size=12)

    heads = headings(bulletin)
    number, text, right = "center", "text", "right"  # column kinds of `_table`

    # 一、Overview
    _heading(document, heads["overview"])
    _paragraph(document, summary_text(bulletin))
    headers, rows = _totals_table(bulletin)
    widths = (14, 8, 9, 11, 11, 11, 10, 11, 15)
    _table(
        document,
        [
            (h, w, text if k == 0 else right)
            for k, (h, w) in enumerate(zip(headers, widths, strict=True))
        ],
        rows,
        bold_last=True,
    )

    # 二、New starts
    _heading(document, heads["new_starts"])
    if bulletin.new_starts:
        count = len(bulletin.new_starts)
        _paragraph(
            document,
            ngettext(
                "%(count)s project started works this week.",
                "%(count)s projects started works this week.",
                count,
            )
            % {"count": count},
        )
        _table(
            document,
            [
                (_("No."), 6, number),
                (_("Project"), 26, text),
                (_("Kind"), 12, text),
                (_("Town"), 11, text),
                (_("Responsible unit"), 16, text),
                (_("Total investment (万元)"), 14, right),
                (_("Started on"), 15, text),
            ],
            [
                [
                    str(i),
                    s.name,
                    s.kind_label,
                    s.town,
                    s.responsible_unit,
                    wan(s.total_investment),
                    _date(s.started_on),
                ]
                for i, s in enumerate(bulletin.new_starts, 1)
            ],
        )
    else:
        _paragraph(document, _("No project started works this week."))

    # 三、Red and yellow projects
    _heading(document, heads["flagged"])
    if bulletin.lights_of_today:
        _paragraph(document, lights_note(bulletin))
    _paragraph(
        document,
        _("Red: %(red)s projects; yellow: %(yellow)s projects.")
        % {"red": len(bulletin.red), "yellow": len(bulletin.yellow)},
    )
    for heading, flagged in ((heads["red"], bulletin.red), (heads["yellow"], bulletin.yellow)):
        _heading(document, heading, level=2)
        if not flagged:
            _paragraph(document, _("None."))
            continue
        _table(
            document,
            [
                (_("No."), 6, number),
                (_("Project"), 24, text),
                (_("Town"), 11, text),
                (_("Responsible unit"), 15, text),
                (_("Reasons"), 44, text),
            ],
            [
                [str(i), p.name, p.town, p.responsible_unit, _reasons_text(p)]
                for i, p in enumerate(flagged, 1)
            ],
        )

    # 四、Problems
    _heading(document, heads["problems"])
    if bulletin.problems_by_unit:
        _paragraph(
            document,
            _("Unresolved problems: %(count)s, of which overdue: %(overdue)s.")
            % {"count": bulletin.problem_count, "overdue": bulletin.overdue_count},
        )
        _table(
            document,
            [(_("Owner unit"), 50, text), (_("Unresolved"), 25, right), (_("Overdue"), 25, right)],
            [[g.unit_name, str(g.count), str(g.overdue)] for g in bulletin.problems_by_unit],
        )
        for position, group in enumerate(bulletin.problems_by_unit, 1):
            _heading(document, f"{position}. {group.unit_name}（{group.count}）", level=2)
            _table(
                document,
                [
                    (_("No."), 6, number),
                    (_("Problem"), 28, text),
                    (_("Project"), 20, text),
                    (_("Raised on"), 15, text),
                    (_("Due on"), 15, text),
                    (_("Status"), 16, text),
                ],
                [
                    [
                        str(i),
                        p.title,
                        p.project_name,
                        _date(p.raised_on),
                        _date(p.due_on),
                        _problem_status(p),
                    ]
                    for i, p in enumerate(group.problems, 1)
                ],
            )
    else:
        _paragraph(document, _("No problem is unresolved."))

    # 五、Reports
    _heading(document, heads["reports"])
    _heading(document, heads["missing"], level=2)
    if bulletin.missing:
        _paragraph(
            document,
            _("Monitored projects without a report for the week (due %(deadline)s): %(count)s.")
            % {"count": bulletin.missing_count, "deadline": bulletin.deadline.isoformat()},
        )
        _table(
            document,
            [
                (_("Town"), 14, text),
                (_("Responsible unit"), 22, text),
                (_("Missing"), 12, right),
                (_("Projects"), 52, text),
            ],
            [
                [g.town, g.responsible_unit, str(g.count), "、".join(p.name for p in g.projects)]
                for g in bulletin.missing
            ],
        )
    else:
        _paragraph(document, _("Every monitored project reported for the week."))
    _heading(document, heads["late"], level=2)
    if bulletin.late:
        _table(
            document,
            [
                (_("No."), 6, number),
                (_("Project"), 36, text),
                (_("Town"), 14, text),
                (_("Responsible unit"), 24, text),
                (_("Submitted at"), 20, text),
            ],
            [
                [
                    str(i),
                    r.name,
                    r.town,
                    r.responsible_unit,
                    r.submitted_at.strftime("%Y-%m-%d %H:%M"),
                ]
                for i, r in enumerate(bulletin.late, 1)
            ],
        )
    else:
        _paragraph(document, _("No report came in late."))

    target: Any = str(path_or_stream) if isinstance(path_or_stream, Path) else path_or_stream
    document.save(target)


def _problem_status(problem: ProblemLine) -> str:
    if problem.overdue:
        return _("%(status)s, overdue") % {"status": problem.status_label}
    return problem.status_label


def _generated_text(bulletin: WeeklyBulletin) -> str:
    return _("Figures as of %(as_of)s, generated from the ledger on %(today)s.") % {
        "as_of": bulletin.as_of.isoformat(),
        "today": bulletin.generated_on.isoformat(),
    }


def _set_fonts(element: Any, east_asian: str, latin: str = "Times New Roman") -> None:
    """Set the Latin and East Asian fonts of a run or style element (w:rFonts)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _body_run(paragraph: Any, text: str, *, size: float = 14, bold: bool = False) -> Any:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _set_fonts(run._element, _BODY_FONT)
    return run


def _heading(document: Any, text: str, *, level: int = 1) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12 if level == 1 else 6)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(16 if level == 1 else 14)
    _set_fonts(run._element, _HEADING_FONT if level == 1 else _BODY_FONT)


def _paragraph(document: Any, text: str) -> None:
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(28)
    _body_run(paragraph, text)


# Usable width of an A4 page with 25 mm margins, in twentieths of a point (dxa).
_TEXT_WIDTH_DXA = 9070


def _table(
    document: Any,
    columns: Sequence[tuple[str, int, str]],
    rows: Sequence[Sequence[str]],
    *,
    bold_last: bool = False,
) -> None:
    """A grid table with a bold, shaded header row repeated on every page.

    `columns` are (header, width in percent of the text width, kind): "right" columns
    (amounts, counts) are right-aligned, "center" ones (row numbers) centred. Cells are filled
    through the XML elements directly: python-docx's cell objects recompute the table grid on
    every access, which makes tables of thousands of rows take minutes.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = document.add_table(rows=len(rows) + 1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = [str(_TEXT_WIDTH_DXA * width // 100) for _header, width, _kind in columns]
    aligns = [
        {"right": "right", "center": "center"}.get(kind, "") for _header, _width, kind in columns
    ]
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.set(qn("w:w"), width)
    tr_list = table._tbl.tr_lst
    header_tr = tr_list[0]
    header_tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for tc, (header, _width, _kind), width in zip(header_tr.tc_lst, columns, widths, strict=True):
        _cell_text(tc, header, width=width, align="center", bold=True)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "D9D9D9")
        tc[0].append(shading)
    last = len(rows)
    for index, (tr, values) in enumerate(zip(tr_list[1:], rows, strict=True), 1):
        bold = bold_last and index == last
        for tc, value, width, align in zip(tr.tc_lst, values, widths, aligns, strict=True):
            _cell_text(tc, value, width=width, align=align, bold=bold)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _cell_text(tc: Any, text: str, *, width: str, align: str = "", bold: bool = False) -> None:
    """Fill a new cell (w:tcPr with its w:tcW, then one empty w:p) with one run of text,
    built as plain XML."""
    tc[0][0].set(f"{_W}w", width)  # w:tcPr/w:tcW, in dxa like the grid

    def child(parent: Any, tag: str) -> Any:
        element = parent.makeelement(f"{_W}{tag}", {})
        parent.append(element)
        return element

    paragraph = tc[-1]
    if align:
        child(child(paragraph, "pPr"), "jc").set(f"{_W}val", align)
    run = child(paragraph, "r")
    if bold:
        child(child(run, "rPr"), "b")
    node = child(run, "t")
    node.text = " ".join(text.splitlines())
    if node.text != node.text.strip():
        node.set(_XML_SPACE, "preserve")


# --- Excel --------------------------------------------------------------------------------------

_MONEY_FORMAT = "#,##0.00"
_PERCENT_FORMAT = "0.00"
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def write_xlsx(bulletin: WeeklyBulletin, path_or_stream: str | Path | IO[bytes]) -> None:
    """Write the bulletin as an Excel workbook: one sheet per section, bold headers, amounts
    as numbers in 万元."""
    from openpyxl import Workbook

    # Rows stored before control characters were refused must not break the workbook.
    bulletin = neutralise_strings(bulletin)
    workbook = Workbook()
    heads = headings(bulletin)
    names = sheet_names()
    overview = workbook.active
    assert overview is not None  # a new workbook has its first sheet
    overview.title = names["overview"]
    overview.append([bulletin.title])
    overview["A1"].font = _bold(size=14)
    overview.append([_generated_text(bulletin)])
    overview.append([summary_text(bulletin)])
    overview.append([heads["overview"]])
    overview.cell(row=overview.max_row, column=1).font = _bold(size=12)
    _sheet_table(
        overview,
        [
            (_("Kind"), None, 16),
            (_("Projects"), None, 10),
            (_("Under weekly scheduling"), None, 12),
            (_("Total investment (万元)"), _MONEY_FORMAT, 18),
            (_("Planned this year (万元)"), _MONEY_FORMAT, 18),
            (_("Completed this year (万元)"), _MONEY_FORMAT, 18),
            (_("Completion (percent)"), _PERCENT_FORMAT, 12),
            (_("Due (序时, percent)"), _PERCENT_FORMAT, 12),
            (_("Completed this week (万元)"), _MONEY_FORMAT, 18),
            (_("Reported for the week"), None, 12),
        ],
        [
            [
                t.label,
                t.count,
                t.monitored,
                wan_number(t.total_investment),
                wan_number(t.planned_year),
                wan_number(t.completed_year),
                t.completion_percent,
                t.expected_percent,
                wan_number(t.completed_week),
                t.reported,
            ]
            for t in [*bulletin.totals, bulletin.overall]
        ],
        bold_last=True,
    )

    starts = workbook.create_sheet(names["new_starts"])
    _sheet_heading(starts, heads["new_starts"])
    _sheet_table(
        starts,
        [
            (_("Project"), None, 36),
            (_("Kind"), None, 14),
            (_("Town"), None, 14),
            (_("Responsible unit"), None, 20),
            (_("Total investment (万元)"), _MONEY_FORMAT, 18),
            (_("Started on"), _DATE_FORMAT, 12),
        ],
        [
            [
                s.name,
                s.kind_label,
                s.town,
                s.responsible_unit,
                wan_number(s.total_investment),
                s.started_on,
            ]
            for s in bulletin.new_starts
        ],
    )

    flagged = workbook.create_sheet(names["flagged"])
    _sheet_heading(flagged, heads["flagged"])
    if bulletin.lights_of_today:
        flagged.append([lights_note(bulletin)])
    _sheet_table(
        flagged,
        [
            (_("Light"), None, 8),
            (_("Project"), None, 36),
            (_("Kind"), None, 14),
            (_("Town"), None, 14),
            (_("Responsible unit"), None, 20),
            (_("Reasons"), None, 80),
        ],
        [
            [p.light_label, p.name, p.kind_label, p.town, p.responsible_unit, _reasons_text(p)]
            for p in [*bulletin.red, *bulletin.yellow]
        ],
    )

    problems = workbook.create_sheet(names["problems"])
    _sheet_heading(problems, heads["problems"])
    _sheet_table(
        problems,
        [
            (_("Owner unit"), None, 20),
            (_("Problem"), None, 40),
            (_("Project"), None, 30),
            (_("Raised on"), _DATE_FORMAT, 12),
            (_("Due on"), _DATE_FORMAT, 12),
            (_("Overdue"), None, 8),
            (_("Status"), None, 10),
        ],
        [
            [
                group.unit_name,
                p.title,
                p.project_name,
                p.raised_on,
                p.due_on,
                _("yes") if p.overdue else _("no"),
                p.status_label,
            ]
            for group in bulletin.problems_by_unit
            for p in group.problems
        ],
    )

    missing = workbook.create_sheet(names["missing"])
    _sheet_heading(missing, f"{heads['reports']} {heads['missing']}")
    _sheet_table(
        missing,
        [(_("Town"), None, 14), (_("Responsible unit"), None, 20), (_("Project"), None, 40)],
        [
            [group.town, group.responsible_unit, p.name]
            for group in bulletin.missing
            for p in group.projects
        ],
    )

    late = workbook.create_sheet(names["late"])
    _sheet_heading(late, f"{heads['reports']} {heads['late']}")
    _sheet_table(
        late,
        [
            (_("Project"), None, 36),
            (_("Town"), None, 14),
            (_("Responsible unit"), None, 20),
            (_("Submitted at"), _DATETIME_FORMAT, 18),
        ],
        [
            [r.name, r.town, r.responsible_unit, r.submitted_at.replace(tzinfo=None)]
            for r in bulletin.late
        ],
    )
    target: Any = str(path_or_stream) if isinstance(path_or_stream, Path) else path_or_stream
    workbook.save(target)


def _bold(size: float | None = None) -> Any:
    from openpyxl.styles import Font

    return Font(bold=True, size=size)


def _sheet_name(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31]


def _sheet_heading(sheet: Worksheet, text: str) -> None:
    sheet.append([text])
    sheet["A1"].font = _bold(size=12)


def _sheet_table(
    sheet: Worksheet,
    columns: Sequence[tuple[str, str | None, int]],
    rows: Iterable[Sequence[Any]],
    *,
    bold_last: bool = False,
) -> None:
    """Write a header row (bold, frozen below it) and the rows, with number formats.

    Rows are written cell by cell at known positions: `max_row` and `ws[row]` scan every cell
    of the sheet, which would make a sheet of thousands of rows quadratic.
    """
    from openpyxl.utils import get_column_letter

    bold = _bold()
    header_row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value else 1
    for column, (header, _fmt, width) in enumerate(columns, 1):
        sheet.cell(row=header_row, column=column, value=header).font = bold
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    formats = [fmt for _header, fmt, _width in columns]
    row_number = header_row
    for values in rows:
        row_number += 1
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), 1):
            cell = sheet.cell(row=row_number, column=column, value=neutralise_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # a name starting with = is text, never a formula
            if fmt is not None:
                cell.number_format = fmt
    if bold_last and row_number > header_row:
        for column in range(1, len(columns) + 1):
            sheet.cell(row=row_number, column=column).font = bold


def to_bytes(bulletin: WeeklyBulletin, fmt: str) -> bytes:
    """The bulletin as .docx or .xlsx bytes."""
    stream = io.BytesIO()
    if fmt == "docx":
        write_docx(bulletin, stream)
    elif fmt == "xlsx":
        write_xlsx(bulletin, stream)
    else:
        raise ValueError(fmt)
    return stream.getvalue()
