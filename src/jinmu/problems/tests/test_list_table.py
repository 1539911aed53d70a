"""The problem pool's table (problems.tables): rows marked for the browser tests and overdue
ones in red, the status badge, and the pager."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jinmu.problems import services
from jinmu.problems.models import Problem
from jinmu.projects.tests.factories import ProjectFactory


def _raise(world: Any, title: str, **kwargs: Any) -> Problem:
    project = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    return services.raise_problem(
        actor=world.user("town_a"), title=title, category="land", project=project, **kwargs
    )


def _list(client: Client, world: Any, **params: Any) -> str:
    client.force_login(world.user("industry"))
    with translation.override("en"):
        return client.get(reverse("problems:list"), params).content.decode()


def test_rows_carry_the_problem_and_overdue_ones_are_red(world: Any, client: Client) -> None:
    # given
    today = timezone.localdate()
    late = _raise(world, "逾期未接电", today=today - dt.timedelta(days=40))
    fresh = _raise(world, "用地指标")

    # when
    html = _list(client, world)

    # then
    assert f'<tr class="problem-row table-danger" data-problem="{late.pk}">' in html
    assert f'<tr class="problem-row" data-problem="{fresh.pk}">' in html
    assert html.count("overdue-badge") == 1
    assert f'<a href="{reverse("problems:detail", args=[late.pk])}">逾期未接电</a>' in html
    assert '<td data-label="Status"><span class="badge bg-orange-lt">' in html
    assert '<h3 class="card-title">2 problems</h3>' in html


def test_the_list_pages_by_fifty(world: Any, client: Client) -> None:
    # given
    for i in range(51):
        _raise(world, f"问题{i:02d}")

    # when
    first = _list(client, world, status="all")

    # then
    assert first.count('class="problem-row') == 50
    assert 'class="btn btn-sm btn-primary" href="?status=all&amp;cursor=' in first
    assert "First page" not in first


def test_no_match_says_so(world: Any, client: Client) -> None:
    html = _list(client, world, status="resolved")
    assert 'colspan="5"' in html
    assert "No problems match." in html
