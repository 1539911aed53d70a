"""Calendar arithmetic of the light rules: months after a day, whole months between two days,
and the share of a year's plan due by a day (序时). Both the rules (computing a light) and the
reasons (writing its texts for the day it was computed for) use them."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from jinmu.projects import weeks

_POINT = Decimal("0.01")


class PlanFacts(Protocol):
    """What the rules read of a year plan (`ProjectYearPlan` or the batch's plain row)."""

    @property
    def year(self) -> int: ...
    @property
    def planned_investment(self) -> Decimal: ...
    @property
    def monthly_shares(self) -> Any: ...


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """How many whole calendar months lie between two days (0 when end < start + 1 month)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def days_in_year(year: int) -> int:
    """365, or 366 in a leap year."""
    return 366 if calendar.isleap(year) else 365


def monthly_profile(shares: Any) -> tuple[str, ...] | None:
    """A plan's monthly shares as `expected_share` reads them (twelve values, as text), or
    None when it prorates by days."""
    if shares and len(shares) == 12:
        return tuple(str(v) for v in shares)
    return None


def expected_share(plan: PlanFacts, day: dt.date) -> Decimal:
    """序时: the share (0–1) of the year's planned investment due by the end of `day`.

    Without monthly shares: elapsed days (counting `day` itself) / days in the year, so
    1 January is 1/365 and 31 December is 1. With twelve cumulative monthly shares: the share
    at the end of the previous month plus this month's increment prorated by the days elapsed
    in the month (counting `day`), so the month's end reaches exactly that month's share.
    A day outside the plan's year gives 0 before it and 1 after it.
    """
    return _expected(plan.year, monthly_profile(plan.monthly_shares), day)


@functools.lru_cache(maxsize=4096)
def _expected(year: int, shares: tuple[str, ...] | None, day: dt.date) -> Decimal:
    """`expected_share` of a plan's year and monthly profile (the same for most projects of a
    night's batch)."""
    if day.year < year:
        return Decimal("0")
    if day.year > year:
        return Decimal("1")
    if shares:
        values = [Decimal(v) for v in shares]
        previous = values[day.month - 2] if day.month > 1 else Decimal("0")
        current = values[day.month - 1]
        month_days = calendar.monthrange(day.year, day.month)[1]
        return previous + (current - previous) * Decimal(day.day) / Decimal(month_days)
    return Decimal(day.timetuple().tm_yday) / Decimal(days_in_year(day.year))


def schedule_figures(
    year: int,
    planned: Decimal,
    invested: Decimal,
    shares: Sequence[str] | None,
    day: dt.date,
) -> tuple[Decimal, Decimal, Decimal]:
    """The schedule rule's figures on `day`: the share due, the share done and the points
    behind (rounded half-up to 0.01, the precision of the thresholds)."""
    expected = _expected(year, tuple(shares) if shares else None, day)
    actual = invested / planned
    behind = ((expected - actual) * 100).quantize(_POINT, rounding=ROUND_HALF_UP)
    return expected, actual, behind


@functools.lru_cache(maxsize=64)
def due_week(day: dt.date, due_weekday: int) -> tuple[dt.date, dt.date, str]:
    """The week whose report is due by `day` (the latest whose deadline has passed), its
    deadline and its label (the same for every project of a night's batch)."""
    week = weeks.latest_due_week(day, due_weekday)
    return week, weeks.week_deadline(week, due_weekday), weeks.iso_label(week)
