"""Template filters for county conventions: money in 万元 and 亿元 (jinmu.core.money, the one
formatter pages, exports and bulletins share), dict lookups."""

from __future__ import annotations

from typing import Any

from django import template

from jinmu.core import money

register = template.Library()

# Tabler colour names (badge bg-*, status-*) of the traffic-light values that project lights
# and target statuses share: green, yellow, red, and grey for no data.
TRAFFIC_TABLER: dict[str, str] = {
    "red": "red",
    "yellow": "yellow",
    "green": "green",
    "grey": "secondary",
}


@register.filter
def wan(value: Any, places: int = 2) -> str:
    """Yuan shown in 万元 with thousands separators: 12345678 → '1,234.57'."""
    return money.wan_text(value, int(places))


@register.filter
def yi(value: Any, places: int = 2) -> str:
    """Yuan shown in 亿元: 29130000000 → '291.30'."""
    return money.yi_text(value, int(places))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ mapping|get_item:key }}` for dict lookups with a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
