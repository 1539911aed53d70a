"""Factories for targets: catalogue indicators and targets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from jinmu.core.tests.factories import county
from jinmu.targets.catalogue import CATALOGUE
from jinmu.targets.models import Indicator, Target


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A catalogue indicator by code (got from the catalogue migration, or created from the
    catalogue row); an unknown code makes a custom measured indicator."""

    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = "high-tech-new"
    name = factory.LazyAttribute(lambda o: _row_field(o.code, "name", f"测试指标{o.code}"))
    unit = factory.LazyAttribute(lambda o: _row_field(o.code, "unit", "个"))
    aggregation = factory.LazyAttribute(lambda o: _row_field(o.code, "aggregation", "cumulative"))
    source = factory.LazyAttribute(lambda o: _row_field(o.code, "source", "measured"))
    measure = factory.LazyAttribute(
        lambda o: _row_field(o.code, "measure", "qualification_granted")
    )
    params = factory.LazyAttribute(lambda o: _row_field(o.code, "params", {"kind": "high-tech"}))
    synonyms = factory.LazyAttribute(lambda o: list(_row_field(o.code, "synonyms", ())))
    reported_by = factory.LazyAttribute(lambda o: _row_field(o.code, "reported_by", ""))


def _row_field(code: str, name: str, default: Any) -> Any:
    """A field of the catalogue row with the code, or the default for a custom indicator."""
    for row in CATALOGUE:
        if row.code == code:
            return getattr(row, name)
    return default


class TargetFactory(factory.django.DjangoModelFactory):
    """A whole-year county target of 30 new high-tech enterprises."""

    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    region = factory.LazyFunction(county)
    name = factory.LazyAttribute(lambda o: o.indicator.name)
    year = 2026
    period = "year"
    value = Decimal(30)
    bound = "at_least"
    unit = factory.LazyAttribute(lambda o: o.indicator.unit)
