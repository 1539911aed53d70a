"""Long work out of the request: a page starts a registered task, the worker runs it, and the
page shows its progress (decision 0010).

An app registers what may run in the background in its `tasks.py`:

    @background("projects.refresh_lights")
    def refresh_county_lights(*, progress: Progress, county_code: str) -> str:
        ...
        return "312 lights recomputed"

and a view starts it with `start(kind=..., actor=..., region=..., label=..., arguments=...)`,
then redirects to `task_url(task)`. Arguments are JSON (they are stored on the row and
passed to the worker), so a task reads its inputs from the database, never from the request.

The queue is huey's (SQLite file by default, Redis in production); tests run it immediately.
The periodic jobs of `jinmu.core.jobs` run on the same scheduler every quarter of an hour.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from jinmu.core.jobs import run_due
from jinmu.core.models import BackgroundTask, Region, User

logger = logging.getLogger(__name__)

# The worker writes progress at most this often: a row update per project would slow the work.
PROGRESS_EVERY_SECONDS = 0.5


class Progress:
    """Reports how far a task got: `progress(done, total)` (throttled writes to its row)."""

    def __init__(self, task_id: Any) -> None:
        self.task_id = task_id
        self._written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        """Record `done` of `total`; always written when the work is complete."""
        now = time.monotonic()
        if done < total and now - self._written_at < PROGRESS_EVERY_SECONDS:
            return
        self._written_at = now
        BackgroundTask.objects.filter(pk=self.task_id).update(done=done, total=total)


Runner = Callable[..., str]


@dataclass(frozen=True)
class Kind:
    """A registered kind of background work: `func(progress=..., **arguments)` returns the
    line shown when it is done."""

    name: str
    func: Runner


_KINDS: dict[str, Kind] = {}


def background(name: str) -> Callable[[Runner], Runner]:
    """Register a function as a kind of background task."""

    def register(func: Runner) -> Runner:
        _KINDS[name] = Kind(name, func)
        return func

    return register


@functools.cache
def _discover() -> None:
    # Once per process (each request that starts a task would search every app again).
    autodiscover_modules("tasks")


def kinds() -> dict[str, Kind]:
    """Every registered kind of the installed apps."""
    _discover()
    return dict(_KINDS)


def start(
    *,
    kind: str,
    actor: User,
    region: Region,
    label: str,
    arguments: dict[str, Any],
    next_url: str = "",
) -> BackgroundTask:
    """Record a task and queue it once the current transaction commits (at once in tests)."""
    if kind not in kinds():
        raise LookupError(f"No background task kind {kind!r}")
    task = BackgroundTask.objects.create(
        kind=kind,
        label=label,
        arguments=arguments,
        region=region,
        started_by=actor,
        next_url=next_url,
    )
    task_id = str(task.pk)
    if HUEY.immediate:
        # Immediate mode runs in this process and this transaction: waiting for a commit that
        # a test never makes would never run it.
        run_task(task_id)
    else:
        transaction.on_commit(lambda: run_task(task_id))
    return task


def execute(task_id: str) -> None:
    """Run a queued task and record how it ended; a task already started does not run again."""
    claimed = BackgroundTask.objects.filter(pk=task_id, status=BackgroundTask.Status.QUEUED).update(
        status=BackgroundTask.Status.RUNNING
    )
    if not claimed:
        return
    task = BackgroundTask.objects.get(pk=task_id)
    kind = kinds().get(task.kind)
    try:
        if kind is None:
            raise LookupError(f"No background task kind {task.kind!r}")
        message = kind.func(progress=Progress(task.pk), **task.arguments)
        status = BackgroundTask.Status.DONE
    except Exception as error:
        logger.exception("Background task %s (%s) failed", task.pk, task.kind)
        message = _("The task failed: %(error)s") % {"error": error}
        status = BackgroundTask.Status.FAILED
    BackgroundTask.objects.filter(pk=task.pk).update(
        status=status, message=message, finished_at=timezone.now()
    )


@db_task()
def run_task(task_id: str) -> None:
    """The queue's entry point: run one background task by id."""
    execute(task_id)


@db_periodic_task(crontab(minute="*/15"))
def run_periodic_jobs() -> None:
    """The periodic jobs (nightly lights, month-end snapshots …) on the worker's scheduler:
    each is due until its period has a successful run, so every quarter of an hour is plenty."""
    if getattr(settings, "JINMU_PERIODIC_JOBS", True):
        run_due(timezone.localdate())


def task_url(task: BackgroundTask) -> str:
    """The page that shows a task's progress."""
    return reverse("background_task", args=[task.pk])
