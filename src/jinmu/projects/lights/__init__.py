"""The light engine (红黄绿灯): every project's colour, computed from facts already entered.

`rules` evaluates a project's light from its facts (each rule and its exact boundaries are
described there); `refresh` loads those facts, one project or a batch at a time, and stores
the result; `reasons` writes the stored reasons' texts for the day the light is as of
(`shown_reasons`), which `nights` tells (`light_as_of`). Everything callers use is importable
from here.
"""

from __future__ import annotations

from jinmu.projects.lights.nights import light_as_of, with_nights
from jinmu.projects.lights.reasons import shown_reasons
from jinmu.projects.lights.refresh import (
    BATCH_SIZE,
    RefreshStats,
    compute_light,
    monitored_since,
    monitored_since_expression,
    refresh_light,
    refresh_lights,
    refresh_lights_stats,
)
from jinmu.projects.lights.rules import (
    OVERRIDE_RULE,
    LightResult,
    add_months,
    days_in_year,
    evaluate,
    expected_share,
    is_monitored,
    monitored_since_from_history,
    whole_months_between,
    worst_light,
)

__all__ = [
    "BATCH_SIZE",
    "OVERRIDE_RULE",
    "LightResult",
    "RefreshStats",
    "add_months",
    "compute_light",
    "days_in_year",
    "evaluate",
    "expected_share",
    "is_monitored",
    "light_as_of",
    "monitored_since",
    "monitored_since_expression",
    "monitored_since_from_history",
    "refresh_light",
    "refresh_lights",
    "refresh_lights_stats",
    "shown_reasons",
    "whole_months_between",
    "with_nights",
    "worst_light",
]
