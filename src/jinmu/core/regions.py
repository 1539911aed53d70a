"""Region codes (GB/T 2260, towns with 9 digits): how settings are inherited up the tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def ancestor_codes(code: str) -> list[str]:
    """The code and those of the regions above it, nearest first: a town's county, then the
    city and the province; this is the order in which per-region settings are looked up."""
    candidates = [code]
    if len(code) > 6:
        candidates.append(code[:6])
    if len(code) >= 6:
        candidates += [code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(candidates))


def nearest_rows(queryset: Any, codes: Iterable[str]) -> dict[str, Any]:
    """For each region code, the row of `queryset` (a per-region settings model) of the
    region itself or else of its nearest ancestor, None when there is none; one query."""
    wanted = {code: ancestor_codes(code) for code in codes}
    every = {candidate for candidates in wanted.values() for candidate in candidates}
    rows = {row.region_id: row for row in queryset.filter(region_id__in=every)}
    return {
        code: next((rows[c] for c in candidates if c in rows), None)
        for code, candidates in wanted.items()
    }
