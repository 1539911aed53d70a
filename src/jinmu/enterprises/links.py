"""Addresses of records by primary key, for lists that link every row.

`reverse()` walks the URL resolver on each call (about 20 µs); a chain page links a hundred
nodes and enterprises, a register page every firm on it. A record's address is its URL
pattern with the key put in, so the pattern is reversed once per URL name, script prefix,
URLconf and language, and each row only fills in its key. (A helper of this kind belongs in
`jinmu.core`; it lives here, the lowest app that links rows, until it moves there.)
"""

from __future__ import annotations

from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# A key no table reaches, so that it occurs once in the reversed address.
_MARK = 918273645546372819
_PATTERNS: dict[tuple[str, str, Any, str | None], tuple[str, str]] = {}


def record_url(viewname: str, pk: int) -> str:
    """`reverse(viewname, args=[pk])` for a view of one whole-number key, without the
    resolver walk after the first call."""
    key = (viewname, get_script_prefix(), get_urlconf(), get_language())
    parts = _PATTERNS.get(key)
    if parts is None:
        head, _mark, tail = reverse(viewname, args=[_MARK]).rpartition(str(_MARK))
        parts = _PATTERNS[key] = (head, tail)
    return f"{parts[0]}{int(pk)}{parts[1]}"
