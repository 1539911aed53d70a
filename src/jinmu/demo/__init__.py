"""The demo county: Ningjin (宁津县) with its towns, parks, offices, seven chains and ~3,000 firms.

Plain modules, not a Django app (no models). `jinmu demo` calls `build_demo()`; a scale
benchmark can call `prepare_world()` and then `generate_enterprises(300_000, …)`.

- `ningjin`: the static picture (towns, units, parks, chain node trees, partners, users)
- `names`: word lists and makers for fictional firm and person names, credit codes
- `world`: regions, units, users, chains and nodes in the database (idempotent)
- `enterprises`: the bulk generator of firms, figures, qualifications and chain links
- `build`: the whole demo in one transaction, and the login table
"""

from __future__ import annotations

from jinmu.demo.build import (
    DEFAULT_ENTERPRISES,
    DEFAULT_SEED,
    DemoSummary,
    build_demo,
    format_logins,
    has_enterprises,
    login_rows,
)
from jinmu.demo.enterprises import GenerationResult, generate_enterprises
from jinmu.demo.ningjin import DEMO_PASSWORD
from jinmu.demo.world import DemoContext, prepare_world

__all__ = [
    "DEFAULT_ENTERPRISES",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "DemoContext",
    "DemoSummary",
    "GenerationResult",
    "build_demo",
    "format_logins",
    "generate_enterprises",
    "has_enterprises",
    "login_rows",
    "prepare_world",
]
