"""Region codes (GB/T 2260, towns with 9 digits): how settings are inherited up the tree."""

from __future__ import annotations


def ancestor_codes(code: str) -> list[str]:
    """The code and those of the regions above it, nearest first: a town's county, then the
    city and the province; this is the order in which per-region settings are looked up."""
    candidates = [code]
    if len(code) > 6:
        candidates.append(code[:6])
    if len(code) >= 6:
        candidates += [code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(candidates))
