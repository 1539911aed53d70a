"""What the battle map tests share: the pinned day, English messages, a project in town A,
and short ways to add a milestone, approve a plan and read a refusal's field errors.

Test modules take the fixture by assignment (`english = support.english`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jinmu.projects import planning
from jinmu.projects.models import Baseline, Milestone, Project
from jinmu.projects.tests.factories import ProjectFactory

TODAY = dt.date(2026, 5, 15)
D = dt.date


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Pages and messages in the English msgids, whatever translations exist."""
    with translation.override("en"):
        yield


def town_project(world: Any, **kwargs: Any) -> Project:
    """A key project in 大曹镇 (town_a)."""
    return ProjectFactory(region=world.town_a, **kwargs)


def add(world: Any, project: Project, persona: str = "town_a", **data: Any) -> Milestone:
    values = {"name": "开工", "planned_start": D(2026, 3, 1), "planned_end": D(2026, 3, 31)}
    values.update(data)
    return planning.add_milestone(
        actor=world.user(persona), project=project, data=values, today=TODAY
    )


def approved(world: Any, project: Project) -> Baseline:
    return planning.approve_plan(actor=world.user("industry"), project=project)


def field_errors(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict
