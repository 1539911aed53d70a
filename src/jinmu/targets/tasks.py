"""Periodic jobs of the targets."""

from __future__ import annotations

import datetime as dt

from jinmu.core.jobs import Cadence, job
from jinmu.targets.management.commands.snapshot_targets import previous_month_end, take_snapshots


@job(
    "snapshot_targets",
    Cadence.MONTHLY,
    "Keep every target's progress at the end of the month just closed.",
    catch_up=True,
)
def snapshot_targets(day: dt.date) -> str:
    """Snapshot the targets at the end of the month before `day`'s."""
    on = previous_month_end(day)
    return f"{take_snapshots(on)} targets at {on.isoformat()}"
