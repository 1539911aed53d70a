"""What the light tests share: a monitored project whose report is in, and the verdict of one
rule in a result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinmu.projects import lights, weeks
from jinmu.projects.models import Project
from jinmu.projects.tests.factories import ProjectFactory

D = dt.date
MONTHLY = [0, 0, "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", 1]


def monitored(world: Any, today: dt.date, **fields: Any) -> Project:
    """A key project under construction in town A whose report for the due week is in."""
    fields.setdefault("region", world.town_a)
    fields.setdefault("last_report_week", weeks.latest_due_week(today, 5))
    project: Project = ProjectFactory(**fields)
    return project


def rule(result: lights.LightResult, name: str) -> dict[str, Any] | None:
    """The reason a rule gave, or None when it did not apply."""
    found = [r for r in result.reasons if r["rule"] == name]
    assert len(found) <= 1
    return found[0] if found else None


def light_of(result: lights.LightResult, name: str) -> str | None:
    """The light one rule gave (None: not applicable)."""
    reason = rule(result, name)
    return None if reason is None else reason["light"]
