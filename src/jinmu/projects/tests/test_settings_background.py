"""A threshold change recomputes every light of the county in the background: the save
returns at once to a progress page, and the worker's task covers the county's projects only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jinmu.core.models import BackgroundTask
from jinmu.core.tests.factories import RegionFactory
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.projects.tests.test_settings_page import _post

pytestmark = pytest.mark.django_db


def test_a_light_threshold_change_goes_to_the_progress_page(client: Client, world: Any) -> None:
    """The redirect names the task; the task recomputed the county's three projects."""
    ProjectFactory.create_batch(3)
    elsewhere = RegionFactory(code="371423", name="庆云县")
    ProjectFactory(region=elsewhere)
    client.force_login(world.user("industry"))
    response = _post(client, schedule_yellow_points="12")
    task = BackgroundTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("background_task", args=[task.pk])
    assert task.status == BackgroundTask.Status.DONE
    assert task.started_by == world.user("industry")
    assert task.region_id == "371422"
    assert (task.done, task.total) == (3, 3)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert reverse("projects:settings") in page.content.decode()


def test_a_change_that_moves_no_light_runs_nothing(client: Client, world: Any) -> None:
    """Saving without touching a light threshold stays on the settings page."""
    ProjectFactory()
    client.force_login(world.user("industry"))
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:settings")
    assert not BackgroundTask.objects.exists()


def test_another_user_cannot_watch_the_task(client: Client, world: Any) -> None:
    """The progress page is the starter's: a colleague of the same county gets 404."""
    client.force_login(world.user("industry"))
    _post(client, schedule_yellow_points="12")
    task = BackgroundTask.objects.get()
    client.force_login(world.user("leader"))
    assert client.get(reverse("background_task", args=[task.pk])).status_code == 404
