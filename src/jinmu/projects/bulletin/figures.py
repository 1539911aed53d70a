"""The year's figures of a weekly bulletin and who owed the week's report, aggregated in SQL.

Who owed a report is decided as it stood at the week's deadline, from the status history (see
the package's docstring); the year's figures are grouped by kind in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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

from jinmu.core.money import as_decimal
from jinmu.projects.bulletin.content import (
    ZERO,
    KindTotals,
    LateReport,
    MissingGroup,
    ProjectRef,
    kind_label,
    town_name,
)
from jinmu.projects.choices import MONITORED, ProjectKind
from jinmu.projects.lights import expected_share
from jinmu.projects.models import Project, ProjectYearPlan, StatusChange, WeeklyReport

_FEN = Decimal("0.01")
_MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
# "kind:status" of every monitored state: a project's kind and its status at a week's deadline
# are matched against these in one comparison, so the status subquery runs once per project.
_MONITORED_KEYS = sorted(
    f"{kind}:{state}" for kind, states in MONITORED.items() for state in states
)
_MONEY_SUMS = ("total", "planned", "completed", "week_amount")


def _money(value: Any) -> Decimal:
    """An aggregate in yuan, exact to the fen (SQLite sums decimals as floats)."""
    amount = as_decimal(value)
    if amount is None:
        return ZERO
    return amount.quantize(_FEN, rounding=ROUND_HALF_UP)


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


def year_totals(
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
    rows = _grouped_figures(projects, monday=monday, deadline=deadline, year=year)
    by_kind = _sums_by_kind(rows)
    share_by_day = expected_share(ProjectYearPlan(year=year, monthly_shares=None), as_of)
    phased = _phased_plans(projects, year=year, as_of=as_of)
    return [
        _kind_totals(kind, by_kind[kind], share_by_day, phased.get(kind, (ZERO, ZERO)))
        for kind in ProjectKind.values
        if kind in by_kind
    ]


def _grouped_figures(
    projects: QuerySet[Project], *, monday: dt.date, deadline: dt.date, year: int
) -> Iterable[Mapping[str, Any]]:
    """The projects' figures grouped by kind and by the flags "owed" and "has_figures"."""
    year_start = dt.date.fromisocalendar(year, 1, 1)
    year_reports = WeeklyReport.objects.filter(
        project=OuterRef("pk"), week__gte=year_start, week__lte=monday
    )
    # The year-to-date figure is the one of the project's latest report in the (ISO) year up
    # to the week (the report service derives it; it only grows within a year).
    latest_year = year_reports.order_by("-week").values("year_invested")[:1]
    # The week's report and the year's plan are at most one row each per project: one LEFT
    # JOIN apiece instead of a subquery per figure.
    return (
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


def _sums_by_kind(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """kind → counts and money sums of the groups in the year's figures."""
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
            sums[key] += _money(group[key])
    return by_kind


def _kind_totals(
    kind: str,
    row: dict[str, Any],
    share_by_day: Decimal,
    phased: tuple[Decimal, Decimal],
) -> KindTotals:
    """One kind's totals; its 序时 share weighs the plans phased by month by their own."""
    planned = row["planned"]
    expected: Decimal | None = None
    if planned > 0:
        phased_planned, phased_due = phased
        due = (planned - phased_planned) * share_by_day + phased_due
        expected = due / planned
    return KindTotals(
        kind=kind,
        label=kind_label(kind),
        count=row["count"],
        monitored=row["monitored"],
        reported=row["reported"],
        total_investment=row["total"],
        planned_year=planned,
        completed_year=row["completed"],
        completed_week=row["week_amount"],
        expected_share=expected,
    )


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


def sum_totals(totals: Sequence[KindTotals]) -> KindTotals:
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


def report_exceptions(
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
        town, unit = town_name(row["town"]), row["unit"] or ""
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
