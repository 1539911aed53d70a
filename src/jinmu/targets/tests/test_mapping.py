"""Mapping extracted goals onto the indicator catalogue by name and unit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from jinmu.targets.mapping import match_indicator, unit_factor, unit_fits
from jinmu.targets.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "unit", "code"),
    [
        ("国家级高新技术企业", "家", "high-tech-new"),
        ("高企", "个", "high-tech-new"),
        ("上云企业", "家", "cloud-new"),
        ("投资500万元以上技改项目", "项", "renovation-500w"),
        ("过10亿元项目", "个", "attraction-1b"),
        ("过亿元项目", "个", "attraction-100m"),
        ("重点项目总投资", "亿元", "key-projects-county-investment"),
        ("重点项目总投资", "万元", "key-projects-county-investment"),
        ("重点项目", "个", "key-projects-county"),
        ("规上工业增加值增速", "%", "industrial-value-added-growth"),
    ],
)
def test_longest_fitting_synonym_wins(name: str, unit: str, code: str) -> None:
    indicator = match_indicator(name, unit)
    assert indicator is not None
    assert indicator.code == code


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("国家级高新技术企业", "亿元"),  # money is no count of enterprises
        ("规上工业增加值增速", "家"),
        ("上云企业", "%"),
        ("新建标准厂房", "万平方米"),  # nothing of the catalogue
        ("国家级高新技术企业", ""),
    ],
)
def test_no_match(name: str, unit: str) -> None:
    assert match_indicator(name, unit) is None


def test_unit_fits_by_family() -> None:
    high_tech = Indicator.objects.get(code="high-tech-new")
    investment = Indicator.objects.get(code="investment-completed")
    assert unit_fits(high_tech, "个")
    assert unit_fits(high_tech, "项")
    assert not unit_fits(high_tech, "万元")
    assert unit_fits(investment, "万元")
    assert not unit_fits(investment, "%")


def test_conversion_factor() -> None:
    assert unit_factor("万元", "亿元") == Decimal("0.0001")
    assert unit_factor("亿元", "万元") == Decimal(10000)
    assert unit_factor("家", "个") == 1
    with pytest.raises(ValueError, match="not convertible"):
        unit_factor("家", "亿元")


def test_inactive_indicator_is_not_matched(db: Any) -> None:
    Indicator.objects.filter(code="cloud-new").update(is_active=False)
    assert match_indicator("上云企业", "家") is None


def test_a_catalogue_read_once_is_matched_without_queries(
    django_assert_num_queries: Any,
) -> None:
    catalogue = list(Indicator.objects.filter(is_active=True))
    with django_assert_num_queries(0):
        found = [
            match_indicator(name, unit, catalogue)
            for name, unit in [("国家级高新技术企业", "家"), ("上云企业", "家"), ("绿色工厂", "家")]
        ]
    assert [indicator.code if indicator else None for indicator in found] == [
        "high-tech-new",
        "cloud-new",
        None,
    ]
    # The catalogue given is the one searched: an indicator left out of it is not matched.
    without_cloud = [indicator for indicator in catalogue if indicator.code != "cloud-new"]
    assert match_indicator("上云企业", "家", without_cloud) is None
