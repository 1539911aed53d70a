"""Factories for enterprises, figures and qualifications (valid credit codes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from jinmu.core.tests.factories import county
from jinmu.core.validators import uscc_check_character
from jinmu.enterprises import extensions
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification, QualificationKind


def make_uscc(n: int, region: str = "371422") -> str:
    """A valid credit code (企业, 工商 registration) with serial number `n`."""
    first17 = f"91{region}{n:09d}"
    return first17 + uscc_check_character(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An operating enterprise in the county."""

    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(100000 + n))
    name = factory.Sequence(lambda n: f"宁津测试健身器材有限公司{n}")
    region = factory.LazyFunction(county)
    status = "operating"
    scale = "below"


class AnnualFiguresFactory(factory.django.DjangoModelFactory):
    """One year's figures."""

    class Meta:
        model = AnnualFigures

    enterprise = factory.SubFactory(EnterpriseFactory)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    year = 2025
    operating_revenue = Decimal("30000000.00")
    industrial_output = Decimal("28000000.00")
    tax_paid = Decimal("1200000.00")
    employees = 120

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        """Save, then tell the extensions (chain-node statistics) as `save_annual_figures` does."""
        figures = super()._create(model_class, *args, **kwargs)
        extensions.enterprises_changed([figures.enterprise_id], counts_changed=True)
        return figures


class QualificationKindFactory(factory.django.DjangoModelFactory):
    """A qualification kind (get-or-create by code)."""

    class Meta:
        model = QualificationKind
        django_get_or_create = ("code",)

    code = "high-tech"
    name = "国家高新技术企业"
    default_level = "national"
    validity_years = 3


class QualificationFactory(factory.django.DjangoModelFactory):
    """A qualification granted a year ago, valid three years."""

    class Meta:
        model = Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    kind = factory.SubFactory(QualificationKindFactory)
    level = "national"
    granted_on = dt.date(2025, 1, 1)
    valid_until = dt.date(2027, 12, 31)

    @classmethod
    def _adjust_kwargs(cls, **kwargs: Any) -> dict[str, Any]:
        return kwargs
