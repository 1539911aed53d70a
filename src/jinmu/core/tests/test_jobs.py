"""Periodic jobs: due once per period, caught up after a gap, retried after a failure."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from jinmu.core import jobs
from jinmu.core.models import JobRun
from jinmu.targets.models import TargetSnapshot
from jinmu.targets.tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    """Call `jinmu jobs` and return what it printed."""
    out = StringIO()
    call_command("jobs", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_apps_declare_their_jobs() -> None:
    """The ledger's nightly lights and the targets' monthly snapshot are registered."""
    names = {job.name: job.cadence for job in jobs.registered()}
    assert names["refresh_lights"] == jobs.Cadence.DAILY
    assert names["snapshot_targets"] == jobs.Cadence.MONTHLY


def test_monthly_snapshot_runs_once_per_month(world: Any) -> None:
    """The first run of October snapshots September's end; running again the same month does
    nothing; November snapshots October."""
    target = TargetFactory()
    out = _run("run", "--date", "2026-10-03", "--only", "snapshot_targets")
    assert "snapshot_targets 2026-10: 1 targets at 2026-09-30" in out
    assert list(TargetSnapshot.objects.values_list("month", flat=True)) == [dt.date(2026, 9, 30)]
    out = _run("run", "--date", "2026-10-20", "--only", "snapshot_targets")
    assert "already done" in out
    assert TargetSnapshot.objects.count() == 1
    _run("run", "--date", "2026-11-02", "--only", "snapshot_targets")
    assert TargetSnapshot.objects.filter(target=target, month=dt.date(2026, 10, 31)).exists()


def test_missed_months_are_caught_up(world: Any) -> None:
    """Cron was down from August to October: the November run snapshots every month-end
    missed since July's, oldest first; the nightly lights only run for the day itself."""
    TargetFactory()
    _run("run", "--date", "2026-07-01", "--only", "snapshot_targets")
    out = _run("run", "--date", "2026-11-05", "--only", "snapshot_targets")
    assert out.index("2026-08:") < out.index("2026-09:") < out.index("2026-11:")
    months = sorted(TargetSnapshot.objects.values_list("month", flat=True))
    assert months == [
        dt.date(2026, 6, 30),
        dt.date(2026, 7, 31),
        dt.date(2026, 8, 31),
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 31),
    ]
    _run("run", "--date", "2026-11-01", "--only", "refresh_lights")
    _run("run", "--date", "2026-11-05", "--only", "refresh_lights")
    assert JobRun.objects.filter(name="refresh_lights").count() == 2


def test_a_future_day_is_refused() -> None:
    """Running for a day to come would mark its month done before it came."""
    later = timezone.localdate() + dt.timedelta(days=40)
    with pytest.raises(CommandError, match="has not come yet"):
        _run("run", "--date", later.isoformat())
    assert not JobRun.objects.exists()


def test_daily_job_runs_each_day(world: Any) -> None:
    """The light refresh is due again the next day."""
    _run("run", "--date", "2026-11-25", "--only", "refresh_lights")
    out = _run("run", "--date", "2026-11-25", "--only", "refresh_lights")
    assert "already done" in out
    _run("run", "--date", "2026-11-26", "--only", "refresh_lights")
    periods = JobRun.objects.filter(name="refresh_lights", succeeded=True)
    assert sorted(periods.values_list("period", flat=True)) == ["2026-11-25", "2026-11-26"]


def test_failed_job_is_recorded_and_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure is kept with its error, does not stop the others, and runs again next time."""
    calls: list[dt.date] = []

    def flaky(day: dt.date) -> str:
        calls.append(day)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return "fine"

    monkeypatch.setitem(
        jobs._REGISTRY, "flaky", jobs.Job("flaky", jobs.Cadence.DAILY, flaky, "test")
    )
    with pytest.raises(CommandError, match="1 job"):
        _run("run", "--date", "2026-11-26", "--only", "flaky")
    run = JobRun.objects.get(name="flaky")
    assert not run.succeeded
    assert "database went away" in run.output
    assert "flaky 2026-11-26: fine" in _run("run", "--date", "2026-11-26", "--only", "flaky")
    assert JobRun.objects.get(name="flaky").succeeded


def test_a_run_in_progress_is_not_started_twice() -> None:
    """Two overlapping invocations: the second leaves a fresh started run alone, but takes
    over one that has been running longer than a process can live."""
    job = jobs._REGISTRY["refresh_lights"]
    now = timezone.now()
    JobRun.objects.create(name=job.name, period="2026-11-26", started_at=now)
    assert jobs._claim(job, "2026-11-26", now + dt.timedelta(minutes=5)) is None
    assert jobs._claim(job, "2026-11-26", now + jobs.STALE_AFTER) is not None


def test_unknown_job_and_bad_date_are_refused() -> None:
    """Clear errors, nothing run."""
    with pytest.raises(CommandError, match="No such job"):
        _run("run", "--only", "nope")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("run", "--date", "26/11/2026")
    assert not JobRun.objects.exists()


def test_list_shows_last_run() -> None:
    """`jobs list` names each job with its cadence and last successful period."""
    JobRun.objects.create(
        name="refresh_lights",
        period="2026-11-26",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        succeeded=True,
    )
    out = _run("list")
    assert "refresh_lights [daily] last: 2026-11-26" in out
    assert "snapshot_targets [monthly] last: never" in out
