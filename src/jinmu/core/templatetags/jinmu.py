"""Template filters for county conventions: money in 万元 and 亿元, dates as YYYY-MM-DD."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

TEN_THOUSAND = Decimal(10_000)
HUNDRED_MILLION = Decimal(100_000_000)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def wan(value: Any, places: int = 2) -> str:
    """Yuan shown in 万元 with thousands separators: 12345678 → '1,234.57'."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{amount / TEN_THOUSAND:,.{int(places)}f}"


@register.filter
def yi(value: Any, places: int = 2) -> str:
    """Yuan shown in 亿元: 29130000000 → '291.30'."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{amount / HUNDRED_MILLION:,.{int(places)}f}"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ mapping|get_item:key }}` for dict lookups with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
