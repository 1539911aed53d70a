"""The ledger pages: list with filters and keyset pages, and a project's record (the form
pages are in test_ledger_forms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.projects import lights
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import (
    Attachment,
    ProjectTag,
    StatusChange,
)
from jinmu.projects.tests.factories import ProjectFactory, YearPlanFactory

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def english() -> Any:
    """Pages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the pages, the services and the light engine."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _login(client: Client, world: Any, persona: str) -> Any:
    user = world.user(persona)
    client.force_login(user)
    return user


def _names(response: Any) -> list[str]:
    return [p.name for p in response.context["page"].rows]


# --- list -------------------------------------------------------------------------------------


def test_list_row_shows_the_ledger_columns(world: Any, client: Client) -> None:
    # given: a county key project of 2.913亿 with this year's plan and a report
    chain = ChainFactory(name="健身器材产业链")
    project = ProjectFactory(
        name="姆驰智能健身器材",
        region=world.town_a,
        park=world.park,
        chain=chain,
        total_investment=Decimal("291300000"),
        invested_year=Decimal("45000000"),
        invested_year_of=2026,
        percent_complete=37,
        last_report_week=dt.date(2026, 11, 16),
        responsible_unit=world.industry_office,
        light="red",
    )
    YearPlanFactory(project=project, year=2026, planned_investment=Decimal("100000000"))
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:list"))

    # then
    html = response.content.decode()
    assert f'href="{reverse("projects:detail", args=[project.pk])}"' in html
    for text in (
        "姆驰智能健身器材",
        "Key project",
        "County key project",
        "Under construction",
        "大曹镇 · 健身器材产业园",
        "健身器材产业链",
        "2.91 100m yuan",
        "4,500.00 / 10,000.00",
        "37%",
        "2026-W47",
        "产业办",
        "bg-red",
    ):
        assert text in html, text


def test_small_amounts_show_in_wan(world: Any, client: Client) -> None:
    # given
    ProjectFactory(kind=ProjectKind.RENOVATION, level="", total_investment=Decimal("5000000"))
    _login(client, world, "industry")

    # when
    html = client.get(reverse("projects:list")).content.decode()

    # then
    assert "500.00 10k yuan" in html


def test_last_years_completion_is_not_shown_as_this_years(world: Any, client: Client) -> None:
    # given: the yearly figure belongs to 2025
    ProjectFactory(invested_year=Decimal("45000000"), invested_year_of=2025)
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:list"))

    # then
    assert response.context["page"].rows[0].invested_this_year is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "attraction"}, {"招商A"}),
        ({"level": "city"}, {"市级B"}),
        ({"status": "lead"}, {"招商A"}),
        ({"light": "red"}, {"市级B"}),
        ({"light": "none"}, {"招商A", "技改C"}),
        ({"town": "371422104"}, {"技改C"}),
        ({"q": "技改"}, {"技改C"}),
        ({"q": "常州姆驰"}, {"招商A"}),
        ({"over_100m": "true"}, {"招商A", "市级B"}),
        ({"over_1b": "true"}, {"招商A"}),
        ({"year": "2026"}, {"市级B"}),
    ],
)
def test_filters(params: dict[str, str], expected: set[str], world: Any, client: Client) -> None:
    # given
    ProjectFactory(
        name="招商A",
        kind=ProjectKind.ATTRACTION,
        level="",
        status=ProjectStatus.LEAD,
        investor="常州姆驰",
        total_investment=Decimal("1200000000"),
        region=world.town_a,
    )
    city = ProjectFactory(
        name="市级B", level="city", light="red", total_investment=Decimal("150000000")
    )
    YearPlanFactory(project=city, year=2026)
    ProjectFactory(
        name="技改C",
        kind=ProjectKind.RENOVATION,
        level="",
        total_investment=Decimal("5000000"),
        region=world.town_b,
    )
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:list"), params)

    # then
    assert set(_names(response)) == expected


def test_filter_by_chain_unit_and_list(world: Any, client: Client) -> None:
    # given
    chain = ChainFactory()
    tag = ProjectTag.objects.create(region=world.county, name="双十")
    on_chain = ProjectFactory(name="链上", chain=chain)
    ProjectFactory(name="单位", responsible_unit=world.town_a_unit)
    listed = ProjectFactory(name="双十项目")
    listed.tags.add(tag)
    ProjectFactory(name="其他")
    _login(client, world, "industry")
    url = reverse("projects:list")

    # when
    by_chain = _names(client.get(url, {"chain": chain.pk}))
    by_unit = _names(client.get(url, {"responsible_unit": world.town_a_unit.pk}))
    by_tag = _names(client.get(url, {"tag": tag.pk}))

    # then
    assert (by_chain, by_unit, by_tag) == ([on_chain.name], ["单位"], ["双十项目"])


def test_status_choices_follow_the_kind(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    bond = client.get(reverse("projects:list"), {"kind": "bond"}).content.decode()

    # then: the bond's states are offered, the attraction's are not
    assert 'value="issued"' in bond
    assert 'value="lead"' not in bond


def test_an_unknown_kind_is_shown_not_a_crash(world: Any, client: Client) -> None:
    # given
    ProjectFactory(name="一个项目")
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:list"), {"kind": "rocket"})

    # then: the error is shown under the filters and the filter is ignored
    assert response.status_code == 200
    assert "rocket is not one of the available choices" in response.content.decode()
    assert _names(response) == ["一个项目"]


def test_kind_tabs_keep_other_filters_and_drop_the_status(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:list"), {"status": "lead", "town": "371422105"})

    # then
    tab = next(t for t in response.context["kind_tabs"] if t["value"] == "bond")
    assert tab["url"] == "?town=371422105&kind=bond"


def test_keyset_pages_cover_every_project_once(world: Any, client: Client) -> None:
    # given
    for n in range(30):
        ProjectFactory(name=f"项目{n:02d}")
    _login(client, world, "industry")

    # when
    first = client.get(reverse("projects:list"), {"ordering": "name"})
    second = client.get(reverse("projects:list") + first.context["next_url"])

    # then
    assert len(_names(first)) == 25
    assert _names(first) + _names(second) == [f"项目{n:02d}" for n in range(30)]
    assert second.context["next_url"] is None
    assert first.context["page"].total_display == "30"


@pytest.mark.parametrize("ordering", ["-total_investment", "light", "-percent_complete"])
def test_orderings_on_nullable_or_derived_keys_page_cleanly(
    ordering: str, world: Any, client: Client
) -> None:
    # given: some projects without a total, different lights
    for n in range(30):
        ProjectFactory(
            name=f"P{n}",
            total_investment=None if n % 3 == 0 else Decimal(n * 1000000),
            light=("red", "", "green", "grey")[n % 4],
            percent_complete=n % 7,
        )
    _login(client, world, "industry")
    url = reverse("projects:list")

    # when
    first = client.get(url, {"ordering": ordering})
    second = client.get(url + first.context["next_url"])

    # then
    names = _names(first) + _names(second)
    assert sorted(names) == sorted(f"P{n}" for n in range(30))
    if ordering == "light":
        assert all(p.light == "red" for p in first.context["page"].rows[:8])


def test_list_queries_do_not_grow_with_rows(
    world: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    # given: 25 rows with every relation the row shows
    chain = ChainFactory()
    for n in range(25):
        project = ProjectFactory(
            name=f"项目{n}",
            region=world.town_a,
            park=world.park,
            chain=chain,
            responsible_unit=world.industry_office,
            light="yellow",
            light_reasons=[{"rule": "report", "light": "grey", "text": "t", "inputs": {}}],
        )
        YearPlanFactory(project=project)
    _login(client, world, "industry")

    # when / then: session, user, rows, count and the filter choices; nothing per row
    with django_assert_max_num_queries(14):
        response = client.get(reverse("projects:list"))
    assert len(response.context["page"].rows) == 25


def test_htmx_gets_the_table_only(world: Any, client: Client) -> None:
    # given
    ProjectFactory(name="表格项目")
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:list"), HTTP_HX_REQUEST="true")

    # then
    html = response.content.decode()
    assert "表格项目" in html
    assert "project-filters" not in html


def test_a_rows_light_fetches_its_reasons_when_opened(world: Any, client: Client) -> None:
    # given: a project with a computed light, and one set by hand
    project = ProjectFactory(
        name="亮灯项目",
        region=world.town_a,
        status=ProjectStatus.PREPARING,
        planned_start=dt.date(2026, 1, 1),
    )
    lights.refresh_light(project, today=TODAY)
    ProjectFactory(
        name="人工项目",
        region=world.town_a,
        light="yellow",
        light_override="yellow",
        light_override_reason="企业资金链紧张",
    )
    _login(client, world, "industry")

    # when: the list is shown
    html = client.get(reverse("projects:list")).content.decode()

    # then: each row has its badge, but not the reasons, which its popup fetches when opened
    url = reverse("projects:light_reasons", args=[project.pk])
    assert f'hx-get="{url}" hx-trigger="show.bs.dropdown once"' in html
    assert 'data-bs-toggle="dropdown"' in html
    assert "bg-red" in html
    assert "Yellow · Set by hand" in html
    assert "data-rule=" not in html

    # when: the popup is opened
    popup = client.get(url, HTTP_HX_REQUEST="true").content.decode()

    # then: it shows what the project's page shows in its badge
    assert 'data-rule="start"' in popup
    assert 'data-rule="report"' in popup
    assert "2026-01-01" in popup  # the planned start, among the inputs
    assert "<html" not in popup


def test_a_lights_reasons_out_of_scope_are_not_found(world: Any, client: Client) -> None:
    # given: a project of town A, and town B's clerk
    project = ProjectFactory(region=world.town_a, light="red")
    _login(client, world, "town_b")

    # when
    response = client.get(reverse("projects:light_reasons", args=[project.pk]))

    # then
    assert response.status_code == 404


def test_export_link_carries_the_filters(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    html = client.get(reverse("projects:list"), {"kind": "key", "level": "county"}).content
    # then
    assert f"{reverse('projects:export')}?kind=key&amp;level=county" in html.decode()


def test_new_project_menu_only_for_those_who_may_register(world: Any, client: Client) -> None:
    # when
    _login(client, world, "town_a")
    town = client.get(reverse("projects:list")).content.decode()
    _login(client, world, "leader")
    leader = client.get(reverse("projects:list")).content.decode()

    # then
    create = reverse("projects:create", args=["attraction"])
    assert create in town
    assert create not in leader


def test_navigation_has_the_ledger(world: Any, client: Client) -> None:
    # when
    _login(client, world, "town_a")
    items = client.get(reverse("projects:list")).context["nav_items"]

    # then
    urls = [item["url"] for item in items]
    assert reverse("projects:list") in urls
    assert reverse("projects:board") in urls


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_figures_history_and_the_next_states(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(
        name="重点项目甲",
        status=ProjectStatus.PREPARING,
        total_investment=Decimal("2913000000"),
        invested_total=Decimal("120000000"),
        invested_year=Decimal("30000000"),
        invested_year_of=2026,
        percent_complete=15,
    )
    YearPlanFactory(project=project, year=2026, planned_investment=Decimal("60000000"))
    StatusChange.objects.create(
        project=project,
        from_status="",
        to_status="preparing",
        changed_on=dt.date(2026, 3, 1),
        changed_by=world.user("industry"),
        reason="纳入县级重点",
    )
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:detail", args=[project.pk]))

    # then
    html = response.content.decode()
    for text in ("29.13", "3,000.00 / 6,000.00", "50.0% of the annual plan", "12,000.00", "15%"):
        assert text in html, text
    assert "纳入县级重点" in html
    assert "t-industry" in html
    assert response.context["next_states"] == [
        ("started", "Under construction"),
        ("terminated", "Terminated"),
    ]


def test_detail_of_an_attraction_links_the_chain_gap_it_fills(world: Any, client: Client) -> None:
    # given
    node = ChainNodeFactory(name="电梯曳引机")
    project = ProjectFactory(
        kind=ProjectKind.ATTRACTION,
        level="",
        status=ProjectStatus.NEGOTIATING,
        investor="沈阳蓝光",
        origin_province="辽宁省",
        origin_city="沈阳市",
        purpose="fill",
        chain=node.chain,
        node=node,
        contract_value=Decimal("150000000"),
    )
    _login(client, world, "industry")

    # when
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    # then
    assert "沈阳蓝光" in html
    assert "辽宁省 · 沈阳市" in html
    assert reverse("chains:node", args=[node.pk]) in html
    assert "15,000.00" in html


def test_detail_of_a_bond_lists_the_missing_documents(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(kind=ProjectKind.BOND, level="", status=ProjectStatus.APPLIED)
    Attachment.objects.create(
        project=project,
        region=project.region,
        kind="implementation_plan",
        title="实施方案",
        file=SimpleUploadedFile("plan.pdf", b"%PDF"),
    )
    _login(client, world, "industry")

    # when
    response = client.get(reverse("projects:detail", args=[project.pk]))

    # then
    missing = [str(label) for label in response.context["missing_documents"]]
    assert missing == ["Financial evaluation (财务评价)", "Legal opinion (法律意见)"]


def test_readers_get_no_buttons(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)
    _login(client, world, "department")

    # when
    response = client.get(reverse("projects:detail", args=[project.pk]))

    # then
    html = response.content.decode()
    assert response.context["next_states"] == []
    assert reverse("projects:edit", args=[project.pk]) not in html
    assert reverse("projects:override", args=[project.pk]) not in html


def test_only_the_industry_office_and_leaders_see_the_override(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(region=world.town_a)
    url = reverse("projects:override", args=[project.pk])

    # when
    _login(client, world, "leader")
    leader = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    _login(client, world, "town_a")
    town = client.get(reverse("projects:detail", args=[project.pk])).content.decode()

    # then
    assert url in leader
    assert url not in town
