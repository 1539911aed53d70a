"""The portfolio board: counts by light per town, chain, kind and responsible unit, the links
to the filtered project list, scoping, and the light badge and dot template tags."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from jinmu.chains.tests.factories import ChainFactory
from jinmu.core.tests.factories import UnitFactory
from jinmu.projects import lights, queries
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project
from jinmu.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

BOARD = "/projects/board/"


@pytest.fixture
def portfolio(world: Any) -> dict[str, Any]:
    """Town A: 2 red, 1 yellow, 1 green, 1 grey (one on each chain); town B: 1 red, 1 green;
    one county-level red project; and projects without a light that must not count."""
    fitness = ChainFactory(name="健身器材", office=world.chain_office)
    elevator = ChainFactory(name="电梯", office=world.other_chain_office)
    dev = UnitFactory(name="发展和改革局")
    bureau = UnitFactory(name="商务局")

    def make(name: str, region: Any, light: str, **extra: Any) -> Project:
        project: Project = ProjectFactory(name=name, region=region, light=light, **extra)
        return project

    a, b = world.town_a, world.town_b
    made = {
        "a_red_1": make("甲红一", a, "red", chain=fitness, responsible_unit=dev),
        "a_red_2": make(
            "甲红二", a, "red", chain=elevator, kind=ProjectKind.RENOVATION, responsible_unit=dev
        ),
        "a_yellow": make("甲黄", a, "yellow", chain=fitness, responsible_unit=bureau),
        "a_green": make(
            "甲绿",
            a,
            "green",
            chain=fitness,
            kind=ProjectKind.ATTRACTION,
            status=ProjectStatus.SIGNED,
        ),
        "a_grey": make("甲灰", a, "grey", chain=elevator),
        "b_red": make("乙红", b, "red", chain=elevator, responsible_unit=bureau),
        "b_green": make("乙绿", b, "green", park=None),
        "county_red": make("县红", world.county, "red", responsible_unit=dev),
        "a_unmonitored": make(
            "甲线索", a, "", chain=fitness, kind=ProjectKind.ATTRACTION, status=ProjectStatus.LEAD
        ),
        "b_done": make("乙投产", b, "", status=ProjectStatus.PRODUCING),
    }
    Project.objects.update(light_computed_on=dt.date(2026, 7, 1))
    return {"fitness": fitness, "elevator": elevator, "dev": dev, "bureau": bureau, **made}


def login(client: Client, world: Any, persona: str) -> Client:
    """Sign a persona in."""
    client.force_login(world.user(persona))
    return client


def counts(row: queries.BoardRow) -> dict[str, int]:
    """A row's counts by light."""
    return {cell.light: cell.count for cell in row.cells}


def params(url: str | None) -> dict[str, list[str]]:
    """The query parameters of a link."""
    assert url is not None
    return parse_qs(urlsplit(url).query)


def test_region_wide_board_counts(world: Any, portfolio: dict[str, Any]) -> None:
    board = queries.portfolio_board(world.user("industry"), list_url="/projects/")
    assert counts(board.total) == {"red": 4, "yellow": 1, "green": 2, "grey": 1}
    assert board.total.total == 8
    assert board.computed_to == dt.date(2026, 7, 1)
    town = board.section("town")
    assert counts(town.row(world.town_a.code)) == {"red": 2, "yellow": 1, "green": 1, "grey": 1}  # type: ignore[arg-type]
    assert counts(town.row(world.town_b.code)) == {"red": 1, "yellow": 0, "green": 1, "grey": 0}  # type: ignore[arg-type]
    county_row = town.row(world.county.code)
    assert county_row is not None
    assert not county_row.linkable
    assert counts(county_row)["red"] == 1
    assert counts(town.total) == counts(board.total)
    chain = board.section("chain")
    assert counts(chain.row(str(portfolio["fitness"].pk))) == {  # type: ignore[arg-type]
        "red": 1,
        "yellow": 1,
        "green": 1,
        "grey": 0,
    }
    assert counts(chain.row(str(portfolio["elevator"].pk))) == {  # type: ignore[arg-type]
        "red": 2,
        "yellow": 0,
        "green": 0,
        "grey": 1,
    }
    assert counts(chain.row("")) == {"red": 1, "yellow": 0, "green": 1, "grey": 0}  # type: ignore[arg-type]
    kind = board.section("kind")
    assert [r.key for r in kind.rows] == list(ProjectKind.values)
    assert counts(kind.row("key")) == {"red": 3, "yellow": 1, "green": 1, "grey": 1}  # type: ignore[arg-type]
    assert counts(kind.row("renovation"))["red"] == 1  # type: ignore[arg-type]
    assert counts(kind.row("attraction"))["green"] == 1  # type: ignore[arg-type]
    assert kind.row("bond").total == 0  # type: ignore[union-attr]
    unit = board.section("responsible_unit")
    assert counts(unit.row(str(portfolio["dev"].pk)))["red"] == 3  # type: ignore[arg-type]
    assert counts(unit.row(str(portfolio["bureau"].pk))) == {  # type: ignore[arg-type]
        "red": 1,
        "yellow": 1,
        "green": 0,
        "grey": 0,
    }
    assert unit.row("").total == 3  # type: ignore[union-attr]
    # The stacked bar by kind carries the same numbers.
    red_series = next(s for s in board.chart["series"] if s["light"] == "red")
    assert red_series["data"] == [0, 3, 1, 0, 0]


def test_counts_link_to_the_filtered_project_list(world: Any, portfolio: dict[str, Any]) -> None:
    board = queries.portfolio_board(world.user("industry"), list_url="/projects/")
    town_a = board.section("town").row(world.town_a.code)
    assert town_a is not None
    red = next(c for c in town_a.cells if c.light == "red")
    assert params(red.url) == {"light": ["red"], "town": [world.town_a.code]}
    chain = board.section("chain").row(str(portfolio["elevator"].pk))
    assert params(chain.cells[0].url) == {  # type: ignore[union-attr]
        "light": ["red"],
        "chain": [str(portfolio["elevator"].pk)],
    }
    assert params(board.section("kind").row("key").cells[3].url) == {  # type: ignore[union-attr]
        "light": ["grey"],
        "kind": ["key"],
    }
    unit = board.section("responsible_unit").row(str(portfolio["dev"].pk))
    assert params(unit.cells[0].url) == {  # type: ignore[union-attr]
        "light": ["red"],
        "responsible_unit": [str(portfolio["dev"].pk)],
    }
    assert params(board.total.cells[0].url) == {"light": ["red"]}
    # Rows that no list filter can select are counted but not linked.
    assert all(c.url is None for c in board.section("chain").row("").cells)  # type: ignore[union-attr]


def test_board_page_shows_counts_and_follows_to_the_list(
    client: Client, world: Any, portfolio: dict[str, Any]
) -> None:
    login(client, world, "industry")
    response = client.get(reverse("projects:board"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="board-chart"' in html
    assert "board-chart-data" in html
    link = f"{reverse('projects:list')}?light=red&amp;town={world.town_a.code}"
    assert f'<a href="{link}">2</a>' in html
    listing = client.get(f"{reverse('projects:list')}?light=red&town={world.town_a.code}")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "甲红一" in text
    assert "甲红二" in text
    for other in ("甲黄", "乙红", "县红", "甲线索"):
        assert other not in text


def test_town_user_sees_only_its_town(
    client: Client, world: Any, portfolio: dict[str, Any]
) -> None:
    board = queries.portfolio_board(world.user("town_b"), list_url="/projects/")
    assert counts(board.total) == {"red": 1, "yellow": 0, "green": 1, "grey": 0}
    assert [r.key for r in board.section("town").rows] == [world.town_b.code]
    assert board.section("responsible_unit").row(str(portfolio["dev"].pk)) is None
    login(client, world, "town_b")
    html = client.get(BOARD).content.decode()
    assert world.town_b.name in html
    assert world.town_a.name not in html


def test_chain_office_sees_only_its_chains_projects(world: Any, portfolio: dict[str, Any]) -> None:
    board = queries.portfolio_board(world.user("chain"), list_url="/projects/")
    assert counts(board.total) == {"red": 1, "yellow": 1, "green": 1, "grey": 0}
    assert board.section("chain").row(str(portfolio["elevator"].pk)) is None


@pytest.mark.parametrize("persona", ["bank", "judge", "enterprise", "auditor"])
def test_roles_that_do_not_supervise_projects_get_403(
    client: Client, world: Any, portfolio: dict[str, Any], persona: str
) -> None:
    login(client, world, persona)
    assert client.get(BOARD).status_code == 403


def test_anonymous_is_sent_to_login(client: Client, world: Any) -> None:
    response = client.get(BOARD)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_board_queries_do_not_grow_with_projects(world: Any, portfolio: dict[str, Any]) -> None:
    user = world.user("industry")
    # The role's permissions are read once per user object, before either count.
    assert user.has_perm("projects.view_project")
    # Both reads count afresh (the board's counts may be cached between light writes, and
    # these factory-made projects are not written through the light engine).
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        queries.portfolio_board(user, list_url="/projects/")
    for i in range(30):
        ProjectFactory(
            name=f"加{i}",
            region=world.town_a if i % 2 else world.town_b,
            light=["red", "green", "grey"][i % 3],
            chain=portfolio["fitness"],
            responsible_unit=UnitFactory(name=f"单位{i}"),
        )
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        board = queries.portfolio_board(user, list_url="/projects/")
    assert len(many) == len(few)
    assert board.total.total == 38


# --- template tags --------------------------------------------------------------------------


def render(source: str, **context: Any) -> str:
    """Render a template snippet with the project_lights library loaded."""
    return Template("{% load project_lights %}" + source).render(Context(context))


def test_light_badge_opens_the_reasons(world: Any) -> None:
    today = dt.date(2026, 7, 1)
    project = ProjectFactory(
        region=world.town_a, status=ProjectStatus.PREPARING, planned_start=dt.date(2026, 1, 1)
    )
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    )
    project.refresh_from_db()
    lights.refresh_light(project, today=today)
    with translation.override("en"):
        html = render("{% light_badge project %}", project=project)
    assert 'data-bs-toggle="dropdown"' in html
    assert "bg-red" in html
    assert 'data-rule="start"' in html
    assert 'data-rule="report"' in html
    assert 'data-light="grey"' in html
    assert "2026-01-01" in html  # the planned start, among the inputs
    assert "Set by hand" not in html


def test_light_badge_marks_an_override_with_its_reason(world: Any) -> None:
    project = ProjectFactory(
        region=world.town_a,
        light_override="yellow",
        light_override_reason="企业资金链紧张",
        light_override_by=world.user("leader"),
        light_override_at=timezone.now(),
        last_report_week=dt.date(2026, 6, 22),
    )
    lights.refresh_light(project, today=dt.date(2026, 7, 1))
    with translation.override("en"):
        html = render("{% light_badge project %}", project=project)
    assert "bg-yellow" in html
    assert "Set by hand" in html  # the badge's own label, in the reader's language
    assert 'data-rule="override"' in html
    assert "企业资金链紧张" in html
    assert "t-leader" in html
    # The reason's text was stored in the site's language (zh-hans), whoever reads it later.
    assert "t-leader于" in html
    assert "人工设为" in html


def test_light_badge_of_a_project_without_light(world: Any) -> None:
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.PRODUCING, light="")
    html = render("{% light_badge project %}", project=project)
    assert "dropdown" not in html
    assert "bg-secondary-lt" in html


def test_light_dot() -> None:
    assert "status-red" in render('{% light_dot "red" %}')
    assert "status-secondary" in render('{% light_dot "grey" %}')
    labelled = render('{% light_dot "green" True %}')
    assert "status-green" in labelled
    assert "Green" in labelled or "绿" in labelled
    assert "—" in render('{% light_dot "" %}')
    assert render('{{ "yellow"|light_label }}') in ("Yellow", "黄灯", "黄")
