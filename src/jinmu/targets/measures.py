"""The named measures of the indicator catalogue: each turns a target's scope and a date window
into a value (in the indicator's unit) and the items behind it (for the target's detail page).

A measure fetches *rows* (one per measured thing, with the date, place, park and chains that
decide whether a target counts it) for a whole group of targets at once, then each target keeps
the rows that fall in its own scope and window. A board of many targets therefore costs a few
queries per indicator, not per target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from jinmu.chains.models import EnterpriseNode
from jinmu.core.choices import UnitKind
from jinmu.core.money import WAN, YI
from jinmu.enterprises.models import Qualification
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project, WeeklyReport
from jinmu.targets.choices import Aggregation, IndicatorSource
from jinmu.targets.models import Indicator, ReportedValue, Target

# Yuan in one of each money unit an indicator may be expressed in.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": WAN,
    "亿元": YI,
}


@dataclass(frozen=True)
class Item:
    """One measured thing behind a number (an enterprise certified, a project signed …)."""

    id: int
    name: str
    date: dt.date
    url_name: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class MeasureResult:
    """A measured value (None when there is nothing to measure from) and its items."""

    value: Decimal | None
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class MeasureScope:
    """Where a target applies: a region code prefix, and optionally a park or a chain."""

    region_prefix: str
    park_id: int | None = None
    chain_id: int | None = None

    @classmethod
    def of(cls, target: Target) -> MeasureScope:
        """The scope a target's region, park responsible unit and chain describe."""
        unit = target.responsible_unit
        park_id = unit.pk if unit is not None and unit.kind == UnitKind.PARK else None
        return cls(target.region.scope_prefix, park_id, target.chain_id)


@dataclass(frozen=True)
class Row:
    """One measured thing with what decides whether a scope and window count it."""

    key: int
    date: dt.date
    region_id: str
    park_id: int | None
    chain_ids: frozenset[int]
    amount: Decimal
    item: Item

    def in_scope(self, scope: MeasureScope) -> bool:
        """Whether the row lies in the scope's region, park and chain."""
        if not self.region_id.startswith(scope.region_prefix):
            return False
        if scope.park_id is not None and self.park_id != scope.park_id:
            return False
        return scope.chain_id is None or scope.chain_id in self.chain_ids


# A queryset of a measure's things for params, a region prefix and a window.
Base = Callable[[dict[str, Any], str, dt.date, dt.date], Any]


@dataclass(frozen=True)
class Totals:
    """How the database totals a measure without reading its rows: the base queryset of a
    region prefix and window (`base(params, prefix, start, end)`), the lookups of a row's
    date, region, park and chain, and the field summed for money."""

    base: Base
    date: str
    region: str
    park: str
    chain: str
    amount: str
    timestamp: bool = False  # the date is a datetime column (compared by local days)


@dataclass(frozen=True)
class Measure:
    """A named query: `fetch` reads the rows of a region prefix and window; `money` says
    whether the value is a sum of amounts in yuan (else a count of distinct keys); `level`
    counts everything that exists by the window's end, whatever its start. With `totals`, a
    board that needs no items lets the database count and sum each target in one query
    (`measure_many(..., with_items=False)`), instead of reading every row."""

    fetch: Callable[[dict[str, Any], str, dt.date, dt.date], list[Row]]
    money: bool = False
    level: bool = False
    totals: Totals | None = None


def _chains_of_enterprises(enterprise_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """Chains each enterprise supports (through its chain nodes), in one query."""
    chains: dict[int, set[int]] = {}
    links = EnterpriseNode.objects.filter(enterprise_id__in=set(enterprise_ids)).values_list(
        "enterprise_id", "node__chain_id"
    )
    for enterprise_id, chain_id in links:
        chains.setdefault(enterprise_id, set()).add(chain_id)
    return {key: frozenset(value) for key, value in chains.items()}


def _qualification_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date
) -> list[Row]:
    """Qualifications of the kind granted in the window, placed where their enterprise is."""
    found = list(
        Qualification.objects.filter(
            kind__code=params["kind"],
            granted_on__range=(start, end),
            enterprise__region__code__startswith=prefix,
        )
        .order_by("granted_on", "pk")
        .values_list(
            "enterprise_id",
            "enterprise__name",
            "granted_on",
            "enterprise__region_id",
            "enterprise__park_id",
        )
    )
    chains = _chains_of_enterprises(row[0] for row in found)
    return [
        Row(
            key=enterprise_id,
            date=granted_on,
            region_id=region_id,
            park_id=park_id,
            chain_ids=chains.get(enterprise_id, frozenset()),
            amount=Decimal(1),
            item=Item(enterprise_id, name, granted_on, "enterprises:detail"),
        )
        for enterprise_id, name, granted_on, region_id, park_id in found
    ]


def _project_row(
    key: int,
    project_id: int,
    name: str,
    day: dt.date,
    place: tuple[str, int | None, int | None],
    amount: Decimal,
) -> Row:
    """A row of a project's amount on a day; `place` is its region, park and chain."""
    region_id, park_id, chain_id = place
    return Row(
        key=key,
        date=day,
        region_id=region_id,
        park_id=park_id,
        chain_ids=frozenset() if chain_id is None else frozenset({chain_id}),
        amount=amount,
        item=Item(project_id, name, day, "projects:detail", amount),
    )


def _project_rows(projects: Any, date_field: str) -> list[Row]:
    """Rows of projects dated by one of their date fields (a datetime by its local day)."""
    rows = []
    for pk, name, when, region_id, park_id, chain_id, total in projects.order_by(
        date_field, "pk"
    ).values_list("pk", "name", date_field, "region_id", "park_id", "chain_id", "total_investment"):
        day = timezone.localdate(when) if isinstance(when, dt.datetime) else when
        place = (region_id, park_id, chain_id)
        rows.append(_project_row(pk, pk, name, day, place, total or Decimal(0)))
    return rows


def _live_projects(kind: str, prefix: str) -> Any:
    """Projects of a kind in the region prefix that were not terminated."""
    return Project.objects.filter(kind=kind, region__code__startswith=prefix).exclude(
        status=ProjectStatus.TERMINATED
    )


def _renovations(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Renovation projects whose works started in the window, at or above the investment."""
    return _live_projects(ProjectKind.RENOVATION, prefix).filter(
        actual_start__range=(start, end),
        total_investment__gte=Decimal(str(params["min_investment"])),
    )


def _renovation_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date
) -> list[Row]:
    """Rows of `_renovations`."""
    return _project_rows(_renovations(params, prefix, start, end), "actual_start")


def _attractions(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Attraction projects signed in the window with a total at or above the threshold."""
    return _live_projects(ProjectKind.ATTRACTION, prefix).filter(
        signed_on__range=(start, end), total_investment__gte=Decimal(str(params["min_total"]))
    )


def _attraction_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date
) -> list[Row]:
    """Rows of `_attractions`."""
    return _project_rows(_attractions(params, prefix, start, end), "signed_on")


def _key_projects(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Key projects of the level registered by the window's end (a project has no listing
    date, so its registration in the ledger stands for it)."""
    return _live_projects(ProjectKind.KEY, prefix).filter(
        level=params["level"], created_at__lt=_day_after(end)
    )


def _day_after(day: dt.date) -> dt.datetime:
    """Local midnight after `day`: a datetime column compared with it needs no per-row date
    conversion (on SQLite a Python function call per row)."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return timezone.make_aware(midnight)


def _key_project_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date
) -> list[Row]:
    """Rows of `_key_projects`."""
    return _project_rows(_key_projects(params, prefix, start, end), "created_at")


def _investment_reports(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Weekly reports with an amount invested, of weeks whose Monday lies in the window."""
    return WeeklyReport.objects.filter(
        week__range=(start, end), project__region__code__startswith=prefix
    ).exclude(invested_this_week__isnull=True)


def _investment_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date
) -> list[Row]:
    """Each project's investment reported in the window, one row per project and week so
    that any sub-window can be summed."""
    reports = (
        _investment_reports(params, prefix, start, end)
        .order_by("week", "project_id")
        .values_list(
            "pk",
            "project_id",
            "project__name",
            "week",
            "project__region_id",
            "project__park_id",
            "project__chain_id",
            "invested_this_week",
        )
    )
    return [
        _project_row(pk, project_id, name, week, (region_id, park_id, chain_id), amount)
        for pk, project_id, name, week, region_id, park_id, chain_id, amount in reports
    ]


def _project_totals(base: Base, date: str, *, timestamp: bool = False) -> Totals:
    """Totals of a measure over projects dated by `date`."""
    return Totals(base, date, "region__code", "park_id", "chain_id", "total_investment", timestamp)


MEASURES: dict[str, Measure] = {
    # Qualifications stay on rows: an enterprise's chains are many-valued, and the grants of a
    # year are few.
    "qualification_granted": Measure(_qualification_rows),
    "renovation_projects": Measure(
        _renovation_rows, totals=_project_totals(_renovations, "actual_start")
    ),
    "attraction_signed": Measure(
        _attraction_rows, totals=_project_totals(_attractions, "signed_on")
    ),
    "key_projects": Measure(
        _key_project_rows,
        level=True,
        totals=_project_totals(_key_projects, "created_at", timestamp=True),
    ),
    "investment_completed": Measure(
        _investment_rows,
        money=True,
        totals=Totals(
            _investment_reports,
            "week",
            "project__region__code",
            "project__park_id",
            "project__chain_id",
            "invested_this_week",
        ),
    ),
}


def in_unit(yuan: Decimal, unit: str) -> Decimal:
    """An amount in yuan expressed in a money unit (元, 万元, 亿元); other units pass as is."""
    return yuan / MONEY_UNITS[unit] if unit in MONEY_UNITS else yuan


def _is_money(indicator: Indicator, measure: Measure) -> bool:
    """Whether the indicator sums amounts (a figure of total investment) rather than counts."""
    return measure.money or indicator.params.get("figure") == "total_investment"


def summarise(
    indicator: Indicator, rows: Sequence[Row], scope: MeasureScope, start: dt.date, end: dt.date
) -> MeasureResult:
    """Value and items of the rows that a scope and window count."""
    measure = MEASURES[indicator.measure]
    first = dt.date.min if measure.level else start
    kept: dict[int, Row] = {}
    for row in rows:
        # Rows come sorted by date, so the first row per key is the earliest (an enterprise
        # certified twice in a year counts once, on its first grant).
        if first <= row.date <= end and row.in_scope(scope) and row.key not in kept:
            kept[row.key] = row
    if _is_money(indicator, measure):
        total = sum((row.amount for row in kept.values()), Decimal(0))
        return MeasureResult(in_unit(total, indicator.unit), _per_thing(kept.values()))
    return MeasureResult(Decimal(len(kept)), [row.item for row in kept.values()])


def _per_thing(rows: Iterable[Row]) -> list[Item]:
    """One item per measured thing with its amounts summed (a project's weekly reports make
    one line on the detail page), dated by its latest row."""
    items: dict[tuple[str, int], Item] = {}
    for row in rows:
        key = (row.item.url_name, row.item.id)
        seen = items.get(key)
        if seen is None:
            items[key] = row.item
        else:
            amount = (seen.amount or Decimal(0)) + (row.item.amount or Decimal(0))
            items[key] = Item(seen.id, seen.name, row.item.date, seen.url_name, amount)
    return list(items.values())


def fetch_rows(indicator: Indicator, prefix: str, start: dt.date, end: dt.date) -> list[Row]:
    """Rows of a measured indicator for a region prefix and window (level measures: from the
    beginning of time, as what exists counts whenever it began)."""
    measure = MEASURES[indicator.measure]
    first = dt.date(1900, 1, 1) if measure.level else start
    return measure.fetch(indicator.params, prefix, first, end)


def _reported_rows(
    indicator_codes: Iterable[str], region_ids: Iterable[str], start: dt.date, end: dt.date
) -> list[tuple[str, str, dt.date, Decimal]]:
    """(indicator, region, month, value) of the values reported for the indicators and
    regions in the months of [start, end], oldest first, in one query."""
    return list(
        ReportedValue.objects.filter(
            indicator_id__in=set(indicator_codes),
            region_id__in=set(region_ids),
            month__range=(start.replace(day=1), end),
        )
        .order_by("month")
        .values_list("indicator_id", "region_id", "month", "value")
    )


def _reported_value(
    indicator: Indicator,
    region_id: str,
    start: dt.date,
    end: dt.date,
    rows: Iterable[tuple[str, str, dt.date, Decimal]],
) -> MeasureResult:
    """A reported indicator's value for the region from the rows: the sum for a cumulative
    one, the latest month in the window otherwise; None when nothing was reported."""
    first = start.replace(day=1)
    values = [
        value
        for code, region, month, value in rows
        if code == indicator.code and region == region_id and first <= month <= end
    ]
    if not values:
        return MeasureResult(None)
    if indicator.aggregation == Aggregation.CUMULATIVE:
        return MeasureResult(sum(values, Decimal(0)))
    return MeasureResult(values[-1])


def reported(indicator: Indicator, region_id: str, start: dt.date, end: dt.date) -> MeasureResult:
    """A reported indicator's value for the region over [start, end] (see `_reported_value`)."""
    rows = _reported_rows([indicator.code], [region_id], start, end)
    return _reported_value(indicator, region_id, start, end, rows)


def measure_target(target: Target, start: dt.date, end: dt.date) -> MeasureResult:
    """Measure one target over [start, end] in its scope (reported indicators: from the
    department's values)."""
    indicator = target.indicator
    if indicator.source == IndicatorSource.REPORTED:
        return reported(indicator, target.region_id, start, end)
    if indicator.measure not in MEASURES:
        return MeasureResult(None)
    scope = MeasureScope.of(target)
    rows = fetch_rows(indicator, scope.region_prefix, start, end)
    return summarise(indicator, rows, scope, start, end)


def _common_prefix(codes: Sequence[str]) -> str:
    """The longest start all region codes share (character by character: GB/T 2260 nests by
    code prefix, not by path components)."""
    first, last = min(codes), max(codes)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def _condition(
    measure: Measure, totals: Totals, scope: MeasureScope, start: dt.date, end: dt.date
) -> Q:
    """What one target counts of a measure's base: its scope and window."""
    condition = Q(**{f"{totals.region}__startswith": scope.region_prefix})
    if totals.timestamp:
        # Local days, as the rows read them, without a per-row date conversion.
        condition &= Q(**{f"{totals.date}__lt": _day_after(end)})
        if not measure.level:
            condition &= Q(**{f"{totals.date}__gte": _day_after(start - dt.timedelta(days=1))})
    else:
        condition &= Q(**{f"{totals.date}__lte": end})
        if not measure.level:
            condition &= Q(**{f"{totals.date}__gte": start})
    if scope.park_id is not None:
        condition &= Q(**{totals.park: scope.park_id})
    if scope.chain_id is not None:
        condition &= Q(**{totals.chain: scope.chain_id})
    return condition


def _totals(
    group: Sequence[Target],
    scopes: dict[int, MeasureScope],
    windows: dict[int, tuple[dt.date, dt.date]],
) -> dict[int, MeasureResult]:
    """Each target's value counted or summed by the database, in one query for a group of
    targets whose indicators share a measure and its base (the count of key projects and
    their total investment, say)."""
    indicator = group[0].indicator
    measure = MEASURES[indicator.measure]
    totals = measure.totals
    assert totals is not None
    prefix = _common_prefix([scope.region_prefix for scope in scopes.values()])
    first = dt.date(1900, 1, 1) if measure.level else min(windows[t.pk][0] for t in group)
    last = max(windows[t.pk][1] for t in group)
    expressions: dict[str, Any] = {}
    for target in group:
        condition = _condition(measure, totals, scopes[target.pk], *windows[target.pk])
        expressions[f"t{target.pk}"] = (
            Sum(totals.amount, filter=condition)
            if _is_money(target.indicator, measure)
            else Count("pk", filter=condition)
        )
    found = totals.base(indicator.params, prefix, first, last).aggregate(**expressions)
    results: dict[int, MeasureResult] = {}
    for target in group:
        value = Decimal(found[f"t{target.pk}"] or 0)
        if _is_money(target.indicator, measure):
            value = in_unit(value, target.indicator.unit)
        results[target.pk] = MeasureResult(value)
    return results


def _base_key(indicator: Indicator) -> str:
    """Indicators with equal keys read the same base rows (the `figure` only says what to do
    with them)."""
    params = {k: v for k, v in sorted(indicator.params.items()) if k != "figure"}
    return f"{indicator.measure}:{params}"


def measure_many(
    targets: Sequence[Target],
    windows: dict[int, tuple[dt.date, dt.date]],
    *,
    with_items: bool = True,
) -> dict[int, MeasureResult]:
    """Measure many targets, each over its window (by target id), reading each measured
    indicator's rows once for the whole group; without items (a board), measures with
    database totals are counted there and no row is read."""
    results: dict[int, MeasureResult] = {}
    groups: dict[str, list[Target]] = {}
    counted: dict[str, list[Target]] = {}
    reporting: list[Target] = []
    for target in targets:
        indicator = target.indicator
        if indicator.source == IndicatorSource.REPORTED:
            reporting.append(target)
        elif indicator.measure not in MEASURES:
            results[target.pk] = MeasureResult(None)
        elif not with_items and MEASURES[indicator.measure].totals is not None:
            counted.setdefault(_base_key(indicator), []).append(target)
        else:
            groups.setdefault(indicator.code, []).append(target)
    if reporting:
        # Every reported target's values in one read, whatever the number of targets.
        values = _reported_rows(
            (t.indicator.code for t in reporting),
            (t.region_id for t in reporting),
            min(windows[t.pk][0] for t in reporting),
            max(windows[t.pk][1] for t in reporting),
        )
        for target in reporting:
            start, end = windows[target.pk]
            results[target.pk] = _reported_value(
                target.indicator, target.region_id, start, end, values
            )
    for group in counted.values():
        results.update(_totals(group, {t.pk: MeasureScope.of(t) for t in group}, windows))
    for group in groups.values():
        scopes = {target.pk: MeasureScope.of(target) for target in group}
        prefix = _common_prefix([scope.region_prefix for scope in scopes.values()])
        start = min(windows[target.pk][0] for target in group)
        end = max(windows[target.pk][1] for target in group)
        indicator = group[0].indicator
        rows = fetch_rows(indicator, prefix, start, end)
        for target in group:
            first, last = windows[target.pk]
            results[target.pk] = summarise(indicator, rows, scopes[target.pk], first, last)
    return results
