"""Target forms: hostile input is refused on its field, never a 500 or a CPU burn; a part's and a
decomposed whole's inherited fields are locked; an edit needs its version; the holders a
decomposition offers follow the service's rule."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jinmu.core.tests.factories import town
from jinmu.targets.forms.parts import holder_choices
from jinmu.targets.forms.report import MonthField, ReportValueForm
from jinmu.targets.forms.target import (
    DECOMPOSED_LOCKED_FIELDS,
    PART_INHERITED_FIELDS,
    SharesField,
    TargetForm,
    bounded_int,
)
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory, part_of


@pytest.mark.parametrize(
    "text",
    ["1e300000", "1E+999999999", "-0.1", "1.5", "10", "NaN", "sNaN", "Infinity", "-Inf", "0.5e1"],
)
def test_a_share_outside_0_to_1_is_refused_without_converting_it(text: str) -> None:
    # given
    field = SharesField(required=False)

    # when
    started = time.monotonic()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        field.clean(f"0.1, {text}, 1")
    with translation.override("en"):
        message = " ".join(caught.value.messages)

    # then: a field error, quickly (no huge integer was built)
    assert "between 0 and 1" in message
    assert time.monotonic() - started < 1


def test_shares_between_0_and_1_are_kept_as_json_numbers() -> None:
    assert SharesField(required=False).clean("0, 0.05，0.5、1.0; 1") == [0, 0.05, 0.5, 1, 1]
    assert SharesField(required=False).clean("  ") is None


@pytest.mark.parametrize(
    ("text", "low", "high", "expected"),
    [
        ("2026", 2000, 2100, 2026),
        (" 2026 ", 2000, 2100, 2026),
        ("²", 2000, 2100, None),
        ("２０２６", 2000, 2100, None),
        ("٢٠٢٦", 2000, 2100, None),
        ("1999", 2000, 2100, None),
        ("9" * 5000, 2000, 2100, None),
        ("-2026", 2000, 2100, None),
        ("", 2000, 2100, None),
        (None, 2000, 2100, None),
    ],
)
def test_bounded_int_takes_only_ascii_digits_in_range(
    text: str | None, low: int, high: int, expected: int | None
) -> None:
    assert bounded_int(text, low, high) == expected


@pytest.mark.parametrize("text", ["0000-05", "1999-12", "2101-01", "9999-01"])
def test_a_month_outside_2000_to_2100_is_a_field_error(text: str) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        MonthField().clean(text)
    with translation.override("en"):
        assert "between 2000 and 2100" in " ".join(caught.value.messages)


def test_a_month_in_range_is_its_first_day() -> None:
    assert f"{MonthField().clean('2026-6'):%Y-%m-%d}" == "2026-06-01"


def test_report_form_with_year_zero_is_invalid_not_a_crash(world: Any) -> None:
    # given
    IndicatorFactory(code="industrial-value-added-growth")
    data = {
        "indicator": "industrial-value-added-growth",
        "month": "0000-05",
        "value": "1",
        "evidence": "x",
    }

    # when
    form = ReportValueForm(data, user=world.user("industry"))

    # then
    assert not form.is_valid()
    assert list(form.errors) == ["month"]


def test_a_part_locks_every_field_it_inherits(world: Any) -> None:
    # given
    whole = TargetFactory()
    part = part_of(whole, value=10, region=world.town_a)

    # when
    form = TargetForm(user=world.user("industry"), instance=part)

    # then
    disabled = {name for name, field in form.fields.items() if field.disabled}
    assert disabled == set(PART_INHERITED_FIELDS)


def test_a_decomposed_whole_locks_what_its_parts_share(world: Any) -> None:
    # given
    whole = TargetFactory()
    plain = TargetFactory()
    part_of(whole, value=10, region=world.town_a)

    # when
    decomposed = TargetForm(user=world.user("industry"), instance=whole)
    undecomposed = TargetForm(user=world.user("industry"), instance=plain)

    # then
    assert {n for n, f in decomposed.fields.items() if f.disabled} == set(DECOMPOSED_LOCKED_FIELDS)
    assert not any(f.disabled for f in undecomposed.fields.values())


def test_a_posted_part_keeps_its_inherited_values(world: Any) -> None:
    # given
    whole = TargetFactory(front="innovation")
    part = part_of(whole, value=10, region=world.town_a)
    data = {
        "indicator": "little-giant-new",
        "name": "另一个名字",
        "year": "2027",
        "period": "h1",
        "value": "12",
        "bound": "at_most",
        "unit": "个",
        "condition": "新条件",
        "front": "clusters",
        "action": "scale",
        "version": "1",
    }

    # when
    form = TargetForm(data, user=world.user("industry"), instance=part)

    # then: the value changes, the inherited fields stay the whole's
    assert form.is_valid(), form.errors
    cleaned = form.service_data()
    assert cleaned["value"] == Decimal(12)
    assert cleaned["indicator"].pk == "high-tech-new"
    assert (cleaned["name"], cleaned["year"], cleaned["period"]) == (whole.name, 2026, "year")
    assert (cleaned["bound"], cleaned["unit"], cleaned["front"]) == (
        "at_least",
        whole.unit,
        "innovation",
    )
    assert (cleaned["condition"], cleaned["action"]) == ("", "")


def test_an_edit_needs_its_version_a_new_target_does_not(world: Any) -> None:
    # given
    target = TargetFactory()
    data = {
        "indicator": "high-tech-new",
        "name": "国家级高新技术企业",
        "year": "2026",
        "period": "year",
        "value": "35",
        "bound": "at_least",
        "unit": "家",
        "additive": "on",
    }

    # when
    edit = TargetForm(data, user=world.user("industry"), instance=target)
    create = TargetForm(data, user=world.user("industry"))

    # then
    assert not edit.is_valid()
    assert list(edit.errors) == ["__all__"]  # shown above the form: the field is hidden
    assert "version" not in edit.errors
    assert create.is_valid(), create.errors


def test_a_town_targets_holders_follow_the_services_county_rule(world: Any) -> None:
    # given: a target of 大曹镇 (its region is a town, whose own prefix is its whole code)
    target = TargetFactory(region=world.town_a)
    elsewhere = town("110101001", "东华门街道")

    # when
    values = [
        value
        for _label, group in holder_choices(target, world.user("industry"))[1:]
        for value, _name in group
    ]

    # then: the county's other towns, as `services.decompose` takes them; not itself
    assert f"town:{world.town_b.code}" in values
    assert f"town:{world.town_a.code}" not in values
    assert f"town:{elsewhere.code}" not in values
