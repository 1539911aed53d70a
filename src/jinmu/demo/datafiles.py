"""Read the demo's data files: the JSON under `jinmu/demo/data/` (shipped as package data).

The files hold what the demo county *is* (towns, units, chains, people, project lists); the
modules next to them turn it into rows. `record` makes a frozen spec from one JSON object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

DATA_DIR = Path(__file__).resolve().parent / "data"

T = TypeVar("T")


def load(name: str) -> Any:
    """The parsed content of data/<name>."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def record(make: Callable[..., T], raw: Mapping[str, Any]) -> T:
    """A spec from a JSON object: keys are field names, lists become tuples."""
    return make(**{key: tuple(v) if isinstance(v, list) else v for key, v in raw.items()})


def records(make: Callable[..., T], raws: list[Mapping[str, Any]]) -> tuple[T, ...]:
    """`record` for each object of a list."""
    return tuple(record(make, raw) for raw in raws)
