"""The project lists drawn by `jinmu.core.tables`: the columns a request decides (curators'
buttons, the year's column), the stacked labels on phones and the htmx pager of the ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import ProjectTag
from jinmu.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def english() -> Any:
    """Pages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def pinned(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pages think today is 20 March 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def test_ledger_cells_carry_their_labels_and_the_pager_swaps_the_results(
    world: Any, client: Client
) -> None:
    # given: more projects than a page
    for n in range(26):
        ProjectFactory(name=f"P{n}", code=f"C{n}", region=world.town_a)
    client.force_login(world.user("industry"))

    # when
    first = client.get(reverse("projects:list"), {"kind": "key"})
    second = client.get(reverse("projects:list") + first.context["next_url"])

    # then: each cell is labelled for phones, the name shows the code, the year heads a column
    html = first.content.decode()
    assert 'data-label="Invested in 2026 / plan (10k yuan)"' in html
    assert '<div class="small text-secondary">C25</div>' in html
    assert 'hx-target="#project-results"' in html
    # the second page links back to the first page, filters kept and the cursor dropped
    assert 'href="?kind=key" hx-get="?kind=key"' in second.content.decode()


def test_only_curators_get_the_remove_buttons(world: Any, client: Client) -> None:
    # given
    tag = ProjectTag.objects.create(region=world.county, name="双十项目库")
    project = ProjectFactory(region=world.town_a)
    project.tags.add(tag)
    url = reverse("projects:tag", args=[tag.pk])
    remove = reverse("projects:tag_remove", args=[tag.pk])

    # when
    client.force_login(world.user("industry"))
    curator = client.get(url).content.decode()
    client.force_login(world.user("town_a"))
    reader = client.get(url).content.decode()

    # then
    assert f'<tr data-project="{project.pk}">' in curator
    assert remove in curator
    assert f'<tr data-project="{project.pk}">' in reader
    assert remove not in reader


def test_coverage_shows_the_years_projects_only_for_covered_firms(
    world: Any, client: Client
) -> None:
    # given: a firm with a renovation project this year
    firm = EnterpriseFactory(region=world.town_a, scale="above", name="已技改企业")
    ProjectFactory(
        kind=ProjectKind.RENOVATION,
        level="",
        enterprise=firm,
        region=world.town_a,
        name="智能化改造项目",
        status=ProjectStatus.PREPARING,
        total_investment=Decimal("8000000"),
        planned_start=dt.date(2026, 5, 1),
    )
    client.force_login(world.user("industry"))
    url = reverse("projects:renovation_coverage")

    # when
    covered = client.get(url, {"year": 2026, "show": "with"}).content.decode()
    uncovered = client.get(url, {"year": 2026, "show": "without"}).content.decode()

    # then
    assert "<th>Renovation projects of 2026</th>" in covered
    assert "智能化改造项目" in covered
    assert "Renovation projects of 2026" not in uncovered
    assert 'class="nav-link active" href="?year=2026&amp;town=&amp;chain=&amp;show=without"' in (
        uncovered
    )
