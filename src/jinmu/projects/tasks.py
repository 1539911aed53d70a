"""Periodic jobs of the project ledger."""

from __future__ import annotations

import datetime as dt

from jinmu.core.jobs import Cadence, job
from jinmu.projects.lights import refresh_lights_stats
from jinmu.projects.models import Project


@job(
    "refresh_lights",
    Cadence.DAILY,
    "Recompute every project light: time passing alone turns lights (a start falls due, a "
    "milestone slips, a report is missed).",
)
def refresh_lights(day: dt.date) -> str:
    """The nightly recomputation of every light as of the day."""
    stats = refresh_lights_stats(Project.objects.all(), today=day)
    return f"{stats.processed} projects, {stats.changed} changed colour"
