"""Map an extracted goal onto the indicator catalogue by its name and unit."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from jinmu.core.money import WAN, YI
from jinmu.targets.models import Indicator

# Units that measure the same kind of quantity, with each one's size in the family's base unit.
# Counts of enterprises, projects and items are interchangeable (a policy text writes 家 for
# enterprises and 个 or 项 for projects without a difference in meaning).
UNIT_FAMILIES: dict[str, dict[str, Decimal]] = {
    "count": {"家": Decimal(1), "个": Decimal(1), "项": Decimal(1)},
    "money": {"元": Decimal(1), "万元": WAN, "亿元": YI},
    "percent": {"%": Decimal(1)},
}


def unit_family(unit: str) -> str:
    """The family of a unit; a unit outside every family is its own family."""
    unit = unit.strip()
    for family, members in UNIT_FAMILIES.items():
        if unit in members:
            return family
    return unit


def unit_factor(from_unit: str, to_unit: str) -> Decimal:
    """The factor turning a value in `from_unit` into `to_unit` (e.g. 万元 → 亿元: 0.0001);
    raises ValueError when the two units do not measure the same quantity."""
    family = unit_family(from_unit)
    if family != unit_family(to_unit):
        raise ValueError(f"{from_unit!r} and {to_unit!r} are not convertible")
    members = UNIT_FAMILIES.get(family)
    if members is None:
        return Decimal(1)
    return members[from_unit.strip()] / members[to_unit.strip()]


def unit_fits(indicator: Indicator, unit: str) -> bool:
    """True when a value written in `unit` can be compared with the indicator's."""
    return bool(unit.strip()) and unit_family(unit) == unit_family(indicator.unit)


def indicator_names(indicator: Indicator) -> list[str]:
    """The indicator's name and synonyms, the names a policy text may use for it."""
    names = [indicator.name, *(str(s) for s in indicator.synonyms or [])]
    return [name for name in names if name]


def match_indicator(
    name: str, unit: str, indicators: Sequence[Indicator] | None = None
) -> Indicator | None:
    """The active indicator whose longest name or synonym occurs in the goal's `name` and
    whose unit fits `unit`; None when none does.

    `indicators` is the active catalogue when the caller has read it already (matching many
    goals reads it once); without it the catalogue is read here."""
    if indicators is None:
        indicators = list(Indicator.objects.filter(is_active=True))
    best: tuple[int, str, Indicator] | None = None
    for indicator in indicators:
        if not unit_fits(indicator, unit):
            continue
        for synonym in indicator_names(indicator):
            if synonym in name:
                # Ties between equally long synonyms go to the smaller code, so the choice is
                # the same on every run.
                key = (len(synonym), indicator.code)
                if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] < best[1]):
                    best = (key[0], key[1], indicator)
    return best[2] if best else None
