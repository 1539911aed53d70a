"""Target decomposition page: parts held by towns, parks and chains, refusals per row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.chains.tests.factories import ChainFactory
from jinmu.targets.tests.factories import part_of
from jinmu.targets.tests.pages import _county_target, _html, _login, _parts_data

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the pages, the services and the progress."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


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
