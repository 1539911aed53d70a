"""Region codes (GB/T 2260, towns with 9 digits): how settings are inherited up the tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # core.models imports this module
    from jinmu.core.models import User

COUNTY_CODE_LENGTH = 6


def county_code(code: str) -> str:
    """The county part of a region code: a town's 9 digits or a county's own 6 give its 6-digit
    county code. The one place that knows a county is the first six digits."""
    return str(code)[:COUNTY_CODE_LENGTH]


def county_code_of(user: User) -> str:
    """The county code of a user's region (or of their unit's region); "" when they have none."""
    region = user.region
    if region is None and user.unit is not None:
        region = user.unit.region
    return "" if region is None else county_code(region.code)


def ancestor_codes(code: str) -> list[str]:
    """The code and those of the regions above it, nearest first: a town's county, then the
    city and the province; this is the order in which per-region settings are looked up."""
    candidates = [code]
    if len(code) > 6:
        candidates.append(county_code(code))
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
