"""What a measure reads and gives: rows of measured things with what decides whether a
target's scope counts them, the items behind a number, and measured results (the types of
`jinmu.targets.measures`, which names them too)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from jinmu.core.choices import UnitKind
from jinmu.targets.models import Target


@dataclass(frozen=True)
class Item:
    """One measured thing behind a number (an enterprise certified, a project signed …)."""

    id: int
    name: str
    date: dt.date
    url_name: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class MeasureResult:
    """A measured value (None when there is nothing to measure from) and its items."""

    value: Decimal | None
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class MeasureScope:
    """Where a target applies: a region code prefix, and optionally a park or a chain."""

    region_prefix: str
    park_id: int | None = None
    chain_id: int | None = None

    @classmethod
    def of(cls, target: Target) -> MeasureScope:
        """The scope a target's region, park responsible unit and chain describe."""
        unit = target.responsible_unit
        park_id = unit.pk if unit is not None and unit.kind == UnitKind.PARK else None
        return cls(target.region.scope_prefix, park_id, target.chain_id)


@dataclass(frozen=True)
class Row:
    """One measured thing with what decides whether a scope and window count it."""

    key: int
    date: dt.date
    region_id: str
    park_id: int | None
    chain_ids: frozenset[int]
    amount: Decimal
    item: Item

    def in_scope(self, scope: MeasureScope) -> bool:
        """Whether the row lies in the scope's region, park and chain."""
        if not self.region_id.startswith(scope.region_prefix):
            return False
        if scope.park_id is not None and self.park_id != scope.park_id:
            return False
        return scope.chain_id is None or scope.chain_id in self.chain_ids
