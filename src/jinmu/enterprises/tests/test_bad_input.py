"""The same rules at every door (form, API, Excel import): control characters, coordinates and
founding dates (issue 9: latitude 91 and founding date 9999-12-31 were accepted by the API while
the import refused them, so an export could not be re-imported)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.enterprises.imports import import_enterprises
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.excel_helpers import enterprise_row, error_codes, workbook
from jinmu.enterprises.tests.factories import EnterpriseFactory, make_uscc
from jinmu.enterprises.tests.test_views import form_data


def _api(world: Any) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.user("industry"))
    return api


def _patch(world: Any, enterprise: Enterprise, **data: Any) -> Any:
    return _api(world).patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {**data, "expected_version": enterprise.version},
        format="json",
    )


# --- control characters ---------------------------------------------------------------------


def test_form_refuses_a_control_character_next_to_the_field(world: Any) -> None:
    # given
    client = Client()
    client.force_login(world.user("industry"))

    # when
    response = client.post(reverse("enterprises:create"), form_data(world, name="宁津\x0b公司"))

    # then
    assert response.status_code in (200, 400, 422)
    assert "U+000B" in str(response.context["form"].errors["name"])
    assert not Enterprise.objects.exists()


def test_import_refuses_a_control_character_under_its_row_and_column(world: Any) -> None:
    # given: plain rows (an .xlsx cannot even hold most control characters)
    rows = [enterprise_row(1), enterprise_row(2, 企业名称="宁津\x01公司", 地址="路\x1b2号")]

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=rows, dry_run=False)

    # then
    codes = error_codes(result)
    assert codes[(3, "企业名称")] == "control_character"
    assert codes[(3, "地址")] == "control_character"
    assert not Enterprise.objects.exists()


# --- coordinates and dates: the same rules at every door -----------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("latitude", "91"),
        ("latitude", "-90.5"),
        ("longitude", "180.5"),
        ("founded_on", "9999-12-31"),
        ("founded_on", "1899-12-31"),
    ],
)
def test_api_refuses_what_the_import_refuses(world: Any, field: str, value: str) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)

    # when
    response = _patch(world, enterprise, **{field: value})

    # then
    assert response.status_code == 400, response.content
    assert response.json()[field][0]
    enterprise.refresh_from_db()
    assert getattr(enterprise, field) is None


def test_api_refuses_a_founding_date_in_the_future(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    tomorrow = dt.date.today() + dt.timedelta(days=2)

    # when
    response = _patch(world, enterprise, founded_on=tomorrow.isoformat())

    # then
    assert response.status_code == 400
    assert response.json()["founded_on"][0]


def test_api_accepts_the_edges(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)

    # when
    response = _patch(world, enterprise, latitude="90", longitude="-180", founded_on="1900-01-01")

    # then
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("header", "value", "code"),
    [
        ("纬度", 91, "range"),
        ("经度", -180.5, "range"),
        ("成立日期", dt.date(2099, 1, 1), "future_date"),
        ("成立日期", "1899-12-31", "date_range"),
    ],
)
def test_import_refuses_the_same_with_the_shared_validators(
    world: Any, header: str, value: Any, code: str
) -> None:
    # given
    data = workbook([enterprise_row(1, **{header: value})])

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=True)

    # then
    assert error_codes(result)[(2, header)] in (code, "model")
    assert not result.ok


def test_form_refuses_a_latitude_of_91(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, uscc=make_uscc(5))
    client = Client()
    client.force_login(world.user("industry"))
    data = form_data(world, uscc=enterprise.uscc, latitude="91", version=enterprise.version)

    # when
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), data)

    # then
    assert response.status_code in (200, 400, 422)
    assert "latitude" in response.context["form"].errors
