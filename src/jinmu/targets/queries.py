"""Read aggregates of the targets: the year's board (grouped by the article's four fronts and by
四提四增), each unit's own targets, and the units holding targets with their status counts; and
the pages of one target (its detail, the totals of its decomposition); a department's recent
reported values are read in `jinmu.targets.recent`.

Every function reads the user's visible targets of the year in one query (indicator, region,
responsible unit, chain and parent joined) and evaluates them with one `evaluate_many` call, so a
page costs a bounded number of queries whatever the number of targets (the measures read each
measured indicator once, and every reported value in one read). Both are cached per scope under
the generation of the tables they read (`jinmu.targets.freshness`).

A part (a target with a parent) is shown under its parent when the parent is visible too (a
region-wide user sees the whole targets with their parts nested); otherwise it stands on its own
(a town, park or chain office sees its own parts as its board).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.choices import UnitKind
from jinmu.core.models import Unit
from jinmu.core.money import share_as_percent
from jinmu.core.permissions import has_action
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import User, Visitor
from jinmu.targets.choices import Action, Aggregation, Front, IndicatorSource, Status
from jinmu.targets.freshness import Generation, remember
from jinmu.targets.models import ReportedValue, Target, TargetSnapshot
from jinmu.targets.progress import TargetProgress, evaluate_many, linear_share
from jinmu.targets.services import whole_of

# Order of the status counts: what needs attention first, as on the project board.
STATUS_ORDER: tuple[Status, ...] = (Status.RED, Status.YELLOW, Status.GREEN, Status.GREY)
# Order of the units page: towns, parks, chain offices, departments, then the rest.
UNIT_KIND_ORDER: tuple[str, ...] = (
    UnitKind.TOWN,
    UnitKind.PARK,
    UnitKind.CHAIN_OFFICE,
    UnitKind.DEPARTMENT,
    UnitKind.INDUSTRY_OFFICE,
    UnitKind.LEADERSHIP,
)
# Key of the section of targets without a front or an action.
UNGROUPED = ""


def as_of(year: int, today: dt.date | None = None) -> dt.date:
    """The day a year's progress is read on: today for the current (or a future) year, the
    year's last day for a past one. A future year is read today, before its period starts, so
    nothing is expected of it yet (序时 share 0)."""
    today = today or timezone.localdate()
    return min(today, dt.date(year, 12, 31))


def year_share(year: int, on: dt.date) -> Decimal:
    """The whole-year 序时 share on a day: elapsed days (counting `on`) over the year's days."""
    return linear_share(dt.date(year, 1, 1), dt.date(year, 12, 31), on)


@dataclass(frozen=True)
class StatusCount:
    """How many targets have one status."""

    status: str
    label: str
    count: int


def status_counts(progresses: Iterable[TargetProgress]) -> list[StatusCount]:
    """Counts of the statuses, in `STATUS_ORDER` (zeros included)."""
    counter = Counter(str(tp.status) for tp in progresses)
    return [StatusCount(str(s), str(s.label), counter.get(str(s), 0)) for s in STATUS_ORDER]


@dataclass
class BoardRow:
    """One target with its progress and its visible parts (nested rows)."""

    progress: TargetProgress
    parts: list[BoardRow] = field(default_factory=list)
    depth: int = 0

    @property
    def target(self) -> Target:
        """The target of the row."""
        return self.progress.target

    @property
    def holder(self) -> Unit | None:
        """The unit holding the target."""
        return holder_of(self.target)

    @property
    def descendants(self) -> list[BoardRow]:
        """The visible parts below the row, depth first."""
        return self.flatten()[1:]

    @property
    def part_count(self) -> int:
        """The number of visible parts."""
        return len(self.parts)

    def flatten(self) -> list[BoardRow]:
        """The row followed by its parts, depth first (the export's order)."""
        rows = [self]
        for part in self.parts:
            rows.extend(part.flatten())
        return rows


@dataclass
class BoardGroup:
    """A section of the board: the targets of one front or one 四提四增 action."""

    key: str
    label: str
    rows: list[BoardRow]

    @property
    def counts(self) -> list[StatusCount]:
        """The section's status counts."""
        return status_counts(row.progress for row in self.rows)


@dataclass
class EvaluatedTargets:
    """Targets of a year evaluated on `on`: their rows (parts nested under their whole), the
    序时 share expected by then and the status counts."""

    year: int
    on: dt.date
    expected: Decimal
    rows: list[BoardRow]
    counts: list[StatusCount]

    @property
    def total(self) -> int:
        """Targets listed (parts nested under a listed whole are not counted)."""
        return len(self.rows)


@dataclass
class TargetBoard(EvaluatedTargets):
    """The year's targets the user sees, evaluated on `on`."""

    by_front: list[BoardGroup]
    by_action: list[BoardGroup]

    @property
    def is_future(self) -> bool:
        """Whether the year has not begun (nothing is due yet)."""
        return self.on < dt.date(self.year, 1, 1)

    def flat_rows(self) -> list[BoardRow]:
        """Every row with its parts, depth first, in the order of the fronts (the export)."""
        return [row for group in self.by_front for top in group.rows for row in top.flatten()]


@dataclass
class UnitTargets(EvaluatedTargets):
    """The targets one unit holds in a year."""

    unit: Unit


@dataclass
class UnitSummary:
    """A unit holding targets in a year, with its status counts."""

    unit: Unit
    counts: list[StatusCount]

    @property
    def total(self) -> int:
        """The unit's targets."""
        return sum(count.count for count in self.counts)

    def count(self, status: str) -> int:
        """The count of one status."""
        return next((c.count for c in self.counts if c.status == status), 0)


# -- reading -------------------------------------------------------------------------------------


def scope_parts(user: Visitor) -> tuple[Any, ...]:
    """What decides which targets a user sees: the permission to view them, and the scope."""
    scope = scope_for(user)
    return (
        has_action(user, Target.objects.none().permission_for("view")),
        scope.kind.value,
        scope.region_prefix,
        scope.region_code,
        scope.unit_id,
        scope.enterprise_id,
    )


def visible_targets(
    user: Visitor,
    year: int,
    generation: Generation | None = None,
    *,
    order: tuple[str, ...] = ("id",),
) -> list[Target]:
    """The user's visible targets of a year in `order`, with what rows, measures, the export
    and the API read (cached per scope while no target, indicator, region, unit or chain
    changed)."""

    def read() -> list[Target]:
        return list(
            Target.objects.for_user(user)
            .filter(year=year)
            .select_related("indicator", "region", "responsible_unit", "chain__office")
            .order_by(*order)
        )

    parts = (*scope_parts(user), year, order)
    return remember("visible", parts, (generation or Generation.read()).targets_key, read)


def years_with_targets(user: User, *, include: Iterable[int] = ()) -> list[int]:
    """The years the user has targets in, latest first, with `include` (e.g. this year)."""
    years = set(Target.objects.for_user(user).order_by().values_list("year", flat=True).distinct())
    years.update(include)
    return sorted(years, reverse=True)


def holder_of(target: Target) -> Unit | None:
    """The unit that holds a target: its responsible unit, else its chain's office."""
    if target.responsible_unit is not None:
        return target.responsible_unit
    if target.chain is not None:
        office: Unit | None = target.chain.office
        return office
    return None


def _children(targets: Sequence[Target]) -> dict[int | None, list[Target]]:
    """The visible targets by parent: a part whose parent is not visible stands at the top."""
    visible = {target.pk for target in targets}
    children: dict[int | None, list[Target]] = {}
    for target in targets:
        parent = target.parent_id if target.parent_id in visible else None
        children.setdefault(parent, []).append(target)
    return children


def _subtree(target: Target, children: dict[int | None, list[Target]]) -> list[Target]:
    """A target and every visible part below it."""
    found = [target]
    for part in children.get(target.pk, []):
        found.extend(_subtree(part, children))
    return found


def _row(
    target: Target,
    children: dict[int | None, list[Target]],
    progress: dict[int, TargetProgress],
    depth: int = 0,
) -> BoardRow:
    """The row of a target with its parts' rows."""
    parts = [_row(part, children, progress, depth + 1) for part in children.get(target.pk, [])]
    return BoardRow(progress[target.pk], parts, depth)


def _groups(
    rows: Sequence[BoardRow], attribute: str, choices: Any, ungrouped: str
) -> list[BoardGroup]:
    """The rows by a choice field, in the order of the choices then "none"; empty ones left
    out."""
    by_key: dict[str, list[BoardRow]] = {}
    for row in rows:
        key = getattr(row.target, attribute) or UNGROUPED
        by_key.setdefault(key if key in choices.values else UNGROUPED, []).append(row)
    groups = [
        BoardGroup(str(value), str(label), by_key[value])
        for value, label in choices.choices
        if value in by_key
    ]
    if UNGROUPED in by_key:
        groups.append(BoardGroup(UNGROUPED, ungrouped, by_key[UNGROUPED]))
    return groups


def target_board(
    user: User, year: int, on: dt.date, generation: Generation | None = None
) -> TargetBoard:
    """The year's board of the user: the visible targets (parts nested under their visible
    whole) with their progress on `on`, by front and by 四提四增 action, and status counts."""
    generation = generation or Generation.read()
    targets = visible_targets(user, year, generation)
    progress = evaluate_many(targets, on, with_items=False, generation=generation)
    children = _children(targets)
    rows = [_row(target, children, progress) for target in children.get(None, [])]
    return TargetBoard(
        year=year,
        on=on,
        expected=year_share(year, on),
        rows=rows,
        by_front=_groups(rows, "front", Front, _("No front")),
        by_action=_groups(rows, "action", Action, _("No 四提四增 action")),
        counts=status_counts(row.progress for row in rows),
    )


def _holds(unit: Unit, target: Target) -> bool:
    """Whether the unit holds the target."""
    holder = holder_of(target)
    return holder is not None and holder.pk == unit.pk


def unit_targets(user: User, unit: Unit, year: int, on: dt.date) -> UnitTargets:
    """The targets a unit holds in the year that the user sees, each with its visible parts
    (a part held by the unit under a whole it also holds shows only under that whole)."""
    generation = Generation.read()
    targets = visible_targets(user, year, generation)
    children = _children(targets)
    by_pk = {target.pk: target for target in targets}

    def held_above(target: Target) -> bool:
        parent = by_pk.get(target.parent_id) if target.parent_id else None
        while parent is not None:
            if _holds(unit, parent):
                return True
            parent = by_pk.get(parent.parent_id) if parent.parent_id else None
        return False

    own = [t for t in targets if _holds(unit, t) and not held_above(t)]
    wanted = [part for target in own for part in _subtree(target, children)]
    progress = evaluate_many(wanted, on, with_items=False, generation=generation)
    rows = [_row(target, children, progress) for target in own]
    return UnitTargets(
        unit=unit,
        year=year,
        on=on,
        expected=year_share(year, on),
        rows=rows,
        counts=status_counts(row.progress for row in rows),
    )


def _unit_order(unit: Unit) -> tuple[int, str]:
    """Towns first, then parks, chain offices, departments …, by name."""
    kind = unit.kind
    rank = UNIT_KIND_ORDER.index(kind) if kind in UNIT_KIND_ORDER else len(UNIT_KIND_ORDER)
    return rank, unit.name


def units_with_targets(user: User, year: int, on: dt.date) -> list[UnitSummary]:
    """Every unit holding visible targets in the year, with the status counts of the targets it
    holds (wholes and parts alike)."""
    generation = Generation.read()
    holders = {t: holder_of(t) for t in visible_targets(user, year, generation)}
    targets = [target for target, unit in holders.items() if unit is not None]
    progress = evaluate_many(targets, on, with_items=False, generation=generation)
    units: dict[int, Unit] = {}
    held: dict[int, list[TargetProgress]] = {}
    for target, unit in holders.items():
        if unit is not None:
            units[unit.pk] = unit
            held.setdefault(unit.pk, []).append(progress[target.pk])
    return [
        UnitSummary(units[pk], status_counts(held[pk]))
        for pk in sorted(units, key=lambda pk: _unit_order(units[pk]))
    ]


def visible_unit(user: User, pk: int) -> Unit | None:
    """A unit whose targets page the user may open: for a region-wide user any unit of the
    region; otherwise the user's own unit or one holding a target the user sees."""
    scope = scope_for(user)
    unit: Unit | None = Unit.objects.select_related("region").filter(pk=pk).first()
    if unit is None or scope.kind is ScopeKind.NONE:
        return None
    if scope.kind is ScopeKind.REGION:
        return unit if unit.region_id.startswith(scope.region_prefix) else None
    if unit.pk == scope.unit_id:
        return unit
    holds = (
        Target.objects.for_user(user)
        .filter(Q(responsible_unit=unit) | Q(responsible_unit__isnull=True, chain__office=unit))
        .exists()
    )
    return unit if holds else None


# -- the pages of one target ------------------------------------------------------------------

# The whole is not joined: a town must not read the county's target through its part.
PART_RELATIONS = ("indicator", "region", "responsible_unit", "chain", "chain__office")
# What a target's page reads of its parts: where they lie and who holds them (read apart from
# the target, their indicator is the whole's, which the page has already).
_DETAIL_PART_RELATIONS = ("region", "responsible_unit", "chain")
# What a target's page reads of the target (its chain's name, not its office).
DETAIL_RELATIONS = ("indicator", *_DETAIL_PART_RELATIONS)


@dataclass
class TargetDetail:
    """What the detail page of a target shows."""

    target: Target
    progress: TargetProgress
    today: dt.date
    reported: list[ReportedValue]
    parts: list[tuple[Target, TargetProgress]]
    parts_summary: dict[str, Any] | None
    parts_add_up: bool
    parent: Target | None
    snapshots: list[TargetSnapshot]
    chart: dict[str, Any]


@dataclass
class Decomposition:
    """The parts stored so far against the whole."""

    existing: list[Target]
    whole: Decimal
    decomposed: Decimal

    @property
    def remaining(self) -> Decimal:
        """What no part holds yet."""
        return self.whole - self.decomposed


def parts_add_up(target: Target) -> bool:
    """Whether a sum of the parts means anything: additive, and not a rate."""
    return bool(target.additive) and target.indicator.aggregation != Aggregation.RATE


def sees_whole_region(user: User, target: Target) -> bool:
    """Whether the user is region-wide for the target's region (and so sees all its parts)."""
    scope = scope_for(user)
    return scope.is_region_wide and target.region_id.startswith(scope.region_prefix)


def _percent(share: Decimal | None) -> float | None:
    """A share as a percentage with one decimal, for the chart."""
    percentage = share_as_percent(share, 1)
    return None if percentage is None else float(percentage)


def history_chart(
    snapshots: Sequence[TargetSnapshot], tp: TargetProgress, today: dt.date
) -> dict[str, Any]:
    """Chart data: progress and 序时 by month's end, plus today's point."""
    labels = [f"{s.month:%Y-%m}" for s in snapshots]
    progress = [_percent(s.progress) for s in snapshots]
    expected = [_percent(s.expected) for s in snapshots]
    if today >= tp.target.starts_on and (not snapshots or snapshots[-1].month < today):
        labels.append(f"{today:%Y-%m-%d}")
        progress.append(_percent(tp.progress))
        expected.append(_percent(tp.expected))
    return {
        "labels": labels,
        "progress": progress,
        "expected": expected,
        "names": {"progress": _("Share reached"), "expected": _("序时 (expected)")},
    }


def parts_summary(
    user: User, target: Target, parts: Sequence[Target], progress: dict[int, TargetProgress]
) -> dict[str, Any] | None:
    """The parts' sum against the whole, in target values and in what was measured; None when
    the parts do not add up (not additive, or a rate) or the user does not see them all."""
    if not parts or not parts_add_up(target) or not sees_whole_region(user, target):
        return None
    whole = whole_of(target)
    # A region-wide user sees every part, so the list on the page is all of them.
    total = sum((Decimal(p.value) for p in parts), Decimal(0))
    measured = [progress[p.pk].measured for p in parts]
    known = [m for m in measured if m is not None]
    return {
        "whole": whole,
        "total": total,
        "remaining": whole - total,
        "exceeds": target.additive and total > whole,
        "measured_total": sum(known, Decimal(0)) if known else None,
        "share": total / whole if whole else None,
    }


def _reported_values(user: User, target: Target) -> list[ReportedValue]:
    """The values reported for a reported indicator within the target's period, newest first."""
    if target.indicator.source != IndicatorSource.REPORTED:
        return []
    return list(
        ReportedValue.objects.for_user(user)
        .filter(
            indicator=target.indicator,
            region_id=target.region_id,
            month__range=(target.starts_on, target.ends_on),
        )
        .select_related("reporting_unit", "reported_by")
        .order_by("-month")
    )


def target_and_parts(
    user: User, pk: int, generation: Generation | None = None
) -> tuple[Target | None, list[Target]]:
    """A target the user sees (None when not) and its parts the user sees (by town), in one
    read, with what the target's page shows of them (`DETAIL_RELATIONS`); cached per scope
    while no target, indicator, region, unit or chain changed, as the boards' targets are."""

    def read() -> list[Target]:
        return list(
            Target.objects.for_user(user)
            .filter(Q(pk=pk) | Q(parent_id=pk))
            .select_related(*DETAIL_RELATIONS)
            .order_by("region_id", "id")
        )

    parts = (*scope_parts(user), pk)
    stamp = (generation or Generation.read()).targets_key
    rows = remember("target-and-parts", parts, stamp, read)
    target = next((row for row in rows if row.pk == pk), None)
    if target is None:
        return None, []
    return target, [row for row in rows if row.pk != pk]


def target_detail(
    user: User,
    target: Target,
    today: dt.date,
    parts: Sequence[Target] | None = None,
    generation: Generation | None = None,
    shown: int | None = None,
) -> TargetDetail:
    """A target with its progress today, the parts the user sees (`parts` when the caller
    read them, `target_and_parts`), its reported values, its month-end snapshots and the whole
    it is part of (when the user may open it); measured under `generation` when the caller
    read it already, with the names of its first `shown` items (all when None)."""
    if parts is None:
        parts = list(
            Target.objects.for_user(user)
            .filter(parent=target)
            .select_related(*_DETAIL_PART_RELATIONS)
            .order_by("region_id", "id")
        )
    for part in parts:
        # A part is set in its whole's indicator (`services`); another one is read when used.
        if part.indicator_id == target.indicator_id:
            part.indicator = target.indicator
    # The target's items are listed; its parts show their values alone, which the boards
    # keep cached while nothing they are measured from changes (`jinmu.targets.freshness`).
    # One generation for both reads (one query).
    generation = generation or Generation.read()
    progress = evaluate_many([target], today, generation=generation, named=shown)
    if parts:
        progress.update(evaluate_many(parts, today, with_items=False, generation=generation))
    tp = progress[target.pk]
    snapshots = list(TargetSnapshot.objects.filter(target=target).order_by("month"))
    parent: Target | None = None
    if target.parent_id:
        parent = Target.objects.for_user(user).filter(pk=target.parent_id).first()
    return TargetDetail(
        target=target,
        progress=tp,
        today=today,
        reported=_reported_values(user, target),
        parts=[(part, progress[part.pk]) for part in parts],
        parts_summary=parts_summary(user, target, parts, progress),
        parts_add_up=parts_add_up(target),
        parent=parent,
        snapshots=snapshots,
        chart=history_chart(snapshots, tp, today),
    )


def decomposition(target: Target) -> Decomposition:
    """The parts stored so far (all of them: only a manager decomposes) and their sum."""
    existing = list(
        Target.objects.filter(parent=target)
        .select_related(*PART_RELATIONS)
        .order_by("region_id", "id")
    )
    total = sum((Decimal(p.value) for p in existing), Decimal(0))
    return Decomposition(existing=existing, whole=whole_of(target), decomposed=total)
