"""The audit log's hash chain: each row's hash covers its content and the previous row's hash.

`row_digest` is the one definition of a row's hash; migration `core.*_audit_chain_head`
carries a frozen copy (migrations must not import live code), so change both or neither.
`verify_chain` walks the log in id order in bounded memory and names the first broken link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinmu.core.models import AuditChainHead, AuditLog

# The columns a row's hash covers, in the order they are serialised (keys are sorted anyway).
HASHED_FIELDS: tuple[str, ...] = (
    "time",
    "actor_id",
    "actor_name",
    "action",
    "content_type_id",
    "object_id",
    "object_repr",
    "region_id",
    "before",
    "after",
    "request_id",
    "detail",
    "remote_addr",
)


# Values that read back as they are (most of a row): returned without the checks below.
_PLAIN: frozenset[type] = frozenset({str, int, bool, type(None)})

# One encoder for every digest (`json.dumps` with options builds a new one per call).
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _canonical(value: Any) -> Any:
    """A value as it reads back from any database: UTC times to the microsecond, whole floats
    as integers (PostgreSQL's jsonb prints 1e20 as 100000000000000000000), keys as text."""
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="microseconds")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    return value


def row_digest(values: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) over the canonical JSON of a row's content plus the previous row's hash."""
    payload = {name: _canonical(values.get(name)) for name in HASHED_FIELDS}
    payload["prev_hash"] = prev_hash
    text = _ENCODER.encode(payload)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a walk along the chain: how many rows were checked, and the first broken
    link (None when the chain is intact)."""

    checked: int
    broken_id: int | None = None
    broken_time: dt.datetime | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when every link holds."""
        return self.broken_id is None and not self.problem


def _rows(chunk_size: int) -> Iterator[dict[str, Any]]:
    columns = ("id", *HASHED_FIELDS, "prev_hash", "row_hash")
    # values() + iterator(): one chunk of plain dicts in memory at a time, whatever the size.
    yield from AuditLog.objects.order_by("id").values(*columns).iterator(chunk_size=chunk_size)


def _broken_at(row: dict[str, Any], checked: int, problem: str) -> ChainReport:
    """The report of a walk stopped at `row` after `checked` good rows."""
    return ChainReport(
        checked=checked, broken_id=row["id"], broken_time=row["time"], problem=problem
    )


def verify_chain(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole log in id order; stop at the first row whose link or content is wrong."""
    previous_hash = ""
    previous_id: int | None = None
    checked = 0
    for row in _rows(chunk_size):
        if row["prev_hash"] != previous_hash:
            where = f"row {previous_id}" if previous_id is not None else "the start of the log"
            return _broken_at(
                row,
                checked,
                f"previous hash {row['prev_hash'][:16] or '(empty)'}… does not match "
                f"{where} ({previous_hash[:16] or '(empty)'}…): a row was removed or "
                "inserted before it",
            )
        computed = row_digest(row, row["prev_hash"])
        if computed != row["row_hash"]:
            return _broken_at(
                row,
                checked,
                f"content does not match its hash (stored {row['row_hash'][:16]}…, "
                f"computed {computed[:16]}…): the row was changed",
            )
        previous_hash = row["row_hash"]
        previous_id = row["id"]
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_id, head.last_hash) != (previous_id or 0, previous_hash):
        return ChainReport(
            checked=checked,
            problem=(
                f"the chain head names row {head.last_id} ({head.last_hash[:16]}…) but the log "
                f"ends at row {previous_id}: rows were removed from the end or added around "
                "the writer"
            ),
        )
    return ChainReport(checked=checked)
