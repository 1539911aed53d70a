"""Factories for targets: catalogue indicators and targets."""

from __future__ import annotations

import datetime as dt
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


def part_of(parent: Target, *, value: Any, **fields: Any) -> Target:
    """A part of a target (decomposition) held by a town, park, chain or department: it keeps
    the parent's indicator, name, year, period, unit, bound, front and action."""
    inherited = {
        name: getattr(parent, name)
        for name in ("indicator", "name", "year", "period", "unit", "bound", "front", "action")
    }
    inherited.setdefault("region", parent.region)
    part: Target = TargetFactory(parent=parent, value=Decimal(value), **{**inherited, **fields})
    return part


class TargetSnapshotFactory(factory.django.DjangoModelFactory):
    """A target's state at the end of June 2026 (20 of 30, 序时 about half: green)."""

    class Meta:
        model = "targets.TargetSnapshot"

    target = factory.SubFactory(TargetFactory)
    month = dt.date(2026, 6, 30)
    measured = Decimal(20)
    expected = Decimal("0.4959")
    progress = Decimal("0.6667")
    status = "green"
    forecast = Decimal("40.33")


class ReportedValueFactory(factory.django.DjangoModelFactory):
    """A department's value of the county's 规上工业增加值增速 for June 2026."""

    class Meta:
        model = "targets.ReportedValue"

    indicator = factory.SubFactory(IndicatorFactory, code="industrial-value-added-growth")
    region = factory.LazyFunction(county)
    month = dt.date(2026, 6, 1)
    value = Decimal("6.5")
    evidence = "县统计局2026年6月统计月报"
