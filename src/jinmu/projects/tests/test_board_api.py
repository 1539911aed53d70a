"""The board API and the board's cache: counts follow every light write."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from jinmu.projects import lights, services
from jinmu.projects.tests.factories import ProjectFactory


def _board(client: APIClient) -> Any:
    response = client.get("/api/v1/project-board/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_board_counts_by_light_and_follow_an_override(world: Any) -> None:
    """A red override shows on the next read: the cache is keyed by the light generation."""
    cache.clear()
    today = dt.date(2026, 11, 26)
    a = ProjectFactory(region=world.town_a, name="甲项目")
    b = ProjectFactory(region=world.town_b, name="乙项目")
    for project in (a, b):
        project.last_report_week = dt.date(2026, 11, 16)
        project.save()
        lights.refresh_light(project, today=today)
    client = APIClient()
    client.force_authenticate(world.user("industry"))
    first = _board(client)
    assert first["total"]["total"] == 2
    assert first["total"]["red"] == 0
    services.override_light(
        actor=world.user("industry"), project=a, light="red", reason="土地手续停滞"
    )
    second = _board(client)
    assert second["total"]["red"] == 1
    town_a = next(row for row in second["by_town"] if row["key"] == world.town_a.code)
    assert town_a["red"] == 1
    by_kind = {row["key"]: row["total"] for row in second["by_kind"]}
    assert by_kind["key"] == 2
    assert sum(by_kind.values()) == 2


@pytest.mark.django_db
def test_board_is_scoped_and_closed_to_other_roles(world: Any) -> None:
    """A town counts its own projects only; a bank or an enterprise user gets 403."""
    cache.clear()
    ProjectFactory(region=world.town_a)
    b = ProjectFactory(region=world.town_b)
    for project in (b, *b.__class__.objects.exclude(pk=b.pk)):
        lights.refresh_light(project, today=dt.date(2026, 11, 26))
    client = APIClient()
    client.force_authenticate(world.user("town_b"))
    assert _board(client)["total"]["total"] == 1
    for persona in ("bank", "enterprise"):
        other = APIClient()
        other.force_authenticate(world.user(persona))
        assert other.get("/api/v1/project-board/").status_code == 403
