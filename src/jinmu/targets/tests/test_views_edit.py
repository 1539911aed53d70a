"""Target create and edit pages: the form, its refusals per field and stale edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.chains.tests.factories import ChainFactory
from jinmu.targets.models import Target
from jinmu.targets.tests.factories import part_of
from jinmu.targets.tests.pages import _county_target, _form_data, _html, _login

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the pages, the services and the progress."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


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
