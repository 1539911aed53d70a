"""A department's monthly value of a reported indicator: report, correct, refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.targets.models import Indicator, ReportedValue
from jinmu.targets.tests.factories import IndicatorFactory, ReportedValueFactory
from jinmu.targets.tests.pages import _html, _login

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the pages, the services and the progress."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


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
