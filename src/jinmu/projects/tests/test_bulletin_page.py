"""The weekly bulletin page: its scoping, its downloads and how it dates the lights."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from jinmu.projects.bulletin import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
)
from jinmu.projects.tests.factories import ProjectFactory, ReportFactory, YearPlanFactory
from jinmu.projects.tests.test_bulletin import (  # noqa: F401
    RED_REASON,
    W47,
    W48,
    YELLOW_REASON,
    _bulletin,
    _reason,
    _registered_long_ago,
    county,
    docx_lines,
    pinned_today,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- page


def test_page_shows_the_county_bulletin(client: Any, world: Any, county: Any) -> None:  # noqa: F811
    client.force_login(world.user("industry"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "红灯项目甲",
        RED_REASON,
        "黄灯项目乙",
        "缺报项目丁",
        "用地指标未落实",
        "自然资源局",
    ):
        assert expected in html
    assert reverse("projects:bulletin_docx") + "?week=2026-W47" in html
    assert reverse("projects:bulletin_xlsx") + "?week=2026-W47" in html
    assert 'type="week"' in html


def test_page_for_a_town_user_shows_only_its_town(client: Any, world: Any, county: Any) -> None:  # noqa: F811
    client.force_login(world.user("town_a"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "大曹镇" in html
    assert "红灯项目甲" in html
    assert "新开工项目戊" in html
    for hidden in ("黄灯项目乙", "缺报项目丁", "规划许可待批", "电力增容未完成"):
        assert hidden not in html


@pytest.mark.parametrize("persona", ["bank", "enterprise", "judge", "auditor"])
def test_page_and_downloads_refused_outside_government_scope(
    client: Any, world: Any, persona: str
) -> None:
    client.force_login(world.user(persona))
    for name in ("projects:bulletin", "projects:bulletin_docx", "projects:bulletin_xlsx"):
        assert client.get(reverse(name), {"week": "2026-W47"}).status_code == 403


def test_page_needs_login(client: Any, world: Any) -> None:
    response = client.get(reverse("projects:bulletin"))
    assert response.status_code == 302


def test_page_refuses_a_bad_or_future_week(client: Any, world: Any, pinned_today: None) -> None:  # noqa: F811
    client.force_login(world.user("leader"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W60"})
    assert response.status_code == 400
    assert response.context["form"].errors["week"]
    assert response.context["bulletin"] is None
    assert "projects:bulletin_docx" not in response.content.decode()
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W49"})
    assert response.status_code == 400
    assert response.context["form"].errors["week"]
    response = client.get(reverse("projects:bulletin_docx"), {"week": "2026-W60"})
    assert response.status_code == 400


def test_page_defaults_to_the_current_week(client: Any, world: Any, pinned_today: None) -> None:  # noqa: F811
    client.force_login(world.user("leader"))
    response = client.get(reverse("projects:bulletin"))
    assert response.status_code == 200
    assert response.context["bulletin"].week == W48
    assert 'value="2026-W48"' in response.content.decode()


def test_downloads_have_the_right_type_and_content(client: Any, world: Any, county: Any) -> None:  # noqa: F811
    client.force_login(world.user("town_a"))
    response = client.get(reverse("projects:bulletin_docx"), {"week": "2026-W47"})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "2026-W47.docx" in response["Content-Disposition"]
    text = "\n".join(docx_lines(io.BytesIO(response.content)))
    assert "大曹镇" in text.splitlines()[0]
    assert "红灯项目甲" in text
    assert "黄灯项目乙" not in text

    response = client.get(reverse("projects:bulletin_xlsx"), {"week": "2026-W47"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content))
    # The red and yellow sheet: heading, the note on today's lights, then the table.
    names = [row[1] for row in book.worksheets[2].iter_rows(min_row=4, values_only=True)]
    assert names == ["红灯项目甲"]


def test_park_bulletin_covers_its_projects_wherever_they_are_sited(
    client: Any,
    world: Any,
    county: Any,  # noqa: F811
    pinned_today: None,  # noqa: F811
) -> None:
    """A park's projects may lie outside the park's town: the bulletin keeps them all and names
    the county, with the park as its scope note."""
    inside = ProjectFactory(
        name="园区红灯项目",
        region=world.town_a,
        park=world.park,
        light="red",
        light_reasons=[_reason("start", "red", RED_REASON)],
    )
    outside = ProjectFactory(
        name="园区外镇项目",
        region=world.town_b,
        responsible_unit=world.town_b_unit,
        park=world.park,
        light="yellow",
        light_reasons=[_reason("schedule", "yellow", YELLOW_REASON)],
    )
    _registered_long_ago(inside, outside)
    YearPlanFactory(project=outside, planned_investment=Decimal("50000000"))
    ReportFactory(project=outside, week=W47, year_invested=Decimal("20000000"))

    bulletin = _bulletin(world, user=world.user("park"))
    assert bulletin.region_name == "宁津县"
    assert bulletin.title.startswith("宁津县 key projects weekly bulletin")
    assert bulletin.scope_note == "健身器材产业园"
    assert [p.name for p in bulletin.red] == ["园区红灯项目"]
    assert [p.name for p in bulletin.yellow] == ["园区外镇项目"]
    overall = bulletin.overall
    assert (overall.count, overall.monitored, overall.reported) == (2, 2, 1)
    assert overall.planned_year == Decimal("50000000")
    assert overall.completed_year == Decimal("20000000")
    assert [(g.town, [p.name for p in g.projects]) for g in bulletin.missing] == [
        ("大曹镇", ["园区红灯项目"])
    ]

    client.force_login(world.user("park"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.context["bulletin"].region_name == "宁津县"
    html = response.content.decode()
    assert "健身器材产业园" in html
    assert "园区红灯项目" in html
    assert "园区外镇项目" in html
    assert "红灯项目甲" not in html
    assert "黄灯项目乙" not in html
    response = client.get(reverse("projects:bulletin_docx"), {"week": "2026-W47"})
    lines = docx_lines(io.BytesIO(response.content))
    assert lines[0].startswith(bulletin.title.split(" ")[0])
    assert "（健身器材产业园）" in lines
    assert any("园区外镇项目" in line for line in lines)


def test_chain_office_bulletin_names_the_county(client: Any, world: Any, county: Any) -> None:  # noqa: F811
    from jinmu.chains.tests.factories import ChainFactory

    ours = ChainFactory(office=world.chain_office)
    theirs = ChainFactory(office=world.other_chain_office)
    on_chain = ProjectFactory(
        name="链上黄灯项目",
        region=world.town_b,
        chain=ours,
        light="yellow",
        light_reasons=[_reason("schedule", "yellow", YELLOW_REASON)],
    )
    other = ProjectFactory(name="他链红灯项目", region=world.town_a, chain=theirs, light="red")
    _registered_long_ago(on_chain, other)
    client.force_login(world.user("chain"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.status_code == 200
    bulletin = response.context["bulletin"]
    assert (bulletin.region_name, bulletin.scope_note) == ("宁津县", "健身器材链长办")
    assert [p.name for p in bulletin.yellow] == ["链上黄灯项目"]
    assert bulletin.red == []
    assert bulletin.overall.monitored == 1
    html = response.content.decode()
    assert "链上黄灯项目" in html
    for hidden in ("他链红灯项目", "红灯项目甲", "黄灯项目乙"):
        assert hidden not in html


def test_page_dates_the_lights_of_a_past_week(
    client: Any,
    world: Any,
    county: Any,  # noqa: F811
    pinned_today: None,  # noqa: F811
) -> None:
    client.force_login(world.user("industry"))
    with translation.override("en"):
        html = client.get(
            reverse("projects:bulletin"), {"week": "2026-W47"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        current = client.get(
            reverse("projects:bulletin"), {"week": "2026-W48"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'id="lights-note"' in html
    assert "2026-11-26" in html
    assert 'id="lights-note"' not in current
