"""Target pages: the detail (items behind the number, parts, history), the create/edit form,
the decomposition page and a department's monthly value — scope, rights and bad input."""

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
from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.targets.models import Indicator, ReportedValue, Target
from jinmu.targets.tests.factories import (
    IndicatorFactory,
    ReportedValueFactory,
    TargetFactory,
    TargetSnapshotFactory,
    part_of,
)

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the pages, the services and the progress."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _login(client: Client, world: Any, persona: str) -> Any:
    user = world.user(persona)
    client.force_login(user)
    return user


def _html(response: Any) -> str:
    return str(response.content.decode())


def _high_tech(enterprise: Any, day: dt.date) -> None:
    """The enterprise is granted high-tech status on the day."""
    QualificationFactory(
        enterprise=enterprise, kind=QualificationKindFactory(code="high-tech"), granted_on=day
    )


def _county_target(**fields: Any) -> Target:
    """The county's 2026 goal of ≥30 new high-tech enterprises."""
    target: Target = TargetFactory(indicator=IndicatorFactory(code="high-tech-new"), **fields)
    return target


def _form_data(**overrides: Any) -> dict[str, Any]:
    """A valid target form: ≥30 new high-tech enterprises in 2026."""
    data: dict[str, Any] = {
        "indicator": "high-tech-new",
        "name": "国家级高新技术企业",
        "year": "2026",
        "period": "year",
        "value": "30",
        "bound": "at_least",
        "value_high": "",
        "unit": "家",
        "condition": "",
        "front": "innovation",
        "action": "",
        "responsible_unit": "",
        "chain": "",
        "additive": "on",
        "monthly_shares": "",
    }
    data.update(overrides)
    return data


def _parts_data(*rows: tuple[str, str] | None, extra: int = 0) -> dict[str, Any]:
    """A decomposition formset: (holder, value) per row, None for a blank row."""
    data: dict[str, Any] = {
        "parts-TOTAL_FORMS": str(len(rows) + extra),
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        holder, value = row or ("", "")
        data[f"parts-{index}-holder"] = holder
        data[f"parts-{index}-value"] = value
    return data


# --- detail -----------------------------------------------------------------------------------


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


# --- create and edit --------------------------------------------------------------------------


def test_create_stores_the_target_and_opens_it(world: Any, client: Client) -> None:
    # given
    chain = ChainFactory(name="健身器材产业链")
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("targets:create"),
        _form_data(
            responsible_unit=str(world.industry_office.pk),
            chain=str(chain.pk),
            monthly_shares="0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1",
        ),
    )

    # then
    target = Target.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:detail", args=[target.pk])
    assert target.region_id == world.county.code
    assert (target.value, target.unit, target.front) == (Decimal(30), "家", "innovation")
    assert target.responsible_unit == world.industry_office
    assert target.chain == chain
    assert target.monthly_shares == [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1]


def test_create_form_opens_on_this_year(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    response = client.get(reverse("targets:create"))

    # then
    assert response.status_code == 200
    assert response.context["form"].initial["year"] == 2026


def test_a_unit_that_does_not_fit_the_indicator_is_refused_on_its_field(
    world: Any, client: Client
) -> None:
    # given
    _login(client, world, "industry")

    # when: enterprises counted in 亿元
    with translation.override("en"):
        response = client.post(reverse("targets:create"), _form_data(unit="亿元"))

    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert "does not fit the indicator" in form.errors["unit"][0]
    html = _html(response)
    assert "does not fit the indicator" in html
    assert 'class="form-control is-invalid"' in html
    assert not Target.objects.exists()


def test_range_without_upper_value_and_bad_profile_are_refused_per_field(
    world: Any, client: Client
) -> None:
    # given
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("targets:create"), _form_data(bound="range", monthly_shares="0.5, 1")
    )

    # then: the model's messages, in Chinese by default and from their English msgids
    errors = response.context["form"].errors
    assert "上限值" in errors["value_high"][0]
    assert "共12个" in errors["monthly_shares"][0]
    with translation.override("en"):
        assert "upper value" in str(errors["value_high"][0])
    assert not Target.objects.exists()


def test_a_profile_that_is_not_numbers_is_refused(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.post(reverse("targets:create"), _form_data(monthly_shares="a, b"))

    # then
    with translation.override("en"):
        message = response.context["form"].errors["monthly_shares"][0]
    assert "Enter numbers separated by commas" in message
    assert not Target.objects.exists()


def test_edit_saves_with_the_version_it_was_opened_on(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")
    page = client.get(reverse("targets:edit", args=[target.pk]))
    assert page.context["form"].initial["version"] == 1

    # when
    response = client.post(
        reverse("targets:edit", args=[target.pk]), _form_data(value="35", version="1")
    )

    # then
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal(35), 2)


def test_a_stale_edit_is_refused_and_nothing_changes(world: Any, client: Client) -> None:
    # given: someone saved after the form was opened on version 1
    target = _county_target()
    Target.objects.filter(pk=target.pk).update(version=2)
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:edit", args=[target.pk]), _form_data(value="35", version="1")
        )

    # then
    assert response.status_code == 409
    assert "Someone else saved this record" in _html(response)
    target.refresh_from_db()
    assert target.value == Decimal(30)


def test_editing_a_whole_below_its_parts_is_refused(world: Any, client: Client) -> None:
    # given: 30 split 20 + 10
    target = _county_target()
    part_of(target, value=20, region=world.town_a)
    part_of(target, value=10, region=world.town_b)
    _login(client, world, "industry")

    # when: the whole is lowered to 25
    with translation.override("en"):
        response = client.post(
            reverse("targets:edit", args=[target.pk]), _form_data(value="25", version="1")
        )

    # then
    assert "The parts add up to 30" in response.context["form"].errors["value"][0]
    target.refresh_from_db()
    assert target.value == Decimal(30)


def test_a_part_keeps_its_indicator_on_the_form(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    part = part_of(target, value=20, region=world.town_a)
    _login(client, world, "industry")

    # when: the form is posted with another indicator
    response = client.post(
        reverse("targets:edit", args=[part.pk]),
        _form_data(indicator="little-giant-new", value="15", version="1"),
    )

    # then: the disabled field keeps the parent's indicator and the edit goes through
    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.indicator_id, part.value) == ("high-tech-new", Decimal(15))


@pytest.mark.parametrize("persona", ["town_a", "leader", "department"])
def test_only_target_keepers_may_edit(world: Any, client: Client, persona: str) -> None:
    # given: a part visible to 大曹镇
    target = _county_target()
    part = part_of(target, value=20, region=world.town_a, responsible_unit=world.town_a_unit)
    _login(client, world, persona)

    # when / then
    assert client.get(reverse("targets:edit", args=[part.pk])).status_code == 403
    response = client.post(
        reverse("targets:edit", args=[part.pk]), _form_data(value="1", version="1")
    )
    assert response.status_code == 403
    assert client.get(reverse("targets:decompose", args=[part.pk])).status_code == 403
    assert client.get(reverse("targets:create")).status_code == 403
    part.refresh_from_db()
    assert part.value == Decimal(20)


# --- decompose --------------------------------------------------------------------------------


def test_decompose_page_shows_the_whole_what_is_done_and_what_remains(
    world: Any, client: Client
) -> None:
    # given: 30, of which 12 already given to 大曹镇
    target = _county_target()
    part_of(target, value=12, region=world.town_a)
    _login(client, world, "industry")

    # when
    response = client.get(reverse("targets:decompose", args=[target.pk]))

    # then
    html = _html(response)
    assert "≥30家" in html
    assert "12家" in html
    assert "18家" in html
    assert 'value="town:371422104"' in html
    assert f'value="unit:{world.park.pk}"' in html


def test_decompose_creates_the_parts(world: Any, client: Client) -> None:
    # given
    chain = ChainFactory(name="健身器材产业链")
    target = _county_target()
    _login(client, world, "industry")

    # when: three parts and a blank row
    response = client.post(
        reverse("targets:decompose", args=[target.pk]),
        _parts_data(
            ("town:371422105", "12"),
            None,
            (f"unit:{world.park.pk}", "8"),
            (f"chain:{chain.pk}", "5"),
        ),
    )

    # then
    assert response.status_code == 302
    parts = {(p.region_id, p.responsible_unit_id, p.chain_id): p.value for p in target.parts.all()}
    assert parts == {
        ("371422105", world.town_a_unit.pk, None): Decimal(12),
        (world.county.code, world.park.pk, None): Decimal(8),
        (world.county.code, chain.office_id, chain.pk): Decimal(5),
    }


def test_parts_exceeding_the_whole_are_refused_at_the_top(world: Any, client: Client) -> None:
    # given: 10 already given
    target = _county_target()
    part_of(target, value=10, region=world.town_b)
    _login(client, world, "industry")

    # when: 15 + 10 more
    with translation.override("en"):
        response = client.post(
            reverse("targets:decompose", args=[target.pk]),
            _parts_data(("town:371422105", "15"), (f"unit:{world.park.pk}", "10")),
        )

    # then
    assert response.status_code == 200
    assert response.context["page_errors"] == ["The parts add up to 35, more than the target's 30."]
    assert "data-page-errors" in _html(response)
    assert target.parts.count() == 1


def test_a_refused_row_is_marked_on_its_own_row_and_nothing_is_stored(
    world: Any, client: Client
) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")

    # when: row 0 is fine, row 1 is blank, row 2 has a negative value
    with translation.override("en"):
        response = client.post(
            reverse("targets:decompose", args=[target.pk]),
            _parts_data(("town:371422105", "5"), None, ("town:371422104", "-1")),
        )

    # then
    forms = response.context["formset"].forms
    assert forms[2].errors["value"] == ["A target value cannot be negative."]
    assert not forms[0].errors
    assert not target.parts.exists()


def test_a_range_part_needs_its_upper_value_on_its_row(world: Any, client: Client) -> None:
    # given: a 5–6 range
    target = _county_target(bound="range", value=Decimal(5), value_high=Decimal(6))
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:decompose", args=[target.pk]),
            _parts_data(("town:371422105", "2")),
        )

    # then
    assert "upper value" in response.context["formset"].forms[0].errors["value_high"][0]
    assert not target.parts.exists()


def test_a_row_with_a_value_but_no_holder_is_refused(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:decompose", args=[target.pk]),
            _parts_data(("town:371422105", "5"), ("", "3")),
        )

    # then
    errors = response.context["formset"].forms[1].errors
    with translation.override("en"):
        assert errors["holder"] == ["Choose a town, park, department or chain."]
    assert not target.parts.exists()


def test_no_rows_at_all_is_said_at_the_top(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:decompose", args=[target.pk]), _parts_data(None, None)
        )

    # then
    assert response.context["page_errors"] == ["Give at least one part."]


def test_a_town_from_another_county_is_not_a_choice(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")

    # when
    response = client.post(
        reverse("targets:decompose", args=[target.pk]), _parts_data(("town:110101001", "5"))
    )

    # then
    assert "holder" in response.context["formset"].forms[0].errors
    assert not target.parts.exists()


# --- reported values --------------------------------------------------------------------------


def test_a_department_reports_a_months_value(world: Any, client: Client) -> None:
    # given
    IndicatorFactory(code="industrial-value-added-growth")
    _login(client, world, "stats")

    # when
    response = client.post(
        reverse("targets:report_value"),
        {
            "indicator": "industrial-value-added-growth",
            "month": "2026-10",
            "value": "6.8",
            "evidence": "县统计局10月月报",
        },
    )

    # then
    assert response.status_code == 302
    row = ReportedValue.objects.get()
    assert (row.region_id, row.month, row.value) == (
        world.county.code,
        dt.date(2026, 10, 1),
        Decimal("6.8"),
    )
    assert row.reporting_unit == world.user("stats").unit
    html = _html(client.get(reverse("targets:report_value")))
    assert "县统计局10月月报" in html
    assert "6.8%" in html


def test_a_future_month_is_refused_on_the_month(world: Any, client: Client) -> None:
    # given
    IndicatorFactory(code="industrial-value-added-growth")
    _login(client, world, "stats")

    # when: December while it is November
    with translation.override("en"):
        response = client.post(
            reverse("targets:report_value"),
            {
                "indicator": "industrial-value-added-growth",
                "month": "2026-12",
                "value": "7",
                "evidence": "预计",
            },
        )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["month"] == [
        "A value cannot be reported for a month that has not begun."
    ]
    assert not ReportedValue.objects.exists()


def test_a_second_value_for_the_same_month_is_refused(world: Any, client: Client) -> None:
    # given
    indicator = IndicatorFactory(code="industrial-value-added-growth")
    ReportedValueFactory(indicator=indicator)
    _login(client, world, "stats")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:report_value"),
            {
                "indicator": indicator.code,
                "month": "2026-06",
                "value": "7",
                "evidence": "更正",
            },
        )

    # then
    assert "already exists" in response.context["form"].errors["month"][0]
    assert ReportedValue.objects.get().value == Decimal("6.5")


def test_a_reported_value_is_corrected_with_the_version_it_was_opened_on(
    world: Any, client: Client
) -> None:
    # given: June's 6.5% stored
    row = ReportedValueFactory(indicator=IndicatorFactory(code="industrial-value-added-growth"))
    _login(client, world, "stats")
    url = reverse("targets:report_value") + f"?correct={row.pk}"

    # when: the correction form is opened from the list, then posted
    page = client.get(reverse("targets:report_value"))
    assert f'href="{url}"' in _html(page).replace("&amp;", "&")
    form = client.get(url).context["form"]
    assert form.initial["value"] == "6.5"
    response = client.post(
        url,
        {
            # the indicator and month are fixed on a correction, whatever is posted
            "indicator": "other",
            "month": "2026-01",
            "value": "6.1",
            "evidence": "县统计局修订数",
            "version": "1",
        },
    )

    # then
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.month, row.value, row.evidence, row.version) == (
        dt.date(2026, 6, 1),
        Decimal("6.1"),
        "县统计局修订数",
        2,
    )


def test_a_stale_correction_is_refused(world: Any, client: Client) -> None:
    # given: the value was corrected by someone else since (version 2)
    row = ReportedValueFactory(indicator=IndicatorFactory(code="industrial-value-added-growth"))
    ReportedValue.objects.filter(pk=row.pk).update(version=2)
    _login(client, world, "stats")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:report_value") + f"?correct={row.pk}",
            {"value": "6.1", "evidence": "修订", "version": "1"},
        )

    # then
    assert response.status_code == 409
    assert "Someone else saved this record" in _html(response)
    row.refresh_from_db()
    assert row.value == Decimal("6.5")


def test_report_form_offers_only_reported_indicators_and_checks_the_month(
    world: Any, client: Client
) -> None:
    # given
    IndicatorFactory(code="industrial-value-added-growth")
    _login(client, world, "industry")

    # when: a measured indicator and a badly written month
    with translation.override("en"):
        response = client.post(
            reverse("targets:report_value"),
            {"indicator": "high-tech-new", "month": "2026-13", "value": "7", "evidence": "x"},
        )

    # then
    errors = response.context["form"].errors
    assert "indicator" in errors
    with translation.override("en"):
        assert errors["month"] == ["Enter the month as YYYY-MM, e.g. 2026-06."]
    choices = [value for value, _label in response.context["form"].fields["indicator"].choices]
    assert Indicator.objects.get(code="high-tech-new").pk not in [str(c) for c in choices]
    assert not ReportedValue.objects.exists()


@pytest.mark.parametrize("persona", ["town_a", "chain", "leader"])
def test_only_departments_and_the_industry_office_report(
    world: Any, client: Client, persona: str
) -> None:
    # given
    IndicatorFactory(code="industrial-value-added-growth")
    _login(client, world, persona)

    # when / then
    assert client.get(reverse("targets:report_value")).status_code == 403
    response = client.post(
        reverse("targets:report_value"),
        {
            "indicator": "industrial-value-added-growth",
            "month": "2026-10",
            "value": "6.8",
            "evidence": "x",
        },
    )
    assert response.status_code == 403
    assert not ReportedValue.objects.exists()


# --- review fixes: hostile input, what a town may read, who may correct ---------------------------


def test_a_huge_share_is_refused_on_its_field_not_a_500(world: Any, client: Client) -> None:
    # given
    _login(client, world, "industry")

    # when
    with translation.override("en"):
        response = client.post(
            reverse("targets:create"), _form_data(monthly_shares="0.5, 1e300000, 1")
        )
        message = str(response.context["form"].errors["monthly_shares"][0])

    # then
    assert response.status_code == 200
    assert "between 0 and 1" in message
    assert not Target.objects.exists()


def test_odd_digits_and_year_zero_on_the_report_page_are_not_a_500(
    world: Any, client: Client
) -> None:
    # given
    IndicatorFactory(code="industrial-value-added-growth")
    _login(client, world, "stats")

    # when / then: "²" is a digit to `str.isdigit` but not to `int`
    assert client.get(reverse("targets:report_value") + "?correct=²").status_code == 200
    with translation.override("en"):
        response = client.post(
            reverse("targets:report_value"),
            {
                "indicator": "industrial-value-added-growth",
                "month": "0000-05",
                "value": "1",
                "evidence": "x",
            },
        )
        errors = [str(e) for e in response.context["form"].errors["month"]]
    assert response.status_code == 200
    assert errors == ["Enter a month between 2000 and 2100."]
    assert not ReportedValue.objects.exists()


def test_editing_a_part_keeps_what_it_inherits(world: Any, client: Client) -> None:
    # given
    target = _county_target(front="innovation")
    part = part_of(target, value=20, region=world.town_a, responsible_unit=world.town_a_unit)
    _login(client, world, "industry")

    # when: the post tries to rename it, move its year and change its front and unit
    response = client.post(
        reverse("targets:edit", args=[part.pk]),
        _form_data(name="改名", year="2027", unit="个", front="clusters", value="15", version="1"),
    )

    # then: only the value changed
    assert response.status_code == 302
    part.refresh_from_db()
    assert (part.name, part.year, part.unit, part.front) == (
        target.name,
        2026,
        target.unit,
        "innovation",
    )
    assert part.value == Decimal(15)


def test_an_edit_without_its_version_is_refused_with_a_message(world: Any, client: Client) -> None:
    # given
    target = _county_target()
    _login(client, world, "industry")

    # when: the hidden version is left out
    with translation.override("en"):
        response = client.post(reverse("targets:edit", args=[target.pk]), _form_data(value="35"))

    # then
    assert response.status_code == 200
    assert "which version of the record" in _html(response)
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal(30), 1)


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


def test_only_the_reporting_department_may_correct_or_choose_an_indicator(
    world: Any, client: Client
) -> None:
    # given: 统计局 reports the growth rate; 工信局 reports an indicator of its own
    growth = IndicatorFactory(code="industrial-value-added-growth")
    own = IndicatorFactory(
        code="dept-own", name="工信局上报指标", source="reported", reported_by="工业和信息化局"
    )
    row = ReportedValueFactory(indicator=growth)
    correct_url = f"{reverse('targets:report_value')}?correct={row.pk}"

    # when / then: 工信局 sees the value but gets no link, and the link opens nothing
    _login(client, world, "department")
    page = client.get(reverse("targets:report_value"))
    html = _html(page).replace("&amp;", "&")
    assert "县统计局2026年6月统计月报" in html
    assert f'href="{correct_url}"' not in html
    assert client.get(correct_url).context["correcting"] is None
    choices = [str(v) for v, _l in page.context["form"].fields["indicator"].choices if v]
    assert choices == [own.pk]

    # when / then: 统计局 may correct it
    _login(client, world, "stats")
    page = client.get(reverse("targets:report_value"))
    assert f'href="{correct_url}"' in _html(page).replace("&amp;", "&")
    assert client.get(correct_url).context["correcting"] == row
    choices = [str(v) for v, _l in page.context["form"].fields["indicator"].choices if v]
    assert growth.pk in choices
    assert own.pk not in choices


def test_more_rows_keeps_what_was_typed_and_stores_nothing(world: Any, client: Client) -> None:
    # given: a decomposition to 12 towns needs more than the three rows first shown
    target = _county_target()
    _login(client, world, "industry")
    data = _parts_data(("town:371422105", "12"), None, None)

    # when
    response = client.post(reverse("targets:decompose", args=[target.pk]), {**data, "more": "1"})

    # then: six rows, the first still filled in, nothing saved
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == 6
    assert formset.forms[0]["value"].value() == "12"
    assert 'name="parts-5-value"' in _html(response)
    assert not target.parts.exists()
