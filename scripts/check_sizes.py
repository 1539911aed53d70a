"""Fail when a Python module passes 600 lines: split it along its seams (conventions: a module
a reader can hold in mind). Migrations are generated and data files are not modules."""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 600
ROOTS = ("src", "tests", "bench", "scripts")


def oversized(root: Path) -> list[tuple[int, Path]]:
    """Every .py file under the roots with more than LIMIT lines, largest first."""
    found = []
    for top in ROOTS:
        for path in (root / top).rglob("*.py"):
            if "migrations" in path.parts or ".venv" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                found.append((lines, path.relative_to(root)))
    return sorted(found, reverse=True)


def main() -> int:
    """Print the oversized modules; exit 1 if there are any."""
    found = oversized(Path(__file__).resolve().parent.parent)
    for lines, path in found:
        print(f"{path}: {lines} lines (limit {LIMIT})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
