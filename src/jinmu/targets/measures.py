"""The named measures of the indicator catalogue: each turns a target's scope and a date window
into a value (in the indicator's unit) and the items behind it (for the target's detail page).

A measure fetches *rows* (one per measured thing, with the date, place, park and chains that
decide whether a target counts it) for a whole group of targets at once, then each target keeps
the rows that fall in its own scope and window. A board of many targets therefore costs a few
queries per indicator, not per target.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any, Protocol

from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from jinmu.chains.models import EnterpriseNode
from jinmu.core.money import WAN, YI
from jinmu.enterprises.models import Qualification
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project, WeeklyReport
from jinmu.targets.choices import Aggregation, IndicatorSource
from jinmu.targets.models import Indicator, ReportedValue, Target
from jinmu.targets.rows import Item, MeasureResult, MeasureScope, Row

# Yuan in one of each money unit an indicator may be expressed in.
MONEY_UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "万元": WAN,
    "亿元": YI,
}


# A queryset of a measure's things for params, a region prefix and a window.
Base = Callable[[dict[str, Any], str, dt.date, dt.date], Any]


class Fetch(Protocol):
    """Reads a measure's rows of params, a region prefix and a window; their chains only
    when `chains` (no scope of a chain, no chain to look up)."""

    def __call__(
        self, params: dict[str, Any], prefix: str, start: dt.date, end: dt.date, *, chains: bool
    ) -> list[Row]: ...


@dataclass(frozen=True)
class Totals:
    """How the database totals a measure without reading its rows: the base queryset of a
    region prefix and window (`base(params, prefix, start, end)`, filtering them as the
    lookups would, so that a target as wide as the base needs no condition), the lookups of a row's
    date, region and park, the chain's (a lookup, or a condition of a chain id when a row
    has many chains), the field summed for money ("" when a row counts one) and the key
    counted once (several rows of one key, as repeated grants, count once). `by` names a
    parameter told apart in the query, with its lookup: indicators that differ only in it
    share one query, whose base gets the list of their values (the kinds of qualification)."""

    base: Base
    date: str
    region: str
    park: str
    chain: str | Callable[[int], Q]
    amount: str
    timestamp: bool = False  # the date is a datetime column (compared by local days)
    key: str = "pk"
    by: tuple[str, str] | None = None

    def in_chain(self, chain_id: int) -> Q:
        """The rows that support a chain."""
        return self.chain(chain_id) if callable(self.chain) else Q(**{self.chain: chain_id})


@dataclass(frozen=True)
class Measure:
    """A named query: `fetch` reads the rows of a region prefix and window; `money` says
    whether the value is a sum of amounts in yuan (else a count of distinct keys); `level`
    counts everything that exists by the window's end, whatever its start. With `totals`, a
    board that needs no items lets the database count and sum each target in one query
    (`measure_many(..., with_items=False)`), instead of reading every row."""

    fetch: Fetch
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


def _qualifications(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Qualifications of the kind (or of a list of kinds, for the totals of several
    indicators) granted in the window to enterprises of the region prefix."""
    kinds = params["kind"]
    return Qualification.objects.filter(
        kind__code__in=[kinds] if isinstance(kinds, str) else kinds,
        granted_on__range=(start, end),
        enterprise__region__code__startswith=prefix,
    )


def _enterprise_in_chain(chain_id: int) -> Q:
    """Qualifications whose enterprise supports the chain through one of its nodes."""
    nodes = EnterpriseNode.objects.filter(enterprise_id=OuterRef("enterprise_id"))
    return Q(Exists(nodes.filter(node__chain_id=chain_id)))


def _qualification_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date, *, chains: bool
) -> list[Row]:
    """Rows of `_qualifications`, placed where their enterprise is."""
    found = list(
        _qualifications(params, prefix, start, end)
        .order_by("granted_on", "pk")
        .values_list(
            "enterprise_id",
            "enterprise__name",
            "granted_on",
            "enterprise__region_id",
            "enterprise__park_id",
        )
    )
    supported = _chains_of_enterprises(row[0] for row in found) if chains else {}
    return [
        Row(
            key=enterprise_id,
            date=granted_on,
            region_id=region_id,
            park_id=park_id,
            chain_ids=supported.get(enterprise_id, frozenset()),
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


def _attractions(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Attraction projects signed in the window with a total at or above the threshold."""
    return _live_projects(ProjectKind.ATTRACTION, prefix).filter(
        signed_on__range=(start, end), total_investment__gte=Decimal(str(params["min_total"]))
    )


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


def _investment_reports(params: dict[str, Any], prefix: str, start: dt.date, end: dt.date) -> Any:
    """Weekly reports with an amount invested, of weeks whose Monday lies in the window."""
    return WeeklyReport.objects.filter(
        week__range=(start, end), project__region__code__startswith=prefix
    ).exclude(invested_this_week__isnull=True)


def _investment_rows(
    params: dict[str, Any], prefix: str, start: dt.date, end: dt.date, *, chains: bool
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


def _projects(base: Base, date: str, *, level: bool = False, timestamp: bool = False) -> Measure:
    """A measure of the projects of `base` dated by `date`: their rows, and their totals."""

    def fetch(
        params: dict[str, Any], prefix: str, start: dt.date, end: dt.date, *, chains: bool
    ) -> list[Row]:
        """Rows of the base's projects (their chain is a column: `chains` costs nothing)."""
        return _project_rows(base(params, prefix, start, end), date)

    totals = Totals(
        base, date, "region__code", "park_id", "chain_id", "total_investment", timestamp
    )
    return Measure(fetch, level=level, totals=totals)


MEASURES: dict[str, Measure] = {
    # An enterprise counts once however often it was certified, and supports a chain when
    # one of its nodes is in it.
    "qualification_granted": Measure(
        _qualification_rows,
        totals=Totals(
            _qualifications,
            "granted_on",
            "enterprise__region__code",
            "enterprise__park_id",
            _enterprise_in_chain,
            "",
            key="enterprise_id",
            by=("kind", "kind__code"),
        ),
    ),
    "renovation_projects": _projects(_renovations, "actual_start"),
    "attraction_signed": _projects(_attractions, "signed_on"),
    "key_projects": _projects(_key_projects, "created_at", level=True, timestamp=True),
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


def fetch_rows(
    indicator: Indicator, prefix: str, start: dt.date, end: dt.date, *, chains: bool = True
) -> list[Row]:
    """Rows of a measured indicator for a region prefix and window (level measures: from the
    beginning of time, as what exists counts whenever it began); `chains=False` when no
    scope reading them is a chain's."""
    measure = MEASURES[indicator.measure]
    first = dt.date(1900, 1, 1) if measure.level else start
    return measure.fetch(indicator.params, prefix, first, end, chains=chains)


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
    rows = fetch_rows(indicator, scope.region_prefix, start, end, chains=scope.chain_id is not None)
    return summarise(indicator, rows, scope, start, end)


def _common_prefix(codes: Sequence[str]) -> str:
    """The longest start all region codes share (character by character: GB/T 2260 nests by
    code prefix, not by path components)."""
    first, last = min(codes), max(codes)
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


# The part of a period a target is measured over: (start, end).
Window = tuple[dt.date, dt.date]


def _in_window(totals: Totals, level: bool, window: Window, base: Window) -> Q | None:
    """The rows of a window where it is narrower than the base query's (None: all of them);
    a datetime column by local days, as the rows read them, without a per-row conversion."""
    (start, end), (first, last) = window, base
    found: list[Q] = []
    if end != last:
        found.append(
            Q(**{f"{totals.date}__lt": _day_after(end)})
            if totals.timestamp
            else Q(**{f"{totals.date}__lte": end})
        )
    if not level and start != first:
        found.append(
            Q(**{f"{totals.date}__gte": _day_after(start - dt.timedelta(days=1))})
            if totals.timestamp
            else Q(**{f"{totals.date}__gte": start})
        )
    return reduce(operator.and_, found) if found else None


@dataclass(frozen=True)
class _Figure:
    """One aggregate of a group's query: over a window, of the rows of a chain when a chain is
    reached through links (else None), summing amounts or counting keys."""

    window: Window
    chain_id: int | None
    money: bool

    def aggregate(self, totals: Totals, level: bool, base: Window) -> Aggregate:
        """The figure as an aggregate of the base query."""
        found = [_in_window(totals, level, self.window, base)]
        if self.chain_id is not None:
            found.append(totals.in_chain(self.chain_id))
        condition = reduce(operator.and_, [q for q in found if q is not None], Q())
        if self.money:
            return Sum(totals.amount, filter=condition or None)
        return Count(totals.key, filter=condition or None, distinct=totals.key != "pk")


def _in_group(row: dict[str, Any], scope: MeasureScope, linked: bool, by: Any) -> bool:
    """Whether a group of the query's rows lies in a target's scope (and has its `by` value)."""
    region = row["g_region"]
    if region is None or not region.startswith(scope.region_prefix):
        return False
    if scope.park_id is not None and row["g_park"] != scope.park_id:
        return False
    if scope.chain_id is not None and not linked and row["g_chain"] != scope.chain_id:
        return False
    return by is None or row["g_by"] == by


def _group_columns(totals: Totals, scopes: Iterable[MeasureScope]) -> dict[str, F]:
    """What the query groups by: the region always, the park and a chain column when a scope
    names one, and the `by` parameter."""
    scopes = list(scopes)
    columns = {"g_region": F(totals.region)}
    if any(scope.park_id is not None for scope in scopes):
        columns["g_park"] = F(totals.park)
    if not callable(totals.chain) and any(scope.chain_id is not None for scope in scopes):
        columns["g_chain"] = F(totals.chain)
    if totals.by is not None:
        columns["g_by"] = F(totals.by[1])
    return columns


def _totals(
    group: Sequence[Target],
    scopes: dict[int, MeasureScope],
    windows: dict[int, Window],
) -> dict[int, MeasureResult]:
    """Each target's value counted or summed by the database, in one query for a group of
    targets whose indicators share a measure and its base (the count of key projects and
    their total investment, say): grouped by region, park, chain and `by` value, with one
    aggregate per window (and chain reached through links), not one per target; a target adds
    up the groups its scope covers (a key counted once per group is counted once in all: an
    enterprise lies in one region and park)."""
    measure = MEASURES[group[0].indicator.measure]
    totals = measure.totals
    assert totals is not None
    prefix = _common_prefix([scope.region_prefix for scope in scopes.values()])
    first = dt.date(1900, 1, 1) if measure.level else min(windows[t.pk][0] for t in group)
    base = (first, max(windows[t.pk][1] for t in group))
    params = group[0].indicator.params
    if totals.by is not None:
        params = {**params, totals.by[0]: sorted({t.indicator.params[totals.by[0]] for t in group})}
    figures: dict[int, _Figure] = {}
    for target in group:
        start, end = windows[target.pk]
        figures[target.pk] = _Figure(
            (first if measure.level else start, end),
            scopes[target.pk].chain_id if callable(totals.chain) else None,
            bool(totals.amount) and _is_money(target.indicator, measure),
        )
    names = {figure: f"f{i}" for i, figure in enumerate(dict.fromkeys(figures.values()))}
    rows = list(
        totals.base(params, prefix, *base)
        .order_by()
        .values(**_group_columns(totals, scopes.values()))
        .annotate(**{name: f.aggregate(totals, measure.level, base) for f, name in names.items()})
    )
    results: dict[int, MeasureResult] = {}
    for target in group:
        by = target.indicator.params[totals.by[0]] if totals.by is not None else None
        name, scope, linked = names[figures[target.pk]], scopes[target.pk], callable(totals.chain)
        found = sum(row[name] or 0 for row in rows if _in_group(row, scope, linked, by))
        value = Decimal(found or 0)
        if _is_money(target.indicator, measure):
            value = in_unit(value, target.indicator.unit)
        results[target.pk] = MeasureResult(value)
    return results


def _base_key(indicator: Indicator) -> str:
    """Indicators with equal keys share a query of the database's totals (the `figure` only
    says what to do with the rows; the totals' `by` parameter is told apart in the query)."""
    totals = MEASURES[indicator.measure].totals
    apart = {"figure", totals.by[0]} if totals is not None and totals.by else {"figure"}
    params = {k: v for k, v in sorted(indicator.params.items()) if k not in apart}
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
        chains = any(scope.chain_id is not None for scope in scopes.values())
        rows = fetch_rows(indicator, prefix, start, end, chains=chains)
        for target in group:
            first, last = windows[target.pk]
            results[target.pk] = summarise(indicator, rows, scopes[target.pk], first, last)
    return results
