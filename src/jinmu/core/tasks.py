"""Core's queue tasks: the runner of every background task and the periodic-jobs tick (the
huey consumer finds them here, as it finds every app's `tasks.py`)."""

from __future__ import annotations

from jinmu.core.background import run_periodic_jobs, run_task

__all__ = ["run_periodic_jobs", "run_task"]
