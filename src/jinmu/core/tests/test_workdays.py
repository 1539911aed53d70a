"""Working days: the State Council schedule, adjusted weekends and the county's overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from jinmu.core.models import WorkdayOverride
from jinmu.core.tests.factories import county, town
from jinmu.core.workdays import WorkCalendar


@pytest.mark.django_db
def test_national_day_week_is_skipped_and_adjusted_saturday_counts() -> None:
    """2026: 10月1–7日 off; Sunday 9月20日 and Saturday 10月10日 are adjusted working days."""
    county()
    calendar = WorkCalendar.for_region("371422")
    assert not calendar.is_workday(dt.date(2026, 10, 1))
    assert not calendar.is_workday(dt.date(2026, 10, 7))
    assert calendar.is_workday(dt.date(2026, 10, 8))
    assert calendar.is_workday(dt.date(2026, 10, 10))  # 调休: a Saturday at work
    # Two working days after Wednesday 30 September: Thursday 8 and Friday 9 October.
    assert calendar.add_workdays(dt.date(2026, 9, 30), 2) == dt.date(2026, 10, 9)
    assert calendar.workdays_between(dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 2
    assert calendar.workdays_between(dt.date(2026, 10, 9), dt.date(2026, 9, 30)) == -2
    assert not calendar.uncovered_years


@pytest.mark.django_db
def test_county_override_wins_and_town_override_wins_over_county() -> None:
    """A county-wide day off, and a town that works that day anyway."""
    region = county()
    dacao = town("371422105", "大曹镇")
    day = dt.date(2026, 11, 27)  # a Friday
    WorkdayOverride.objects.create(region=region, date=day, is_workday=False, note="县庆")
    assert not WorkCalendar.for_region("371422").is_workday(day)
    assert not WorkCalendar.for_region("371422105").is_workday(day)
    WorkdayOverride.objects.create(region=dacao, date=day, is_workday=True, note="照常")
    assert WorkCalendar.for_region("371422105").is_workday(day)
    assert not WorkCalendar.for_region("371422104").is_workday(day)


@pytest.mark.django_db
def test_year_beyond_the_package_falls_back_to_weekdays_and_says_so() -> None:
    """2027 is not in chinese-calendar 1.11: weekdays count, and the year is reported."""
    county()
    calendar = WorkCalendar.for_region("371422")
    assert calendar.is_workday(dt.date(2027, 1, 1))  # a Friday; the holiday is unknown
    assert calendar.uncovered_years == {2027}


@pytest.mark.django_db
def test_county_data_for_an_uncovered_year_is_used_without_warning() -> None:
    """Once the county enters its 2027 holidays, they apply and the year is covered."""
    region = county()
    WorkdayOverride.objects.create(
        region=region, date=dt.date(2027, 1, 1), is_workday=False, note="元旦"
    )
    calendar = WorkCalendar.for_region("371422")
    assert not calendar.is_workday(dt.date(2027, 1, 1))
    assert calendar.is_workday(dt.date(2027, 1, 4))
    assert not calendar.uncovered_years


@pytest.mark.django_db
def test_a_single_county_day_does_not_cover_a_year_the_package_does_not_know() -> None:
    """A 县庆 day off in 2027 says nothing of the national holidays: the warning stays."""
    region = county()
    WorkdayOverride.objects.create(
        region=region, date=dt.date(2027, 11, 26), is_workday=False, note="县庆"
    )
    calendar = WorkCalendar.for_region("371422")
    assert not calendar.is_workday(dt.date(2027, 11, 26))  # the county's day applies
    assert calendar.is_workday(dt.date(2027, 10, 4))  # a Monday: 国庆 unknown, weekday rule
    assert calendar.uncovered_years == {2027}
    assert not calendar.declares_year(2027)


@pytest.mark.django_db
def test_a_year_is_declared_from_its_1_january_at_any_level_above() -> None:
    """The county enters a year's calendar starting with 元旦; a town sees its county's."""
    region = county()
    town("371422105", "大曹镇")
    WorkdayOverride.objects.create(
        region=region, date=dt.date(2028, 1, 1), is_workday=False, note="元旦"
    )
    calendar = WorkCalendar.for_region("371422105")
    assert calendar.declares_year(2028)
    assert calendar.is_workday(dt.date(2028, 10, 4))  # a Wednesday, not entered: working
    assert not calendar.uncovered_years
    assert calendar.add_workdays(dt.date(2029, 1, 1), 1) == dt.date(2029, 1, 2)
    assert calendar.uncovered_years == {2029}
