"""Model rules of targets: the monthly profile, ranges and the county's status thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jinmu.enterprises.tests.factories import QualificationFactory, QualificationKindFactory
from jinmu.targets.choices import Status
from jinmu.targets.models import Target, TargetSettings, target_settings_for
from jinmu.targets.progress import evaluate
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory


def _errors(target: Target) -> dict[str, list[str]]:
    """The validation errors of a target's clean(), by field."""
    try:
        target.clean()
    except ValidationError as error:
        return dict(error.message_dict)
    return {}


def _target(**fields: Any) -> Target:
    """An unsaved whole-year target of 100."""
    values: dict[str, Any] = {
        "year": 2026,
        "period": "year",
        "value": Decimal(100),
        "bound": "at_least",
    }
    values.update(fields)
    return Target(**values)


@pytest.mark.parametrize(
    ("period", "shares"),
    [
        ("year", [round((m + 1) / 12, 4) for m in range(11)] + [1]),
        ("q2", [0.2, 0.5, 1]),
        ("h1", ["0.1", "0.2", "0.3", "0.5", "0.7", "1"]),
        ("year", None),
        ("year", []),
    ],
)
def test_monthly_profile_accepted(period: str, shares: Any) -> None:
    """One rising share per month of the period, ending at 1, or no profile at all."""
    assert _errors(_target(period=period, monthly_shares=shares)) == {}


@pytest.mark.parametrize(
    ("period", "shares"),
    [
        ("year", [0.5, 1]),  # two months for a year
        ("q1", [0.2, 0.5, 0.9]),  # does not reach 1
        ("q1", [0.5, 0.4, 1]),  # falls
        ("q1", [-0.1, 0.5, 1]),  # below 0
        ("q1", [0.2, 1.5, 1]),  # above 1
        ("q1", ["a", 0.5, 1]),  # not a number
        ("q1", [True, True, True]),  # booleans are not shares
        ("q1", {"1": 0.5}),  # not a list
        ("q1", [0.2, "NaN", 1]),  # not finite
    ],
)
def test_monthly_profile_refused(period: str, shares: Any) -> None:
    """A profile that is not one rising share per month ending at 1 is refused on its field,
    with the number of months the period needs."""
    errors = _errors(_target(period=period, monthly_shares=shares))
    assert list(errors) == ["monthly_shares"]
    months = "12" if period == "year" else "3"
    assert months in errors["monthly_shares"][0]


def test_range_and_profile_errors_reported_together() -> None:
    """Every bad field is reported at once."""
    errors = _errors(_target(bound="range", value_high=None, monthly_shares=[1]))
    assert set(errors) == {"value_high", "monthly_shares"}


@pytest.mark.django_db
def test_settings_inherited_from_county(world: Any) -> None:
    """A town without its own row follows its county's; with no row the defaults apply."""
    assert target_settings_for(world.town_a).pk is None
    assert target_settings_for(world.town_a).yellow_points == 10
    TargetSettings.objects.create(region=world.county, yellow_points=5, red_points=20)
    assert target_settings_for(world.town_a).yellow_points == 5
    TargetSettings.objects.create(region=world.town_a, yellow_points=7, red_points=9)
    assert target_settings_for(world.town_a).red_points == 9
    assert target_settings_for(world.town_b).red_points == 20


@pytest.mark.django_db
def test_settings_clean(world: Any) -> None:
    """Red may not start before yellow, and yellow needs a positive number of points."""
    row = TargetSettings(region=world.county, yellow_points=Decimal(20), red_points=Decimal(10))
    with pytest.raises(ValidationError) as caught:
        row.clean()
    assert set(caught.value.message_dict) == {"red_points"}
    row = TargetSettings(region=world.county, yellow_points=Decimal(0), red_points=Decimal(10))
    with pytest.raises(ValidationError) as caught:
        row.clean()
    assert set(caught.value.message_dict) == {"yellow_points"}


@pytest.mark.django_db
def test_county_thresholds_change_the_status(world: Any) -> None:
    """15 of 30 at the end of September (序时 0.75, 25 points behind) is yellow under the
    defaults and red once the county sets red above 20 points."""
    kind = QualificationKindFactory(code="high-tech")
    for _ in range(15):
        QualificationFactory(kind=kind, granted_on=dt.date(2026, 3, 1))
    target = TargetFactory(indicator=IndicatorFactory(code="high-tech-new"), value=Decimal(30))
    on = dt.date(2026, 9, 30)
    assert evaluate(target, on).status == Status.YELLOW
    TargetSettings.objects.create(region=world.county, yellow_points=5, red_points=20)
    assert evaluate(target, on).status == Status.RED
