"""Exports neutralise control characters already stored (issue 9: one \\x01 in a name made
every export holding the row answer 500 for everyone)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects.models import Milestone, Project
from jinmu.projects.tests.factories import MilestoneFactory, ProjectFactory
from jinmu.projects.tests.test_bulletin import county, pinned_today  # noqa: F401
from jinmu.targets.models import Target
from jinmu.targets.tests.factories import TargetFactory

BAD = "坏\x01名\x0b称\ufffe"
SHOWN = "坏名称"


def _cells(content: bytes) -> list[str]:
    """Every text cell of every sheet of a workbook (opening it proves it is well formed)."""
    book = load_workbook(io.BytesIO(content))
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]


def _signed_in(world: Any, persona: str = "industry") -> Client:
    client = Client()
    client.force_login(world.user(persona))
    return client


def test_enterprise_export_with_a_control_character_stored(world: Any) -> None:
    # given a row written past the validators (before they existed, or by a migration)
    enterprise = EnterpriseFactory(region=world.town_a)
    Enterprise.objects.filter(pk=enterprise.pk).update(name=BAD, address="路\x1f1号")

    # when
    response = _signed_in(world).get(reverse("enterprises:export"))

    # then
    assert response.status_code == 200
    cells = _cells(response.content)
    assert SHOWN in cells
    assert "路1号" in cells


def test_project_export_with_a_control_character_stored(world: Any) -> None:
    # given
    project = ProjectFactory(region=world.town_a)
    Project.objects.filter(pk=project.pk).update(name=BAD)

    # when
    response = _signed_in(world).get(reverse("projects:export"))

    # then
    assert response.status_code == 200
    assert SHOWN in _cells(response.content)


def test_plan_workbook_with_a_control_character_stored(world: Any) -> None:
    # given
    project = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    milestone = MilestoneFactory(project=project)
    Milestone.objects.filter(pk=milestone.pk).update(name=BAD)
    Project.objects.filter(pk=project.pk).update(name=BAD)

    # when
    response = _signed_in(world).get(reverse("projects:plan_xlsx", args=[project.pk]))

    # then
    assert response.status_code == 200
    assert SHOWN in _cells(response.content)


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_bulletin_with_control_characters_stored(
    world: Any,
    county: dict[str, Any],  # noqa: F811
    pinned_today: None,  # noqa: F811
    fmt: str,
) -> None:
    # given: a flagged project's name and a problem's title hold control characters
    Project.objects.filter(name="红灯项目甲").update(name="红灯\x01项目甲")
    from jinmu.problems.models import Problem

    Problem.objects.filter(pk=Problem.objects.order_by("pk").values("pk")[:1]).update(
        title="问题\x0b标题"
    )

    # when
    response = _signed_in(world, "leader").get(
        reverse(f"projects:bulletin_{fmt}"), {"week": "2026-W47"}
    )

    # then
    assert response.status_code == 200
    if fmt == "xlsx":
        text = "\n".join(_cells(response.content))
    else:
        document = Document(io.BytesIO(response.content))
        text = "\n".join(
            [p.text for p in document.paragraphs]
            + [c.text for t in document.tables for r in t.rows for c in r.cells]
        )
    assert "红灯项目甲" in text
    assert "\x01" not in text


def test_bulletin_cells_never_start_a_formula(
    world: Any,
    county: dict[str, Any],  # noqa: F811
    pinned_today: None,  # noqa: F811
) -> None:
    # given
    Project.objects.filter(name="红灯项目甲").update(name='=HYPERLINK("http://x","点我")')

    # when
    response = _signed_in(world, "leader").get(
        reverse("projects:bulletin_xlsx"), {"week": "2026-W47"}
    )

    # then
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
    assert '\'=HYPERLINK("http://x","点我")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_targets_export_with_a_control_character_stored(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    target = TargetFactory(region=world.county, year=timezone.localdate().year)
    Target.objects.filter(pk=target.pk).update(name=BAD)

    # when
    response = _signed_in(world).get(reverse("targets:export"), {"year": target.year})

    # then
    assert response.status_code == 200
    assert SHOWN in _cells(response.content)


def test_without_neutralising_the_writer_would_fail() -> None:
    # given: what openpyxl does with the raw text (why the exports answered 500)
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    sheet = Workbook().active
    assert sheet is not None

    # when / then
    with pytest.raises(IllegalCharacterError):
        sheet["A1"] = BAD
