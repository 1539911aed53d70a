"""Periodic jobs: each app declares its own in `tasks.py` with `@job(...)`, and `jinmu jobs run`
runs whichever are due.

Production runs `jinmu jobs run` from cron (every quarter of an hour is plenty); development
and the demo run it once when `make run` starts. A job is due until its current period (the
day for a daily job, the month for a monthly one) has a successful JobRun, so a missed night is
caught up by the next invocation and repeating an invocation does nothing. A run that fails
records its error and is tried again next time; a run still marked as started after
`STALE_AFTER` is taken to have died with its process.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from jinmu.core.models import JobRun

STALE_AFTER = dt.timedelta(hours=2)


class Cadence(StrEnum):
    """How often a job is due."""

    DAILY = "daily"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Job:
    """A named periodic job: `func(day)` does the work for a day and returns a summary line."""

    name: str
    cadence: Cadence
    func: Callable[[dt.date], str]
    description: str

    def period(self, day: dt.date) -> str:
        """The period a run on `day` covers: the day, or the month."""
        return day.isoformat() if self.cadence is Cadence.DAILY else f"{day:%Y-%m}"


_REGISTRY: dict[str, Job] = {}


def job(
    name: str, cadence: Cadence, description: str
) -> Callable[[Callable[[dt.date], str]], Callable[[dt.date], str]]:
    """Register a function as a periodic job."""

    def register(func: Callable[[dt.date], str]) -> Callable[[dt.date], str]:
        _REGISTRY[name] = Job(name, cadence, func, description)
        return func

    return register


def registered() -> list[Job]:
    """Every job of the installed apps, by name."""
    autodiscover_modules("tasks")
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def _claim(job: Job, period: str, now: dt.datetime) -> JobRun | None:
    """Mark the job's period as started, unless it succeeded or another process is running
    it; returns the claimed row."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                return JobRun.objects.create(name=job.name, period=period, started_at=now)
        except IntegrityError:
            pass
        run = JobRun.objects.select_for_update().get(name=job.name, period=period)
        running = run.finished_at is None and now - run.started_at < STALE_AFTER
        if run.succeeded or running:
            return None
        run.started_at, run.finished_at, run.output = now, None, ""
        run.save(update_fields=("started_at", "finished_at", "output"))
        return run


@dataclass(frozen=True)
class Outcome:
    """What one job did in one invocation."""

    job: Job
    period: str
    ran: bool
    succeeded: bool
    output: str


def run_due(day: dt.date, *, only: Iterable[str] = ()) -> list[Outcome]:
    """Run every job due on `day` (or only the named ones); a failing job does not stop the
    others."""
    wanted = set(only)
    outcomes: list[Outcome] = []
    for item in registered():
        if wanted and item.name not in wanted:
            continue
        period = item.period(day)
        run = _claim(item, period, timezone.now())
        if run is None:
            outcomes.append(Outcome(item, period, ran=False, succeeded=True, output=""))
            continue
        try:
            output = item.func(day)
            run.succeeded = True
        except Exception:
            output = traceback.format_exc()
            run.succeeded = False
        run.output = output
        run.finished_at = timezone.now()
        run.save(update_fields=("succeeded", "output", "finished_at"))
        outcomes.append(Outcome(item, period, ran=True, succeeded=run.succeeded, output=output))
    return outcomes
