"""Target detail page: the items behind the number, parts, history and reported values, and
what each role may read."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.chains.tests.factories import ChainFactory
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.targets.tests.factories import (
    IndicatorFactory,
    ReportedValueFactory,
    TargetFactory,
    TargetSnapshotFactory,
    part_of,
)
from jinmu.targets.tests.pages import _county_target, _high_tech, _html, _login

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the pages, the services and the progress."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def test_detail_lists_the_enterprises_behind_the_number(world: Any, client: Client) -> None:
    # given: two enterprises certified this year, one last year
    first = EnterpriseFactory(name="宁津姆驰健身器材有限公司", region=world.town_a)
    second = EnterpriseFactory(name="宁津县华亿钢带有限公司", region=world.town_b)
    old = EnterpriseFactory(name="去年认定的企业")
    _high_tech(first, dt.date(2026, 3, 5))
    _high_tech(second, dt.date(2026, 9, 18))
    _high_tech(old, dt.date(2025, 12, 1))
    target = _county_target(source_sentence="新增国家级高新技术企业30家以上。")
    _login(client, world, "industry")

    # when
    response = client.get(reverse("targets:detail", args=[target.pk]))

    # then
    assert response.status_code == 200
    html = _html(response)
    assert f'href="{reverse("enterprises:detail", args=[first.pk])}"' in html
    assert f'href="{reverse("enterprises:detail", args=[second.pk])}"' in html
    for text in ("宁津姆驰健身器材有限公司", "2026-03-05", "宁津县华亿钢带有限公司", "2026-09-18"):
        assert text in html, text
    assert "去年认定的企业" not in html
    assert html.count("data-item") == 2
    assert "≥30家" in html
    assert "新增国家级高新技术企业30家以上。" in html
    tp = response.context["tp"]
    assert tp.measured == 2
    assert tp.status == "red"


def test_detail_speaks_chinese_by_default_and_shows_manager_buttons(
    world: Any, client: Client
) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")

    # when
    html = _html(client.get(reverse("targets:detail", args=[target.pk])))

    # then: the Chinese site shows the manager's buttons and the status in Chinese
    assert f'href="{reverse("targets:edit", args=[target.pk])}"' in html
    assert f'href="{reverse("targets:decompose", args=[target.pk])}"' in html
    assert "编辑" in html


def test_detail_shows_progress_points_behind_and_forecast(world: Any, client: Client) -> None:
    # given: 27 of 30 by 20 November (序时 324/365 ≈ 88.8%)
    for index in range(27):
        day = dt.date(2026, 1, 1) + dt.timedelta(index)
        _high_tech(EnterpriseFactory(name=f"企业{index}"), day)
    target = _county_target()
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        html = _html(client.get(reverse("targets:detail", args=[target.pk])))

    # then: 90% done, 1.2 points ahead, forecast 27 / 0.8877 ≈ 30.42
    assert "90%" in html
    assert "89%" in html
    assert "points ahead of 序时" in html
    assert 'data-status="green"' in html
    assert "30.42" in html
    assert "data-marker" in html


def test_detail_lists_parts_with_their_progress_and_sum(world: Any, client: Client) -> None:
    # given: 30 split 20 to 大曹镇 and 10 to 保店镇; 大曹镇 has one certified enterprise
    target = _county_target()
    town_a = part_of(target, value=20, region=world.town_a, responsible_unit=world.town_a_unit)
    town_b = part_of(target, value=10, region=world.town_b, responsible_unit=world.town_b_unit)
    _high_tech(EnterpriseFactory(name="大曹镇企业", region=world.town_a), dt.date(2026, 4, 1))
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.get(reverse("targets:detail", args=[target.pk]))

    # then
    html = _html(response)
    parts = {part.pk: tp for part, tp in response.context["parts"]}
    assert parts[town_a.pk].measured == 1
    assert parts[town_b.pk].measured == 0
    assert f'href="{reverse("targets:detail", args=[town_a.pk])}"' in html
    assert f'href="{reverse("targets:detail", args=[town_b.pk])}"' in html
    assert "大曹镇人民政府" in html
    assert "保店镇人民政府" in html
    assert "≥20家" in html
    assert "≥10家" in html
    assert "30家 / 30家" in html
    assert "Parts add up to the whole" in html
    assert "100% of the whole decomposed; 0家 not assigned to any part." in html


def test_a_parts_detail_links_to_its_whole(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    part = part_of(target, value=20, region=world.town_a, responsible_unit=world.town_a_unit)
    _login(client, world, "industry")

    # when
    html = _html(client.get(reverse("targets:detail", args=[part.pk])))

    # then
    assert f'href="{reverse("targets:detail", args=[target.pk])}"' in html


def test_non_additive_target_says_so(world: Any, client: Client) -> None:
    # given
    target = _county_target(additive=False)
    part_of(target, value=25, region=world.town_a)
    part_of(target, value=25, region=world.town_b)
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        html = _html(client.get(reverse("targets:detail", args=[target.pk])))

    # then: the parts are listed, their sum is not (it means nothing)
    assert "Not additive: parts need not add up" in html
    assert html.count("data-part=") == 2
    assert "data-parts-sum" not in html
    assert "50家 / 30家" not in html


def test_detail_shows_month_end_snapshots_and_the_history_chart(world: Any, client: Client) -> None:
    # given: the state at the end of May and June
    target = _county_target()
    TargetSnapshotFactory(
        target=target,
        month=dt.date(2026, 5, 31),
        measured=Decimal(9),
        progress=Decimal("0.3"),
        expected=Decimal("0.4137"),
        status="yellow",
        forecast=Decimal("21.76"),
    )
    TargetSnapshotFactory(target=target)
    _login(client, world, "industry")

    # when
    response = client.get(reverse("targets:detail", args=[target.pk]))

    # then: a row per month with progress, 序时, status and forecast
    html = _html(response)
    assert 'data-snapshot="2026-05"' in html
    assert 'data-snapshot="2026-06"' in html
    for text in ("30%", "41%", "67%", "50%", "21.76", "40.33", 'data-status="yellow"'):
        assert text in html, text
    chart = response.context["chart"]
    assert chart["labels"] == ["2026-05", "2026-06", "2026-11-20"]
    assert chart["progress"][:2] == [30.0, 66.7]
    assert chart["expected"][:2] == [41.4, 49.6]
    assert 'id="target-history-data"' in html
    script = html.split('id="target-history-data" type="application/json">')[1].split("</script>")
    assert json.loads(script[0])["labels"][-1] == "2026-11-20"


def test_reported_indicator_shows_its_values_with_evidence(world: Any, client: Client) -> None:
    # given: 规上工业增加值增速 ≥6%, reported 6.5% for June with the statistics bureau's report
    indicator = IndicatorFactory(code="industrial-value-added-growth")
    target = TargetFactory(indicator=indicator, value=Decimal(6), unit="%")
    ReportedValueFactory(indicator=indicator)
    _login(client, world, "stats")

    # when
    with translation.override("en"):
        html = _html(client.get(reverse("targets:detail", args=[target.pk])))

    # then
    assert "Reported values" in html
    assert "县统计局2026年6月统计月报" in html
    assert "6.5%" in html
    assert "2026-06" in html
    assert f"{reverse('targets:report_value')}?indicator=industrial-value-added-growth" in html
    # a department reports but does not keep the targets
    assert reverse("targets:edit", args=[target.pk]) not in html
    # another department sees the values but may not report this indicator
    _login(client, world, "department")
    html = _html(client.get(reverse("targets:detail", args=[target.pk])))
    assert "县统计局2026年6月统计月报" in html
    assert f"{reverse('targets:report_value')}?indicator=" not in html


def test_a_town_sees_its_own_part_but_not_the_county_whole_or_other_towns(
    world: Any, client: Client
) -> None:
    # given: the county's target and a part for each town
    target = _county_target()
    own = part_of(target, value=20, region=world.town_a, responsible_unit=world.town_a_unit)
    other = part_of(target, value=10, region=world.town_b, responsible_unit=world.town_b_unit)
    _login(client, world, "town_a")

    # when / then: `for_user` gives a town its own region's targets only
    assert client.get(reverse("targets:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("targets:detail", args=[target.pk])).status_code == 404
    assert client.get(reverse("targets:detail", args=[other.pk])).status_code == 404


def test_a_towns_part_names_its_whole_without_a_link_it_cannot_open(
    world: Any, client: Client
) -> None:
    # given
    target = _county_target()
    own = part_of(target, value=20, region=world.town_a, responsible_unit=world.town_a_unit)
    _login(client, world, "town_a")

    # when
    html = _html(client.get(reverse("targets:detail", args=[own.pk])))

    # then: the whole is named, not linked; no manager buttons
    assert "data-parent" in html
    assert f'href="{reverse("targets:detail", args=[target.pk])}"' not in html
    assert reverse("targets:edit", args=[own.pk]) not in html


def test_a_park_and_a_chain_office_see_only_the_parts_they_hold(world: Any, client: Client) -> None:
    # given: parts for the park and for the chain the chain office runs
    chain = ChainFactory(name="健身器材产业链", office=world.chain_office)
    target = _county_target()
    park_part = part_of(target, value=8, responsible_unit=world.park)
    chain_part = part_of(target, value=5, responsible_unit=world.chain_office, chain=chain)

    # when / then
    _login(client, world, "park")
    assert client.get(reverse("targets:detail", args=[park_part.pk])).status_code == 200
    assert client.get(reverse("targets:detail", args=[chain_part.pk])).status_code == 404
    assert client.get(reverse("targets:detail", args=[target.pk])).status_code == 404
    _login(client, world, "chain")
    assert client.get(reverse("targets:detail", args=[chain_part.pk])).status_code == 200
    assert client.get(reverse("targets:detail", args=[park_part.pk])).status_code == 404
    assert client.get(reverse("targets:detail", args=[target.pk])).status_code == 404
    _login(client, world, "other_chain")
    assert client.get(reverse("targets:detail", args=[chain_part.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["bank", "enterprise", "judge", "auditor"])
def test_roles_without_a_scope_get_403_on_every_target_page(
    world: Any, client: Client, persona: str
) -> None:
    # given
    target = _county_target()
    _login(client, world, persona)

    # when / then: as on the board, whether the target exists or not
    for name in ("targets:detail", "targets:edit", "targets:decompose"):
        assert client.get(reverse(name, args=[target.pk])).status_code == 403, name
        assert client.get(reverse(name, args=[target.pk + 1000])).status_code == 403, name
    assert client.get(reverse("targets:create")).status_code == 403
    assert client.get(reverse("targets:report_value")).status_code == 403


def test_pages_need_a_login(world: Any, client: Client) -> None:
    # given
    target = _county_target()

    # when
    response = client.get(reverse("targets:detail", args=[target.pk]))

    # then
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_towns_part_does_not_show_the_county_whole(world: Any, client: Client) -> None:
    # given: the county's whole, named as the county writes it, and 大曹镇's part of it
    target = _county_target(name="全县新增国家级高新技术企业")
    own = part_of(
        target,
        value=20,
        name="大曹镇高新技术企业",
        region=world.town_a,
        responsible_unit=world.town_a_unit,
    )
    _login(client, world, "town_a")

    # when
    with translation.override("en"):
        html = _html(client.get(reverse("targets:detail", args=[own.pk])))

    # then
    assert "全县新增国家级高新技术企业" not in html
    assert "≥30家" not in html
    assert "Part of a county target" in html


def test_a_town_sees_only_its_parts_of_its_own_target_and_no_totals(
    world: Any, client: Client
) -> None:
    # given: 大曹镇's target of 10, split 6 to its park and 4 to 保店镇 (which 大曹镇 cannot see)
    target = _county_target(region=world.town_a, value=Decimal(10))
    park_part = part_of(target, value=6, region=world.town_a, responsible_unit=world.park)
    hidden = part_of(target, value=4, region=world.town_b, responsible_unit=world.town_b_unit)
    _login(client, world, "town_a")

    # when
    with translation.override("en"):
        response = client.get(reverse("targets:detail", args=[target.pk]))
    html = _html(response)

    # then: its own part, no sum over parts it cannot see
    assert [part.pk for part, _tp in response.context["parts"]] == [park_part.pk]
    assert f'data-part="{hidden.pk}"' not in html
    assert "data-parts-sum" not in html
    assert "decomposed" not in html
    assert response.context["parts_summary"] is None


def test_a_rate_target_has_no_sum_of_its_parts(world: Any, client: Client) -> None:
    # given: a growth rate of 6% "split" to two towns
    target = TargetFactory(
        indicator=IndicatorFactory(code="industrial-value-added-growth"), value=6, unit="%"
    )
    part_of(target, value=6, region=world.town_a)
    part_of(target, value=7, region=world.town_b)
    _login(client, world, "industry")

    # when
    html = _html(client.get(reverse("targets:detail", args=[target.pk])))

    # then
    assert html.count("data-part=") == 2
    assert "data-parts-sum" not in html
    assert "13%" not in html


def test_a_town_does_not_read_reported_values_on_a_target(world: Any, client: Client) -> None:
    # given: 大曹镇's growth-rate target and a value reported for 大曹镇
    indicator = IndicatorFactory(code="industrial-value-added-growth")
    target = TargetFactory(indicator=indicator, region=world.town_a, value=6, unit="%")
    ReportedValueFactory(indicator=indicator, region=world.town_a, evidence="镇统计站内部月报")
    _login(client, world, "town_a")

    # when
    response = client.get(reverse("targets:detail", args=[target.pk]))

    # then: reported values are read by region-wide roles only
    assert response.status_code == 200
    assert response.context["reported"] == []
    assert "镇统计站内部月报" not in _html(response)


def test_detail_lists_the_first_items_and_all_of_them_when_asked(
    world: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: three enterprises certified this year, a page that lists two
    monkeypatch.setattr("jinmu.targets.views.detail.SHOWN_ITEMS", 2)
    enterprises = [EnterpriseFactory(name=f"企业{n}", region=world.town_a) for n in range(3)]
    for month, enterprise in enumerate(enterprises, start=1):
        _high_tech(enterprise, dt.date(2026, month, 5))
    target = _county_target()
    _login(client, world, "industry")
    url = reverse("targets:detail", args=[target.pk])

    # when
    capped = client.get(url)
    full = client.get(url, {"items": "all"})

    # then: the first two in date order, the count of all three and a link to the rest
    html = _html(capped)
    assert html.count("data-item") == 2
    assert "企业2" not in html
    assert 'href="?items=all#items"' in html
    assert capped.context["tp"].measured == 3
    assert len(capped.context["items"]) == 3
    html = _html(full)
    assert html.count("data-item") == 3
    assert f'href="{reverse("enterprises:detail", args=[enterprises[2].pk])}"' in html
    assert "data-all-items" not in html
