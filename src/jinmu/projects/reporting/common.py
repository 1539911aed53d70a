"""What every part of weekly reporting shares: which projects report, and weeks and years."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q

from jinmu.projects import weeks
from jinmu.projects.choices import MONITORED
from jinmu.projects.models import Project

ZERO = Decimal("0")


def iso_year(monday: dt.date) -> int:
    """The ISO year a week counts for (the yearly figure's year)."""
    return monday.isocalendar().year


def monitored_q() -> Q:
    """Projects under weekly scheduling: each kind's monitored states (choices.MONITORED)."""
    condition = Q(pk__in=[])
    for kind, states in MONITORED.items():
        condition |= Q(kind=kind, status__in=sorted(states))
    return condition


def is_monitored(project: Project) -> bool:
    """True when the project must report every week."""
    return project.status in MONITORED.get(project.kind, frozenset())


def to_week(value: dt.date | str) -> dt.date:
    """A week as its Monday, from ISO text ('2026-W48') or any day of it."""
    if isinstance(value, str):
        return weeks.parse_iso_week(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return weeks.monday_of(value)
