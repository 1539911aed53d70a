"""`GET /api/v1/targets/?year=`: the shape of each target, decimals as strings, scoping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jinmu.targets import services
from jinmu.targets.models import Indicator, Target

URL = "/api/v1/targets/"
YEAR = 2026
KEYS = {
    "id",
    "indicator",
    "indicator_code",
    "year",
    "period",
    "value",
    "bound",
    "value_high",
    "unit",
    "condition",
    "front",
    "action",
    "region",
    "responsible_unit",
    "responsible_unit_name",
    "chain",
    "parent",
    "additive",
    "measured",
    "progress",
    "expected",
    "status",
    "forecast",
    "version",
}


def client_for(world: Any, persona: str) -> APIClient:
    """An API client signed in as one of the world's personas."""
    api = APIClient()
    api.force_authenticate(world.user(persona))
    return api


def board(world: Any, year: int = YEAR) -> dict[str, Target]:
    """The county's high-tech goal split between two towns, and a reported growth-rate range."""
    industry = world.user("industry")
    high_tech = services.create_target(
        actor=industry,
        data={
            "indicator": Indicator.objects.get(code="high-tech-new"),
            "name": "国家级高新技术企业",
            "year": year,
            "value": Decimal(30),
            "bound": "at_least",
            "unit": "家",
            "front": "innovation",
        },
    )
    part_a, part_b = services.decompose(
        actor=industry,
        target=high_tech,
        parts=[{"town": world.town_a.code, "value": 12}, {"town": world.town_b.code, "value": 10}],
    )
    growth = services.create_target(
        actor=industry,
        data={
            "indicator": Indicator.objects.get(code="industrial-value-added-growth"),
            "name": "规上工业增加值增速",
            "year": year,
            "value": Decimal(5),
            "bound": "range",
            "value_high": Decimal(6),
            "unit": "%",
        },
    )
    return {"high_tech": high_tech, "part_a": part_a, "part_b": part_b, "growth": growth}


def test_each_target_has_the_documented_fields(world: Any) -> None:
    targets = board(world)
    response = client_for(world, "industry").get(URL, {"year": YEAR})
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()}
    assert set(rows) == {t.pk for t in targets.values()}
    assert all(set(row) == KEYS for row in rows.values())
    whole = rows[targets["high_tech"].pk]
    assert whole["indicator"] == "国家级高新技术企业"
    assert whole["indicator_code"] == "high-tech-new"
    assert (whole["value"], whole["bound"], whole["unit"]) == ("30.0000", "at_least", "家")
    assert whole["parent"] is None
    assert whole["value_high"] is None
    assert whole["status"] in {"green", "yellow", "red", "grey"}
    assert isinstance(whole["expected"], str)
    assert 0 <= Decimal(whole["expected"]) <= 1
    part = rows[targets["part_a"].pk]
    assert part["parent"] == targets["high_tech"].pk
    assert part["responsible_unit"] == world.town_a_unit.pk
    assert part["region"] == world.town_a.code
    growth = rows[targets["growth"].pk]
    assert (growth["value"], growth["value_high"]) == ("5.0000", "6.0000")
    # Nothing reported yet: no measured value, so grey without progress or forecast.
    assert (growth["measured"], growth["progress"], growth["status"]) == (None, None, "grey")


def test_reported_value_is_measured_with_progress_over_value(world: Any) -> None:
    today = timezone.localdate()
    growth = board(world, year=today.year)["growth"]
    services.report_value(
        actor=world.user("stats"),
        indicator=growth.indicator,
        region_code=world.county.code,
        month=today.replace(day=1),
        value=Decimal("5.5"),
        evidence="统计局月报",
    )
    response = client_for(world, "leader").get(URL, {"year": today.year})
    row = next(r for r in response.json() if r["id"] == growth.pk)
    # A rate is measured by its latest report and compared with the range's lower value.
    assert (row["measured"], row["progress"]) == ("5.5000", "1.1000")
    assert row["status"] != "grey"
    assert row["forecast"] == "5.5000"


def test_other_years_are_absent_and_year_defaults_to_this_year(world: Any) -> None:
    board(world, year=YEAR)
    this_year = timezone.localdate().year
    response = client_for(world, "industry").get(URL, {"year": 2019})
    assert response.json() == []
    default = client_for(world, "industry").get(URL).json()
    assert len(default) == (4 if this_year == YEAR else 0)


@pytest.mark.parametrize("year", ["abc", "1999", "20260", "-1"])
def test_bad_year_is_400(world: Any, year: str) -> None:
    response = client_for(world, "industry").get(URL, {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


def test_town_sees_its_own_part_only(world: Any) -> None:
    targets = board(world)
    response = client_for(world, "town_a").get(URL, {"year": YEAR})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [targets["part_a"].pk]


def test_park_without_parts_sees_nothing(world: Any) -> None:
    board(world)
    response = client_for(world, "park").get(URL, {"year": YEAR})
    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("persona", ["bank", "judge", "auditor"])
def test_roles_without_scope_are_refused(world: Any, persona: str) -> None:
    board(world)
    response = client_for(world, persona).get(URL, {"year": YEAR})
    assert response.status_code == 403


def test_anonymous_is_refused(world: Any) -> None:
    assert APIClient().get(URL).status_code in (401, 403)
