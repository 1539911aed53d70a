"""ISO weeks as the ledger uses them: a report's week is stored as its Monday."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ISO_WEEK = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the ISO week containing `day`."""
    return day - dt.timedelta(days=day.weekday())


def parse_iso_week(text: str) -> dt.date:
    """'2026-W48' → the Monday of that week; a clear error for anything else."""
    match = _ISO_WEEK.match(text or "")
    if not match:
        raise ValidationError(
            _("Give the week as an ISO week, e.g. 2026-W48 (you gave “%(value)s”)."),
            code="week_format",
            params={"value": text},
        )
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValidationError(
            _("Year %(year)s has no week %(week)s."),
            code="week_range",
            params={"year": year, "week": week},
        ) from exc


def iso_label(monday: dt.date) -> str:
    """The ISO text of a week, e.g. 2026-W48."""
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def week_deadline(monday: dt.date, due_weekday: int) -> dt.date:
    """The day a week's report is due (ISO weekday 1–7 of that same week)."""
    return monday + dt.timedelta(days=due_weekday - 1)


def latest_due_week(today: dt.date, due_weekday: int) -> dt.date:
    """The most recent week whose report deadline has passed (the week scheduling looks at)."""
    this_monday = monday_of(today)
    if today > week_deadline(this_monday, due_weekday):
        return this_monday
    return this_monday - dt.timedelta(days=7)


def week_range(monday: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of a week."""
    return monday, monday + dt.timedelta(days=6)
