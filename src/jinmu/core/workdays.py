"""Working days: the State Council holiday schedule (with adjusted working weekends, 调休) from
the `chinese-calendar` package, overridden or extended by the county's own WorkdayOverride rows.

`chinese-calendar` only knows the years up to its release; for a later year the county's rows
decide the days they name and the weekday rule decides the rest. Such a year counts as covered
by county data only when the county has declared its calendar for that year, and the county
enters a year's calendar starting with 元旦: a year is declared when there is an override row
(of the region or any level above it) on 1 January of that year, always a statutory holiday
and the first day of the State Council's yearly schedule. Any other row alone, a 县庆 day off
say, says nothing about the year's national holidays. For a year neither the package nor a
declaration covers, `WorkCalendar.uncovered_years` collects the year whenever a day of it is
answered by the weekday rule, so pages can warn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8)
def _known_years() -> frozenset[int]:
    """Years the installed chinese-calendar package has data for."""
    years = set()
    for year in range(2004, 2100):
        try:
            chinese_calendar.is_workday(dt.date(year, 6, 1))
        except NotImplementedError:
            continue
        years.add(year)
    return frozenset(years)


def _specificity(code: str) -> int:
    """0 for a province, 1 a city, 2 a county, 3 a town."""
    if len(code) > 6:
        return 3
    if code.endswith("0000"):
        return 0
    return 1 if code.endswith("00") else 2


@dataclass
class WorkCalendar:
    """Answers "is this a working day" for one region, counting its overrides."""

    region_code: str
    overrides: dict[dt.date, bool] = field(default_factory=dict)
    uncovered_years: set[int] = field(default_factory=set)

    @classmethod
    def for_region(cls, region_code: str) -> WorkCalendar:
        """Load the overrides of the region and the county/city/province above it."""
        from jinmu.core.models import WorkdayOverride

        codes = {region_code, region_code[:6], region_code[:4] + "00", region_code[:2] + "0000"}
        rows = WorkdayOverride.objects.filter(region_id__in=codes).values_list(
            "date", "is_workday", "region_id"
        )
        overrides: dict[dt.date, bool] = {}
        # The most local row wins: apply the province's first, the town's last.
        for day, is_workday, _code in sorted(rows, key=lambda r: _specificity(r[2])):
            overrides[day] = is_workday
        return cls(region_code=region_code, overrides=overrides)

    def is_workday(self, day: dt.date) -> bool:
        """True on a working day."""
        if day in self.overrides:
            return self.overrides[day]
        if day.year in _known_years():
            return bool(chinese_calendar.is_workday(day))
        if not self.declares_year(day.year):
            self.uncovered_years.add(day.year)
        return day.weekday() < 5

    def declares_year(self, year: int) -> bool:
        """True when the county entered the year's calendar (a row on its 1 January, 元旦)."""
        return dt.date(year, 1, 1) in self.overrides

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date `days` working days after `start` (start itself does not count)."""
        current = start
        remaining = days
        while remaining > 0:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            if self.is_workday(current):
                count += 1
        return count
