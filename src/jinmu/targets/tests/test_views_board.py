"""Target pages: the board by front and by 四提四增, the year selector, the units and a unit's
targets, the Excel export, scoping (403 for roles without scope, 404 out of scope), the
navigation entry and the board's bounded query count."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from jinmu.core.context_processors import navigation
from jinmu.targets.models import Target
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory, part_of
from jinmu.targets.tests.test_queries import ON, build_goals

pytestmark = pytest.mark.django_db

BOARD = "/targets/"
UNITS = "/targets/units/"
EXPORT = "/targets/export/"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 1 July 2026 (序时 182/365)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: ON)


@pytest.fixture
def goals(world: Any) -> dict[str, Target]:
    """The county's targets and facts (see `test_queries.build_goals`)."""
    return build_goals(world)


def login(client: Client, world: Any, persona: str) -> Client:
    """Sign a persona in."""
    client.force_login(world.user(persona))
    return client


def row_html(html: str, target: Target) -> str:
    """The table row of a target."""
    match = re.search(rf'<tr data-target="{target.pk}".*?</tr>', html, re.S)
    assert match, f"no row for target {target.pk}"
    return match.group(0)


def detail_url(target: Target) -> str:
    """The target's detail page."""
    return reverse("targets:detail", args=[target.pk])


def test_urls() -> None:
    assert reverse("targets:board") == BOARD
    assert reverse("targets:units") == UNITS
    assert reverse("targets:unit", args=[7]) == "/targets/units/7/"
    assert reverse("targets:export") == EXPORT


def test_board_groups_by_front_with_live_progress(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    # when
    with translation.override("en"):
        html = login(client, world, "industry").get(BOARD).content.decode()
    # then: sections in the order of the fronts, then "no front"
    positions = [html.index(f'data-group="{key}"') for key in ("innovation", "cluster", "none")]
    assert positions == sorted(positions)
    assert "Innovation (创新驱动)" in html
    assert "No front" in html
    # the whole target: 11 of ≥30 measured, 序时 marker at 49.86%, yellow, forecast 22.06
    high_tech = row_html(html, goals["high_tech"])
    assert "国家级高新技术企业" in high_tech
    assert "≥30家" in high_tech
    assert "data-measured>11家<" in high_tech
    assert 'data-status="yellow"' in high_tech
    assert 'data-progress="0.3667"' in high_tech
    assert 'data-expected="0.4986"' in high_tech
    assert 'data-left="49.9"' in high_tech  # the 序时 marker, placed by jinmu.js (CSP)
    assert "37% done · 序时 50%" in high_tech
    assert "22.06家" in high_tech
    assert "产业办" in high_tech
    assert 'data-parts="2"' in high_tech
    assert f'href="{detail_url(goals["high_tech"])}"' in high_tech
    # its parts are on the page, nested (hidden until opened)
    part_b = row_html(html, goals["part_b"])
    assert f'data-part-of="{goals["high_tech"].pk}"' in part_b
    assert 'data-status="red"' in part_b
    assert "保店镇人民政府" in part_b
    # other rows
    assert 'data-status="green"' in row_html(html, goals["giant"])
    assert 'data-status="red"' in row_html(html, goals["srdi"])
    growth = row_html(html, goals["growth"])
    assert 'data-status="grey"' in growth
    assert "about 6%" in growth
    # last year's target is not on this year's board
    assert f'data-target="{goals["last_year"].pk}"' not in html


def test_board_summary_cards_and_as_of_note(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    with translation.override("en"):
        html = login(client, world, "leader").get(BOARD).content.decode()
    assert re.search(r"data-total>4<", html)
    for status in ("red", "yellow", "green", "grey"):
        card = re.search(rf'data-status-count="{status}".*?<div class="h2 mb-0">(\d+)<', html, re.S)
        assert card
        assert card.group(1) == "1"
    assert 'data-as-of="2026-07-01"' in html
    assert "As of 2026-07-01" in html
    assert "is 50%" in html
    assert f'href="{EXPORT}?year=2026"' in html


def test_board_groups_by_action(world: Any, goals: dict[str, Target], client: Client) -> None:
    html = login(client, world, "industry").get(BOARD, {"group": "action"}).content.decode()
    keys = ["scale", "efficiency", "brand", "none"]
    positions = [html.index(f'data-group="{key}"') for key in keys]
    assert positions == sorted(positions)
    assert "产业提规增量" in html
    assert 'data-group="innovation"' not in html
    # an unknown grouping falls back to the fronts
    html = client.get(BOARD, {"group": "nonsense"}).content.decode()
    assert 'data-group="innovation"' in html


def test_year_selector_and_a_past_year(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    login(client, world, "industry")
    html = client.get(BOARD).content.decode()
    selector = re.search(r"<select id=\"target-year\".*?</select>", html, re.S)
    assert selector
    assert re.findall(r'value="(\d{4})"', selector.group(0)) == ["2026", "2025"]
    assert '<option value="2026" selected>' in selector.group(0)
    # the past year is read at its end: 序时 100%, 1 of 20 → red
    html = client.get(BOARD, {"year": "2025"}).content.decode()
    assert '<option value="2025" selected>' in html
    row = row_html(html, goals["last_year"])
    assert 'data-status="red"' in row
    assert 'data-expected="1.0000"' in row
    assert 'data-as-of="2025-12-31"' in html
    assert f'data-target="{goals["high_tech"].pk}"' not in html
    # a nonsensical year falls back to this one
    html = client.get(BOARD, {"year": "abc"}).content.decode()
    assert f'data-target="{goals["high_tech"].pk}"' in html


def test_an_empty_year(world: Any, client: Client) -> None:
    html = login(client, world, "industry").get(BOARD, {"year": "2030"}).content.decode()
    assert "data-empty" in html
    assert '<option value="2030" selected>' in html


def test_a_town_sees_only_its_part(world: Any, goals: dict[str, Target], client: Client) -> None:
    login(client, world, "town_a")
    html = client.get(BOARD).content.decode()
    assert re.findall(r'<tr data-target="(\d+)"', html) == [str(goals["part_a"].pk)]
    row = row_html(html, goals["part_a"])
    assert "≥10家" in row
    assert "data-measured>6家<" in row
    assert 'data-status="green"' in row
    # its own unit page opens, another town's is a 404
    own = client.get(reverse("targets:unit", args=[world.town_a_unit.pk]))
    assert own.status_code == 200
    assert f'data-target="{goals["part_a"].pk}"' in own.content.decode()
    assert client.get(reverse("targets:unit", args=[world.town_b_unit.pk])).status_code == 404
    assert client.get(reverse("targets:unit", args=[world.industry_office.pk])).status_code == 404
    # the units page lists only its own unit
    html = client.get(UNITS).content.decode()
    assert re.findall(r'<tr data-unit="(\d+)"', html) == [str(world.town_a_unit.pk)]


@pytest.mark.parametrize("persona", ["bank", "enterprise", "judge", "auditor"])
def test_roles_without_scope_get_403(
    world: Any, goals: dict[str, Target], client: Client, persona: str
) -> None:
    login(client, world, persona)
    for url in (
        BOARD,
        UNITS,
        EXPORT,
        reverse("targets:unit", args=[world.town_a_unit.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for url in (BOARD, UNITS, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_units_page_lists_units_with_status_counts(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    html = login(client, world, "industry").get(UNITS).content.decode()
    units = re.findall(r'<tr data-unit="(\d+)"', html)
    assert units == [
        str(u.pk) for u in (world.town_b_unit, world.town_a_unit, world.industry_office)
    ]
    town_b = re.search(rf'<tr data-unit="{world.town_b_unit.pk}".*?</tr>', html, re.S)
    assert town_b
    assert re.search(r'data-count="red">1<', town_b.group(0))
    assert f'href="/targets/units/{world.town_b_unit.pk}/?year=2026"' in html


def test_unit_page_shows_the_units_targets_with_parts(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    url = reverse("targets:unit", args=[world.industry_office.pk])
    html = login(client, world, "industry").get(url).content.decode()
    assert "产业办" in html
    ids = re.findall(r'<tr data-target="(\d+)"', html)
    assert ids == [str(goals[k].pk) for k in ("high_tech", "part_a", "part_b")]
    # a unit without targets this year is an empty page, not an error, for the county
    department = world.user("department").unit
    empty = client.get(reverse("targets:unit", args=[department.pk])).content.decode()
    assert "data-empty" in empty
    assert client.get(reverse("targets:unit", args=[999_999])).status_code == 404


def read_export(content: bytes) -> list[list[Any]]:
    """The export's cells, row by row."""
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_has_the_board_rows_with_title_and_headers(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    # when
    with translation.override("en"):
        response = login(client, world, "industry").get(EXPORT, {"year": "2026"})
    # then
    assert response.status_code == 200
    assert "targets-2026.xlsx" in response["Content-Disposition"]
    rows = read_export(response.content)
    title = str(rows[0][0])
    assert "宁津县" in title
    assert "2026" in title
    assert "2026-07-01" in title
    header = rows[1]
    assert header[:4] == ["Front", "四提四增 action", "Goal", "Indicator"]
    assert "Measured" in header
    assert "Part of" in header
    body = rows[2:]
    assert [row[2] for row in body] == [
        "国家级高新技术企业",
        "国家级高新技术企业",
        "国家级高新技术企业",
        "专精特新“小巨人”企业",
        "省级专精特新企业",
        "规上工业增加值增速",
    ]
    cells = dict(zip(header, body[0], strict=True))
    assert cells["Front"] == "Innovation (创新驱动)"
    assert cells["四提四增 action"] == "产业提规增量"
    assert cells["Indicator"] == "新增国家级高新技术企业"
    assert Decimal(str(cells["Target value"])) == 30
    assert cells["Bound"] == "At least"
    assert cells["Unit"] == "家"
    assert Decimal(str(cells["Measured"])) == 11
    assert Decimal(str(cells["Progress (%)"])) == Decimal("36.7")
    assert Decimal(str(cells["序时 (%)"])) == Decimal("49.9")
    assert cells["Status"] == "Yellow"
    assert Decimal(str(cells["Year-end forecast"])) == Decimal("22.06")
    assert cells["Responsible unit"] == "产业办"
    assert cells["Part of"] is None
    part_b = dict(zip(header, body[2], strict=True))
    assert part_b["Responsible unit"] == "保店镇人民政府"
    assert part_b["Part of"] == "国家级高新技术企业 ≥30家"
    assert part_b["Status"] == "Red"
    growth = dict(zip(header, body[5], strict=True))
    assert growth["Front"] is None
    assert growth["Status"] == "No data"
    assert growth["Measured"] is None


def test_export_of_a_town_has_only_its_part(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    with translation.override("en"):
        rows = read_export(login(client, world, "town_b").get(EXPORT).content)
    assert len(rows) == 3
    assert rows[2][2] == "国家级高新技术企业"
    assert Decimal(str(rows[2][4])) == 8
    assert Decimal(str(rows[2][7])) == 1
    # the county's whole is not the town's to read: only that the row is a part of one
    assert rows[2][13] == "Part of a county target"
    assert not any("≥30家" in str(cell) for row in rows for cell in row)


def test_a_towns_export_does_not_name_the_county_whole(world: Any, client: Client) -> None:
    # given: the county's whole named as the county writes it, 保店镇's part under its own name
    whole = TargetFactory(name="全县新增国家级高新技术企业", front="innovation")
    part_of(whole, value=8, name="保店镇高企培育", region=world.town_b)

    # when
    rows = read_export(login(client, world, "town_b").get(EXPORT).content)

    # then
    cells = [str(cell) for row in rows for cell in row if cell is not None]
    assert "保店镇高企培育" in cells
    assert not any("全县新增国家级高新技术企业" in cell for cell in cells)


@pytest.mark.parametrize("year", ["²", "２０２６", "٢٠٢٦", "9" * 5000, "-1", "0"])
def test_an_odd_year_falls_back_to_this_year_on_every_page(
    world: Any, goals: dict[str, Target], client: Client, year: str
) -> None:
    # given
    login(client, world, "industry")
    pages = [BOARD, UNITS, reverse("targets:unit", args=[world.industry_office.pk]), EXPORT]

    # when / then: "²" passes `str.isdigit` but not `int`; none of them is a 500
    for page in pages:
        response = client.get(page, {"year": year})
        assert response.status_code == 200, page
    assert client.get(BOARD, {"year": year}).context["year"] == ON.year


def test_export_neutralises_formulas(world: Any, client: Client) -> None:
    TargetFactory(name="=HYPERLINK(1)", front="innovation")
    rows = read_export(login(client, world, "industry").get(EXPORT).content)
    assert rows[2][2] == "'=HYPERLINK(1)"


def test_export_layout_title_above_a_styled_header_frozen_below_it(
    world: Any, goals: dict[str, Target], client: Client
) -> None:
    with translation.override("en"):
        content = login(client, world, "industry").get(EXPORT, {"year": "2026"}).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert sheet.title == "Targets"
    assert sheet.freeze_panes == "A3"
    title = sheet["A1"]
    assert (title.font.bold, title.font.size) == (True, 14)
    assert sheet["A2"].value == "Front"
    assert sheet["A2"].font.bold
    assert sheet["A2"].fill.fgColor.rgb.endswith("DDEBF7")
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMN"]
    assert widths == [22, 16, 28, 24, 12, 10, 8, 12, 12, 10, 10, 14, 22, 28]
    # text stays text (never a formula); numbers stay numbers
    assert sheet["C3"].data_type == "s"
    assert sheet["E3"].data_type == "n"


def test_navigation_has_targets_for_supervising_scopes(world: Any) -> None:
    def labels(persona: str) -> list[str]:
        request = RequestFactory().get("/")
        request.user = world.user(persona)
        with translation.override("en"):
            return [item["url"] for item in navigation(request)["nav_items"]]

    for persona in ("industry", "leader", "town_a", "park", "chain"):
        items = labels(persona)
        assert BOARD in items, persona
        assert items.index(BOARD) > items.index(reverse("projects:bulletin"))
    for persona in ("bank", "enterprise", "auditor"):
        assert BOARD not in labels(persona), persona


def test_board_queries_do_not_grow_with_targets(
    world: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    # given: a few targets of four indicators, then many more with parts
    codes = ("high-tech-new", "little-giant-new", "srdi-provincial-new", "cloud-new")
    fronts = ("innovation", "cluster", "investment", "environment")

    def make(count: int) -> None:
        for index in range(count):
            whole = TargetFactory(
                indicator=IndicatorFactory(code=codes[index % 4]),
                front=fronts[index % 4],
                value=Decimal(40),
                responsible_unit=world.industry_office,
            )
            part_of(whole, value=10, region=world.town_a, responsible_unit=world.town_a_unit)
            part_of(whole, value=10, region=world.town_b, responsible_unit=world.town_b_unit)

    make(4)
    login(client, world, "industry")
    with CaptureQueriesContext(connection) as few:
        client.get(BOARD)
    assert len(few) <= 20
    make(40)
    # when / then
    with django_assert_max_num_queries(len(few)):
        html = client.get(BOARD).content.decode()
    assert len(re.findall(r"<tr data-target=", html)) == 44 * 3
    # The export also writes its (hash-chained) audit row: lock the chain head, insert, move it.
    with django_assert_max_num_queries(len(few) + 4):
        client.get(EXPORT)
    with django_assert_max_num_queries(len(few)):
        client.get(UNITS)


def test_the_board_drawing_is_kept_until_a_target_or_a_fact_changes(
    world: Any, goals: dict[str, Target], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the board drawn once for the county
    from jinmu.targets import queries

    login(client, world, "industry")
    first = client.get(BOARD).content.decode()
    built: list[int] = []
    target_board = queries.target_board
    monkeypatch.setattr(
        queries, "target_board", lambda *args: built.append(1) or target_board(*args)
    )

    # when: asked again, by the same scope and by a town's
    again = client.get(BOARD).content.decode()
    login(client, world, "town_a").get(BOARD)

    # then: the county's drawing is reused, the town's is its own
    def unmasked(html: str) -> str:
        return re.sub(r'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', "", html)

    assert unmasked(again) == unmasked(first)
    assert built == [1]

    # when: a target is renamed (even past the services) and the board asked again
    whole = goals["high_tech"]
    Target.objects.filter(pk=whole.pk).update(name="改名后的目标")
    html = login(client, world, "industry").get(BOARD).content.decode()

    # then: the board is drawn afresh
    assert "改名后的目标" in row_html(html, whole)
    assert built == [1, 1]
