"""Weekly reports with hostile input: huge milestone ids and control characters are refused with
a message at the page and the API, never a 500 (issue 9)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from jinmu.projects.models import Project, WeeklyReport
from jinmu.projects.tests.factories import MilestoneFactory
from jinmu.projects.tests.test_report_api import (  # noqa: F401
    api_as,
    body,
    endpoint,
    english,
    pinned,
    project,
)

HUGE = 99999999999999999999


def test_api_report_with_huge_milestone_ids_is_a_400(world: Any, project: Project) -> None:  # noqa: F811
    # when
    response = api_as(world, "town_a").post(
        endpoint(project), body(completed_milestones=[HUGE, 2**63]), format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["completed_milestones"]
    assert WeeklyReport.objects.filter(project=project).count() == 1


def test_page_report_with_huge_milestone_ids_shows_the_form_again(
    world: Any,
    project: Project,  # noqa: F811
) -> None:
    # given: a milestone to choose, so the choice is checked against the database
    MilestoneFactory(project=project, region=project.region)
    client = Client()
    client.force_login(world.user("town_a"))

    # when
    response = client.post(
        reverse("projects:report", args=[project.pk]),
        {
            "week": "2026-W48",
            "invested_wan": "35.5",
            "percent_complete": "40",
            "progress_text": "设备安装",
            "completed_milestones": [str(HUGE)],
        },
    )

    # then
    assert response.status_code < 500
    assert "completed_milestones" in response.context["form"].errors
    assert WeeklyReport.objects.filter(project=project).count() == 1


def test_page_report_with_a_control_character_is_refused(
    world: Any,
    project: Project,  # noqa: F811
) -> None:
    # given
    client = Client()
    client.force_login(world.user("town_a"))

    # when
    response = client.post(
        reverse("projects:report", args=[project.pk]),
        {
            "week": "2026-W48",
            "invested_wan": "35.5",
            "percent_complete": "40",
            "progress_text": "设备\x01安装",
        },
    )

    # then
    assert response.status_code < 500
    assert "U+0001" in response.content.decode()
    assert WeeklyReport.objects.filter(project=project).count() == 1
