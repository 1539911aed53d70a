"""Background tasks: started by a page, run by the worker, their progress shown to whoever
started them and to nobody else."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jinmu.core import background
from jinmu.core.background import Progress
from jinmu.core.choices import Role
from jinmu.core.models import BackgroundTask, JobRun
from jinmu.core.tests.factories import county, user_with

pytestmark = pytest.mark.django_db


@background.background("tests.count")
def _count(*, progress: Progress, upto: int) -> str:
    """Counts to `upto`, reporting each step."""
    for number in range(1, upto + 1):
        progress(number, upto)
    return f"counted to {upto}"


@background.background("tests.fail")
def _fail(*, progress: Progress) -> str:
    """Always fails."""
    raise ValueError("the disk is full")


def _start(kind: str, **arguments: Any) -> BackgroundTask:
    """Start a task as an industry-office user of the county."""
    actor = user_with(Role.INDUSTRY_OFFICE)
    return background.start(
        kind=kind,
        actor=actor,
        region=county(),
        label="数到三",
        arguments=arguments,
        next_url="/projects/",
    )


def test_a_task_runs_and_records_its_progress_and_outcome() -> None:
    """Tests run the queue immediately: the task is done when start() returns."""
    task = _start("tests.count", upto=3)
    task.refresh_from_db()
    assert task.status == BackgroundTask.Status.DONE
    assert (task.done, task.total, task.percent) == (3, 3, 100)
    assert task.message == "counted to 3"
    assert task.finished_at is not None


def test_a_failing_task_is_marked_failed_with_its_reason() -> None:
    """The error is kept for the page; nothing is raised into the request."""
    task = _start("tests.fail")
    task.refresh_from_db()
    assert task.status == BackgroundTask.Status.FAILED
    assert "the disk is full" in task.message


def test_an_unknown_kind_is_refused_before_anything_is_stored() -> None:
    """Only registered kinds run: a typo is a programming error, not a queued row."""
    with pytest.raises(LookupError):
        _start("tests.nothing")
    assert not BackgroundTask.objects.exists()


def test_a_task_runs_once() -> None:
    """The queue may deliver twice; the second delivery finds the task taken and does nothing."""
    task = _start("tests.count", upto=2)
    BackgroundTask.objects.filter(pk=task.pk).update(message="kept")
    background.execute(str(task.pk))
    task.refresh_from_db()
    assert task.message == "kept"


def test_outside_tests_the_task_is_queued_after_the_commit(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """A worker must not look for the row before the request's transaction has stored it."""
    queued: list[str] = []
    monkeypatch.setattr(background, "HUEY", SimpleNamespace(immediate=False))
    monkeypatch.setattr(background, "run_task", queued.append)
    # The actor and region are created here too (their own commit hooks renew cached options).
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        task = _start("tests.count", upto=1)
    assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == BackgroundTask.Status.QUEUED


def test_the_starter_sees_the_progress_page(client: Client) -> None:
    """The page shows the label, the outcome and the way back."""
    task = _start("tests.count", upto=3)
    client.force_login(task.started_by)
    page = client.get(reverse("background_task", args=[task.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "数到三" in text
    assert "counted to 3" in text
    assert 'href="/projects/"' in text
    assert "hx-trigger" not in text  # finished: the page stops asking


def test_htmx_polls_the_card_alone_while_the_task_runs(client: Client) -> None:
    """A running task's card asks again; the poll answers with the card, not the whole page."""
    task = _start("tests.count", upto=4)
    BackgroundTask.objects.filter(pk=task.pk).update(
        status=BackgroundTask.Status.RUNNING, done=1, finished_at=None
    )
    client.force_login(task.started_by)
    url = reverse("background_task", args=[task.pk])
    assert 'hx-trigger="every 2s"' in client.get(url).content.decode()
    card = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in card
    assert "1 of 4" in card or "1 / 4" in card or "第" in card


def test_nobody_else_sees_a_task(client: Client) -> None:
    """Another user of the same county gets 404; an anonymous visitor is sent to sign in."""
    task = _start("tests.count", upto=1)
    url = reverse("background_task", args=[task.pk])
    assert client.get(url).status_code == 302
    client.force_login(user_with(Role.INDUSTRY_OFFICE))
    assert client.get(url).status_code == 404


def test_the_periodic_tick_runs_the_due_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler's quarter-hour tick runs whatever jobs are due (here: all of them)."""
    background.run_periodic_jobs.call_local()
    assert JobRun.objects.filter(succeeded=True).exists()
