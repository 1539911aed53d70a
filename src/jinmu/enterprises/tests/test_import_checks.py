"""The import checks each row with `ModelCheck`, which must say exactly what the model's own
`full_clean` says: the same fields, the same messages, the same cleaned values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from jinmu.core.imports import ModelCheck
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.factories import make_uscc

EXCLUDE = ["uscc", "region", "park", "industry"]
FUTURE = dt.date.today() + dt.timedelta(days=30)

CASES: list[dict[str, Any]] = [
    {},  # a valid row
    {"name": ""},
    {"name": "甲" * 201},
    {"name": "甲\n乙"},
    {"name": "甲\x07乙"},
    {"legal_representative": "张" * 51},
    {"founded_on": FUTURE},
    {"founded_on": dt.date(1800, 1, 1)},
    {"latitude": Decimal("91")},
    {"longitude": Decimal("-181")},
    {"latitude": Decimal("37.1234567")},
    {"scale": "huge"},
    {"status": ""},
    {"scale": "above", "status": "operating"},
    {"contact_phone": "1" * 31, "address": "路\t1号"},
    {"version": -1},
    {"former_names": ["甲厂", "乙厂"]},
    {"name_pinyin": "x\x00"},
    {"name": "", "founded_on": FUTURE, "scale": "huge"},  # several at once
]


def _enterprise(**values: Any) -> Enterprise:
    defaults = {
        "uscc": make_uscc(7),
        "name": "宁津县甲公司",
        "founded_on": dt.date(2015, 3, 8),
        "latitude": Decimal("37.65"),
    }
    return Enterprise(**{**defaults, **values})


def _outcome(check: Any) -> dict[str, list[str]]:
    try:
        check()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.mark.parametrize("values", CASES)
def test_the_import_check_says_what_full_clean_says(values: dict[str, Any]) -> None:
    # given: the same row twice
    by_model, by_import = _enterprise(**values), _enterprise(**values)

    # when
    expected = _outcome(
        lambda: by_model.full_clean(
            exclude=EXCLUDE, validate_unique=False, validate_constraints=False
        )
    )
    found = _outcome(lambda: ModelCheck(Enterprise).full_clean(by_import, EXCLUDE))

    # then: the same errors, and the same values left on the object
    assert found == expected
    assert [getattr(by_import, f.attname) for f in Enterprise._meta.fields] == [
        getattr(by_model, f.attname) for f in Enterprise._meta.fields
    ]


def test_a_valid_row_passes_and_a_bad_one_names_its_field() -> None:
    check = ModelCheck(Enterprise)

    check.full_clean(_enterprise(), EXCLUDE)
    with pytest.raises(ValidationError) as caught:
        check.full_clean(_enterprise(name="甲\n乙", scale="huge"), EXCLUDE)

    assert set(caught.value.message_dict) == {"name", "scale"}


def test_excluded_fields_are_not_checked() -> None:
    ModelCheck(Enterprise).full_clean(_enterprise(name="甲\n乙"), [*EXCLUDE, "name"])
