"""The register's kept select options live in `jinmu.core.options` (the project ledger's filters
keep theirs the same way); re-exported for the modules that import them from here."""

from __future__ import annotations

from jinmu.core.options import (
    OPTIONS_TIMEOUT,
    Generations,
    ScopedOptionsFilter,
    generations,
    remembered,
    scope_key,
    visible_key,
    watch,
)

__all__ = [
    "OPTIONS_TIMEOUT",
    "Generations",
    "ScopedOptionsFilter",
    "generations",
    "remembered",
    "scope_key",
    "visible_key",
    "watch",
]
