"""The demo county: Ningjin (宁津县) with its towns, parks, offices, seven chains and ~3,000 firms.

An app at the top of the stack: it imports every other app and none imports it. `jinmu demo`
calls `build_demo()`; a scale benchmark can call `prepare_world()` and then
`generate_enterprises(300_000, …)`.

- `data/`: the county as data files (ningjin.json, chains.json, projects.json), read by
  `datafiles`
- `ningjin`: the static picture (towns, units, parks, chain node trees, partners, users)
- `names`: word lists and makers for fictional firm and person names, credit codes
- `world`: regions, units, users, chains and nodes in the database (idempotent)
- `enterprises`: the bulk generator of firms, figures, qualifications and chain links
- `projects`: the project ledger (key, attraction, renovation, bond, challenge projects)
- `targets`: the year's targets read from the article, decomposed and measured
- `build`: the whole demo in one transaction, and the login table
- `management/commands/demo.py`: the `jinmu demo` command

The names below are loaded on first use: Django imports this package while it loads the apps,
before models may be imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "DEFAULT_ENTERPRISES": "jinmu.demo.build",
    "DEFAULT_SEED": "jinmu.demo.build",
    "DemoSummary": "jinmu.demo.build",
    "build_demo": "jinmu.demo.build",
    "format_logins": "jinmu.demo.build",
    "has_enterprises": "jinmu.demo.build",
    "login_rows": "jinmu.demo.build",
    "GenerationResult": "jinmu.demo.enterprises",
    "generate_enterprises": "jinmu.demo.enterprises",
    "DEMO_PASSWORD": "jinmu.demo.ningjin",
    "DemoContext": "jinmu.demo.world",
    "prepare_world": "jinmu.demo.world",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a demo name from its module when it is first asked for."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'jinmu.demo' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
