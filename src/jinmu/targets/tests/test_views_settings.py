"""The target settings page: defaults shown, the county's row created, thresholds checked field
by field, stale forms refused, and the thresholds used by the status of targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.core.models import Region
from jinmu.targets.models import TargetSettings, target_settings_for
from jinmu.targets.progress import evaluate
from jinmu.targets.tests.factories import TargetFactory

URL = "targets:settings"


def _form_data(page: Any, **changes: Any) -> dict[str, Any]:
    """The page's form as shown, with `changes`."""
    form = page.context["form"]
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value
    data.update(changes)
    return data


def _post(client: Client, **changes: Any) -> Any:
    page = client.get(reverse(URL))
    return client.post(reverse(URL), _form_data(page, **changes))


@pytest.fixture
def industry(client: Client, world: Any) -> Client:
    client.force_login(world.user("industry"))
    return client


def test_defaults_shown_then_saved_for_the_county(industry: Client, world: Any) -> None:
    page = industry.get(reverse(URL))
    assert page.status_code == 200
    assert page.context["inherited"]
    assert page.context["form"].initial["yellow_points"] == Decimal(10)
    assert page.context["form"].initial["red_points"] == Decimal(30)
    response = _post(industry, yellow_points="5", red_points="20")
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["设置已保存。"]
    row = TargetSettings.objects.get(region_id=world.county.code)
    assert (row.yellow_points, row.red_points) == (Decimal(5), Decimal(20))
    # A town without its own row follows the county.
    assert target_settings_for(world.town_a.code).pk == row.pk
    page = industry.get(reverse(URL))
    assert not page.context["inherited"]
    assert page.context["form"].initial["version"] == row.version


def test_the_citys_settings_are_inherited_until_the_county_saves(
    industry: Client, world: Any
) -> None:
    city = Region.objects.get(code="371400")
    TargetSettings.objects.create(region=city, yellow_points=Decimal(15), red_points=Decimal(40))
    page = industry.get(reverse(URL))
    assert page.context["inherited"]
    assert page.context["inherited_from"] == city
    assert page.context["form"].initial["yellow_points"] == Decimal(15)
    assert "德州市" in page.content.decode()
    assert _post(industry, red_points="45").status_code == 302
    row = TargetSettings.objects.get(region_id=world.county.code)
    assert (row.yellow_points, row.red_points) == (Decimal(15), Decimal(45))
    # The city's row is untouched.
    assert TargetSettings.objects.get(region=city).red_points == Decimal(40)


def test_an_edit_updates_the_countys_row(industry: Client, world: Any) -> None:
    assert _post(industry, yellow_points="12").status_code == 302
    assert _post(industry, red_points="35").status_code == 302
    row = TargetSettings.objects.get(region_id=world.county.code)
    assert (row.yellow_points, row.red_points, row.version) == (Decimal(12), Decimal(35), 2)


def test_red_below_yellow_is_refused_on_its_field(industry: Client) -> None:
    response = _post(industry, yellow_points="20", red_points="10")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["red_points"]
    assert not TargetSettings.objects.exists()


@pytest.mark.parametrize("field", ["yellow_points", "red_points"])
@pytest.mark.parametrize("value", ["0", "-5"])
def test_non_positive_thresholds_are_refused_on_their_field(
    industry: Client, field: str, value: str
) -> None:
    changes = {field: value}
    if field == "yellow_points":
        changes["red_points"] = "30"
    response = _post(industry, **changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not TargetSettings.objects.exists()


def test_a_missing_value_is_refused(industry: Client) -> None:
    response = _post(industry, red_points="")
    assert response.status_code == 400
    assert response.context["form"].errors["red_points"]
    assert not TargetSettings.objects.exists()


def test_a_stale_form_is_refused(industry: Client, world: Any) -> None:
    assert _post(industry, yellow_points="12").status_code == 302
    page = industry.get(reverse(URL))
    # Someone else saves in between.
    assert _post(industry, yellow_points="14").status_code == 302
    response = industry.post(reverse(URL), _form_data(page, yellow_points="16"))
    assert response.status_code == 409
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("其他人已保存了修改（对方版本2，您的版本1）" in note for note in notes)
    assert TargetSettings.objects.get().yellow_points == Decimal(14)


def test_a_form_opened_before_the_county_had_a_row_is_stale_once_it_has(
    industry: Client, world: Any
) -> None:
    page = industry.get(reverse(URL))
    assert page.context["inherited"]
    assert _post(industry, yellow_points="14").status_code == 302
    response = industry.post(reverse(URL), _form_data(page, yellow_points="16"))
    assert response.status_code == 409
    assert TargetSettings.objects.get().yellow_points == Decimal(14)


def test_the_new_thresholds_change_a_targets_status(industry: Client, world: Any) -> None:
    """Halfway through the year with nothing achieved a target is 50 points behind 序时: red
    on the defaults (beyond 30), yellow once red starts beyond 60."""
    target = TargetFactory(region=world.county, year=2026)
    on = dt.date(2026, 7, 2)
    before = evaluate(target, on)
    assert before.measured == 0
    assert before.status == "red"
    assert _post(industry, yellow_points="20", red_points="60").status_code == 302
    assert evaluate(target, on).status == "yellow"
    assert _post(industry, yellow_points="55", red_points="60").status_code == 302
    assert evaluate(target, on).status == "green"


@pytest.mark.parametrize("persona", ["town_a", "bank", "department", "chain", "leader"])
def test_others_are_refused(client: Client, world: Any, persona: str) -> None:
    client.force_login(world.user(persona))
    assert client.get(reverse(URL)).status_code == 403
    response = client.post(reverse(URL), {"yellow_points": "5", "red_points": "20"})
    assert response.status_code == 403
    assert not TargetSettings.objects.exists()


def test_the_system_admin_may_change_settings(client: Client, world: Any) -> None:
    client.force_login(world.user("admin"))
    assert client.get(reverse(URL)).status_code == 200


def test_a_bad_hidden_version_is_shown_not_a_silent_400(industry: Client) -> None:
    with translation.override("en"):
        response = _post(industry, yellow_points="5", version="abc")
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-version-error" in html
    assert "Enter a whole number." in html
    assert not TargetSettings.objects.exists()


def test_two_first_saves_at_once_are_a_stale_edit_not_a_500(
    industry: Client, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both forms were opened before the county had a row and both pass validation; the second
    insert hits the one-row-per-region constraint."""
    from jinmu.core import services as core_services

    def racing_save(obj: Any, **kwargs: Any) -> Any:
        TargetSettings.objects.create(
            region_id=obj.region_id, yellow_points=Decimal(7), red_points=Decimal(21)
        )
        return core_services.save_object(obj, **{**kwargs, "validate": False})

    monkeypatch.setattr("jinmu.targets.views.settings.save_object", racing_save)
    with translation.override("en"):
        response = _post(industry, yellow_points="5", red_points="20")
    assert response.status_code == 409
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Someone else saved these settings" in notes[-1]
    # (the competing row was made inside the refused write here, so it is rolled back too)
    assert not TargetSettings.objects.filter(yellow_points=Decimal(5)).exists()
