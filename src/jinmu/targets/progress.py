"""Progress of targets against 序时进度 (time-proportional progress), their status lights and a
year-end forecast.

Choices made here:
- 序时 share = elapsed days / days in the period, counting `on` itself (criteria.md §6,
  E-XS1/E-XS2: "截止日当天 ÷ 天数"), so leap years have 366 days; 0 before the period, 1 after.
  A target's `monthly_shares` (cumulative share at the end of each month of the period, one
  per month: twelve for a year, three for a quarter, e.g. [0.05, 0.12, …, 1], the format of
  the project plans' profile) replaces the linear share, prorated by day inside the month; a
  profile of the wrong length or with non-numbers is ignored.
- A cumulative or level indicator is expected at the 序时 share of its target (the count of key
  projects, like the count of certified enterprises, should be reached by the period's end); a
  rate is expected at its full target at any time (a growth rate is not accumulated), so its
  expected share is 1.
- A range target is measured against its lower value.
- Lower-is-better indicators (or `at_most` targets): progress is still measured / value (how
  much of the cap is used) and the status counts the points *above* the expected share as
  behind, so using the cap faster than 序时 turns yellow and red.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jinmu.targets.choices import Aggregation, Bound, Direction, Status
from jinmu.targets.freshness import Generation, measure_items, measure_totals
from jinmu.targets.models import Target, target_settings_for_many
from jinmu.targets.rows import Item

# Defaults from practice.md's project lights (银川 发改委): green at or above plan, yellow from
# 10 up to and including 30 percentage points behind 序时, red more than 30 behind. A county's
# TargetSettings row replaces them (see `evaluate_many`).
YELLOW_POINTS = Decimal(10)
RED_POINTS = Decimal(30)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TargetProgress:
    """Where a target stands on a day."""

    target: Target
    on: dt.date
    measured: Decimal | None
    progress: Decimal | None
    expected: Decimal
    status: Status
    forecast: Decimal | None
    items: list[Item] = field(default_factory=list)

    @property
    def behind_points(self) -> Decimal | None:
        """Percentage points behind 序时 (negative when ahead); None without progress."""
        return behind_points(self.target, self.progress, self.expected)


def linear_share(start: dt.date, end: dt.date, on: dt.date) -> Decimal:
    """Elapsed days (counting `on`) over the days of [start, end]: 0 before, 1 from its end."""
    if on < start:
        return ZERO
    if on >= end:
        return ONE
    return Decimal((on - start).days + 1) / Decimal((end - start).days + 1)


def _profile_share(
    shares: Sequence[Any], start: dt.date, end: dt.date, on: dt.date
) -> Decimal | None:
    """The monthly profile's share on a day, prorated inside its month; None when the profile
    is not one number per month of the period (then the linear share stands)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if len(shares) != months:
        return None
    index = (on.year - start.year) * 12 + on.month - start.month
    try:
        before = ZERO if index == 0 else Decimal(str(shares[index - 1]))
        at_end = Decimal(str(shares[index]))
    except ArithmeticError:
        return None
    days = monthrange(on.year, on.month)[1]
    return before + (at_end - before) * Decimal(on.day) / Decimal(days)


def expected_share(target: Target, on: dt.date) -> Decimal:
    """序时 share of the target's period on a day: 0 before it, 1 after it, linear by days in
    between unless a monthly profile replaces it."""
    start, end = target.starts_on, target.ends_on
    if on < start:
        return ZERO
    if on >= end:
        return ONE
    if target.monthly_shares:
        share = _profile_share(list(target.monthly_shares), start, end, on)
        if share is not None:
            return share
    return linear_share(start, end, on)


def expected_for(target: Target, on: dt.date) -> Decimal:
    """The share of the target expected by the day: 序时 for cumulative and level indicators,
    the whole target at any time for a rate."""
    if target.indicator.aggregation == Aggregation.RATE:
        return ONE
    return expected_share(target, on)


def lower_is_better(target: Target) -> bool:
    """Whether less is better: the indicator says so, or the target is a cap."""
    return target.indicator.direction == Direction.LOWER or target.bound == Bound.AT_MOST


def behind_points(target: Target, progress: Decimal | None, expected: Decimal) -> Decimal | None:
    """Percentage points behind the expected share (above it for a lower-is-better target)."""
    if progress is None:
        return None
    gap = (expected - progress) * HUNDRED
    return -gap if lower_is_better(target) else gap


def status_for(
    points: Decimal | None, yellow: Decimal = YELLOW_POINTS, red: Decimal = RED_POINTS
) -> Status:
    """Light for points behind: green under `yellow`, yellow up to and including `red`, red
    beyond; grey when there is nothing to compare."""
    if points is None:
        return Status.GREY
    if points > red:
        return Status.RED
    if points >= yellow:
        return Status.YELLOW
    return Status.GREEN


def _progress(target: Target, measured: Decimal | None) -> Decimal | None:
    """Measured over the target value (a range's lower value); None without a base."""
    if measured is None or target.value == 0:
        return None
    return measured / target.value


def _forecast(target: Target, measured: Decimal | None, on: dt.date) -> Decimal | None:
    """Period-end value on the current trend: a cumulative value over the elapsed share; a
    level or rate as it stands."""
    if measured is None:
        return None
    if target.indicator.aggregation != Aggregation.CUMULATIVE:
        return measured
    share = expected_share(target, on)
    return measured / share if share > 0 else None


def _window(target: Target, on: dt.date) -> tuple[dt.date, dt.date]:
    """The part of the period measured on a day."""
    return target.starts_on, min(on, target.ends_on)


@dataclass(frozen=True)
class Thresholds:
    """Points behind 序时 from which a target turns yellow, and beyond which red."""

    yellow: Decimal = YELLOW_POINTS
    red: Decimal = RED_POINTS


def threshold_points(codes: Iterable[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """The yellow and red points in force in each region, in one settings read: a town's part
    follows its county's thresholds unless the town has its own row."""
    rows = target_settings_for_many(set(codes))
    return {
        code: (Decimal(row.yellow_points), Decimal(row.red_points)) for code, row in rows.items()
    }


def _assemble(
    target: Target,
    on: dt.date,
    measured: Decimal | None,
    items: list[Item],
    thresholds: Thresholds | None = None,
) -> TargetProgress:
    """Progress, expected share, status and forecast from a measured value."""
    thresholds = thresholds or Thresholds()
    progress = _progress(target, measured)
    expected = expected_for(target, on)
    if measured is None or on < target.starts_on:
        # Nothing to measure yet: no data, or a period that has not begun.
        status = Status.GREY
    elif progress is None:
        # A target of zero: met while nothing happened for a cap, always met otherwise.
        status = Status.RED if lower_is_better(target) and measured > 0 else Status.GREEN
    else:
        status = status_for(
            behind_points(target, progress, expected), thresholds.yellow, thresholds.red
        )
    return TargetProgress(
        target=target,
        on=on,
        measured=measured,
        progress=progress,
        expected=expected,
        status=status,
        forecast=_forecast(target, measured, on),
        items=items,
    )


def evaluate(target: Target, on: dt.date) -> TargetProgress:
    """A target's progress on a day."""
    return evaluate_many([target], on)[target.pk]


def evaluate_many(
    targets: Sequence[Target],
    on: dt.date,
    *,
    with_items: bool = True,
    generation: Generation | None = None,
    named: int | None = None,
) -> dict[int, TargetProgress]:
    """Progress of many targets on a day, by target id; measured indicators are read once per
    indicator, so a board costs a bounded number of queries; the values (and items) come
    from the cache while nothing they are measured from changed (`jinmu.targets.freshness`,
    under `generation` when the caller read it already). Items are named afresh: the first
    `named` of each target (all when None; the others may come with an empty name)."""
    windows = {target.pk: _window(target, on) for target in targets}
    if with_items:
        results, points = measure_items(targets, windows, threshold_points, generation, named)
    else:
        results, points = measure_totals(targets, windows, threshold_points, generation)
    thresholds = {code: Thresholds(*pair) for code, pair in points.items()}
    return {
        target.pk: _assemble(
            target,
            on,
            results[target.pk].value,
            results[target.pk].items,
            thresholds[target.region_id],
        )
        for target in targets
    }
