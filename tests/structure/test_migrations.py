"""Migrations are frozen: each carries the data and code it runs, so a later change to a model
or a helper cannot break a fresh install, and every migration has a name of its own."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "jinmu"
MIGRATIONS = sorted(SRC.glob("*/migrations/0*.py"))


def _imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any depth (functions included)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_there_are_migrations_to_check() -> None:
    """The glob finds the apps' migrations (a moved tree would make the next test vacuous)."""
    assert len(MIGRATIONS) > 20


def test_no_data_migration_imports_the_project_code() -> None:
    """A data migration that calls live code breaks fresh installs when that code changes.
    (Schema migrations name validators and defaults by import path, as Django writes them.)"""
    data_migrations = [path for path in MIGRATIONS if "RunPython" in path.read_text("utf-8")]
    assert len(data_migrations) >= 4
    offenders = {
        f"{path.parent.parent.name}/{path.name}": module
        for path in data_migrations
        for module in _imported_modules(path)
        if module == "jinmu" or module.startswith("jinmu.")
    }
    assert offenders == {}


def test_migration_names_are_unique_across_apps_except_the_first() -> None:
    """Two `0002_initial` read as one in a list of applied migrations; only 0001 may repeat."""
    names = Counter(path.stem for path in MIGRATIONS if not path.stem.startswith("0001_"))
    assert [name for name, count in names.items() if count > 1] == []
