"""Money and number text, written once: every page, export and bulletin shows an amount the
same way.

Amounts are stored in yuan (Decimal). The county reads them in 万元 (and the largest in 亿元),
rounded half up to two places, as the Finance Bureau's tables do: 123,450,050 元 is 12,345.01
万元 everywhere, never 12,345.00 on one page and 12,345.01 in the bulletin.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

WAN = Decimal(10_000)  # 1 万元 in yuan
YI = Decimal(100_000_000)  # 1 亿元 in yuan
DASH = "—"  # shown where an amount is missing


def as_decimal(value: Any) -> Decimal | None:
    """A Decimal from a number or numeric text; None for empty or unreadable input."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-int(places))


def in_wan(yuan: Any, places: int = 2) -> Decimal | None:
    """Yuan as a 万元 number rounded half up (for spreadsheets and charts)."""
    amount = as_decimal(yuan)
    if amount is None:
        return None
    return (amount / WAN).quantize(_step(places), rounding=ROUND_HALF_UP)


def in_yi(yuan: Any, places: int = 2) -> Decimal | None:
    """Yuan as a 亿元 number rounded half up."""
    amount = as_decimal(yuan)
    if amount is None:
        return None
    return (amount / YI).quantize(_step(places), rounding=ROUND_HALF_UP)


def from_wan(wan: Any) -> Decimal | None:
    """An amount entered in 万元, in yuan (exact)."""
    amount = as_decimal(wan)
    return None if amount is None else amount * WAN


def rounded(value: Any, places: int = 2) -> Decimal | None:
    """A number rounded half up to `places` decimals; None when missing."""
    amount = as_decimal(value)
    if amount is None:
        return None
    return amount.quantize(_step(places), rounding=ROUND_HALF_UP)


def share_as_percent(share: Any, places: int = 1) -> Decimal | None:
    """A share (0–1) as a percentage rounded half up: 0.87345 → 87.3; None when missing."""
    amount = as_decimal(share)
    return None if amount is None else rounded(amount * 100, places)


def plain_text(value: Any, places: int = 2) -> str:
    """A number rounded half up, without trailing zeros or separators (30, 291.3); a dash when
    missing."""
    amount = rounded(value, places)
    if amount is None:
        return DASH
    text = format(amount.normalize(), "f")
    return "0" if text in ("-0", "") else text


def number_text(value: Any, places: int = 2) -> str:
    """A number with thousands separators, rounded half up; a dash when missing."""
    amount = as_decimal(value)
    if amount is None:
        return DASH
    return f"{amount.quantize(_step(places), rounding=ROUND_HALF_UP):,.{int(places)}f}"


def wan_text(yuan: Any, places: int = 2) -> str:
    """Yuan as 万元 text: 123450050 → '12,345.01'; a dash when missing."""
    return number_text(in_wan(yuan, places), places)


def yi_text(yuan: Any, places: int = 2) -> str:
    """Yuan as 亿元 text: 29130000000 → '291.30'; a dash when missing."""
    return number_text(in_yi(yuan, places), places)


def wan_text_exact(yuan: Any) -> str:
    """Yuan as 万元 text without rounding (at least two places), for a sentence comparing an
    amount with a threshold: rounding could show an amount a few yuan short as equal to it."""
    amount = as_decimal(yuan)
    if amount is None:
        return DASH
    text = f"{amount / WAN:,.6f}".rstrip("0")
    whole, _dot, decimals = text.partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def percent_text(value: Any, places: int = 2) -> str:
    """A percentage (already ×100) with two places: 12.345 → '12.35%'; a dash when missing."""
    amount = as_decimal(value)
    if amount is None:
        return DASH
    return f"{amount.quantize(_step(places), rounding=ROUND_HALF_UP):.{int(places)}f}%"
