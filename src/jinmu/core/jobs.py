"""Periodic jobs: each app declares its own in `tasks.py` with `@job(...)`, and `jinmu jobs run`
runs whichever are due.

Production runs `jinmu jobs run` from cron (every quarter of an hour is plenty); development
and the demo run it once when `make run` starts. A job is due until its current period (the
day for a daily job, the month for a monthly one) has a successful JobRun, so repeating an
invocation does nothing. A job whose every period matters (`catch_up`, e.g. the month-end
snapshot) also runs the periods missed since its last success, up to `MAX_CATCH_UP`; one that
only needs the present (the nightly lights, computed as of today) does not. A run that fails
records its error and is tried again next time; a run still marked as started after
`STALE_AFTER` is taken to have died with its process. Days in the future are refused: they
would mark periods done before they came.
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
MAX_CATCH_UP = 12


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
    catch_up: bool = False

    def period(self, day: dt.date) -> str:
        """The period a run on `day` covers: the day, or the month."""
        return day.isoformat() if self.cadence is Cadence.DAILY else f"{day:%Y-%m}"

    def start_of(self, period: str) -> dt.date:
        """The first day of a period."""
        if self.cadence is Cadence.DAILY:
            return dt.date.fromisoformat(period)
        return dt.date.fromisoformat(f"{period}-01")

    def previous(self, day: dt.date) -> dt.date:
        """The first day of the period before the one of `day`."""
        if self.cadence is Cadence.DAILY:
            return day - dt.timedelta(days=1)
        return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    def due_days(self, day: dt.date) -> list[dt.date]:
        """The days to run for, oldest first: `day`, and for a catching-up job the start of
        every period missed since its last success (at most MAX_CATCH_UP in all)."""
        if not self.catch_up:
            return [day]
        last = (
            JobRun.objects.filter(name=self.name, succeeded=True)
            .order_by("-period")
            .values_list("period", flat=True)
            .first()
        )
        days = [day]
        if last is None:
            return days
        done = self.start_of(last)
        while len(days) < MAX_CATCH_UP:
            earlier = self.previous(days[-1])
            if earlier <= done:
                break
            days.append(earlier)
        return days[::-1]


_REGISTRY: dict[str, Job] = {}


def job(
    name: str, cadence: Cadence, description: str, *, catch_up: bool = False
) -> Callable[[Callable[[dt.date], str]], Callable[[dt.date], str]]:
    """Register a function as a periodic job."""

    def register(func: Callable[[dt.date], str]) -> Callable[[dt.date], str]:
        _REGISTRY[name] = Job(name, cadence, func, description, catch_up)
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
    others, and a catching-up job stops at its first failing period."""
    wanted = set(only)
    outcomes: list[Outcome] = []
    for item in registered():
        if wanted and item.name not in wanted:
            continue
        for when in item.due_days(day):
            outcome = _run_one(item, when)
            outcomes.append(outcome)
            if not outcome.succeeded:
                break
    return outcomes


def _run_one(item: Job, day: dt.date) -> Outcome:
    """Run one job for the period of `day`, unless done or running elsewhere."""
    period = item.period(day)
    run = _claim(item, period, timezone.now())
    if run is None:
        return Outcome(item, period, ran=False, succeeded=True, output="")
    try:
        output = item.func(day)
        run.succeeded = True
    except Exception:
        output = traceback.format_exc()
        run.succeeded = False
    run.output = output
    run.finished_at = timezone.now()
    run.save(update_fields=("succeeded", "output", "finished_at"))
    return Outcome(item, period, ran=True, succeeded=run.succeeded, output=output)
