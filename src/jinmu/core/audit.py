"""Audit log writes: called by services inside their transaction, never by signals.

Every row goes through `_write`, the one place that fills in the request id (and the hash chain).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
from collections.abc import Iterable, Iterator
from typing import Any, Generic, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest
from django.utils import timezone

from jinmu.core.audit_chain import HASHED_FIELDS, row_digest
from jinmu.core.choices import AuditAction
from jinmu.core.clientip import client_ip
from jinmu.core.imports import insert_rows
from jinmu.core.middleware import current_request_id
from jinmu.core.models import AuditChainHead, AuditLog, User
from jinmu.core.types import Visitor

T = TypeVar("T")


_PLAIN = (str, int, float, bool, type(None))


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values of a row: checked first, a bulk import has many
        return value
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-ready copy of the row's concrete fields (foreign keys as their ids)."""
    return {attname: _jsonable(getattr(obj, attname)) for attname in _snapshot_attnames(type(obj))}


@functools.cache
def _snapshot_attnames(model: type[models.Model]) -> tuple[str, ...]:
    """The attributes a snapshot of the model holds (its concrete fields less `audit_exclude`)."""
    exclude = set(getattr(model, "audit_exclude", ()))
    return tuple(f.attname for f in model._meta.concrete_fields if f.name not in exclude)


def _change_fields(obj: models.Model, action: str, before: dict[str, Any] | None) -> dict[str, Any]:
    """The columns of the audit row of a change to `obj` (`before`: its snapshot; None: create)."""
    after = None if action == AuditAction.DELETE else snapshot(obj)
    region_id = getattr(obj, "region_id", None)
    if region_id is None and before:
        region_id = before.get("region_id")
    return {
        "action": action,
        "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=True),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:200],
        "region_id": region_id,
        "before": before,
        "after": after,
    }


def record_change(
    *,
    obj: models.Model,
    action: str,
    actor: Visitor | None,
    before: dict[str, Any] | None,
) -> AuditLog:
    """Write one audit row for `obj`; `before` is its snapshot before the change (None: create)."""
    return _write(actor=actor, **_change_fields(obj, action, before))


def record_changes(
    changes: Iterable[tuple[models.Model, str, dict[str, Any] | None]],
    *,
    actor: Visitor | None,
) -> list[AuditLog]:
    """Write the audit rows of many changes at once, as `record_change` would one by one: the
    same content, in the given order, chained the same way, in a few bulk INSERTs (an import
    of thousands of rows). Each change is (object, action, its snapshot before or None)."""
    rows = [
        _new_row(actor, "", _change_fields(obj, action, before)) for obj, action, before in changes
    ]
    _append(rows)
    return rows


def record_save(
    *, obj: models.Model, actor: Visitor | None, before: dict[str, Any] | None
) -> AuditLog:
    """The audit row of a saved row: a create when there was no `before`, else an update."""
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    return record_change(obj=obj, action=action, actor=actor, before=before)


def record_event(
    *,
    action: str,
    actor: Visitor | None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    region_id: str | None = None,
    actor_name: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Write one audit row for an event that is not a row change: a sign-in (good or failed), a
    token issued or revoked, an export, a download, a permission change. `actor_name` names the
    one who tried when there is no user (a failed sign-in); `detail` says what (filters, file)."""
    if region_id is None and obj is not None:
        region_id = getattr(obj, "region_id", None)
    if region_id is None and actor is not None and getattr(actor, "is_authenticated", False):
        region_id = getattr(actor, "region_id", None)
    return _write(
        actor=actor,
        actor_name=actor_name,
        action=action,
        content_type=(
            ContentType.objects.get_for_model(obj, for_concrete_model=True) if obj else None
        ),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_id=region_id,
        detail=_jsonable(detail) if detail else None,
        remote_addr=client_address(request) if request is not None else None,
    )


class RowCounter(Generic[T]):
    """Passes rows through and counts them, for the audit row of a streamed export."""

    def __init__(self, rows: Iterable[T]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[T]:
        for row in self.rows:
            self.count += 1
            yield row


def record_access(
    request: HttpRequest,
    *,
    fmt: str,
    action: str = AuditAction.EXPORT,
    obj: models.Model | None = None,
    rows: int | None = None,
    **extra: Any,
) -> AuditLog:
    """Audit a read that matters (an export, a download) or an import: the page, its filters,
    the format and, where known, how many rows left or came in."""
    detail: dict[str, Any] = {
        "path": request.path,
        "filters": request.GET.dict(),
        "format": fmt,
    }
    if rows is not None:
        detail["rows"] = rows
    detail.update(extra)
    return record_event(action=action, actor=request.user, request=request, obj=obj, detail=detail)


def client_address(request: HttpRequest) -> str | None:
    """The client's address: X-Forwarded-For only from JINMU_TRUSTED_PROXIES (one rule for the
    audit log and the sign-in lockout, `jinmu.core.clientip`)."""
    return client_ip(request)


def record_system(
    *,
    action: str,
    model: type[models.Model],
    object_repr: str,
    region_id: str | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog:
    """Write one summarising audit row for a system action on a whole table (the demo builder,
    a reference-data load, a scheduled report): actor "system", object id "*"."""
    return _write(
        actor=None,
        action=action,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        object_id="*",
        object_repr=object_repr[:200],
        region_id=region_id,
        after=_jsonable(after) if after is not None else None,
    )


def _write(*, actor: Visitor | None, actor_name: str = "", **fields: Any) -> AuditLog:
    """Create one audit row (the only single-row writer), chained to the one before it."""
    row = _new_row(actor, actor_name, fields)
    _append([row])
    return row


def _new_row(actor: Visitor | None, actor_name: str, fields: dict[str, Any]) -> AuditLog:
    """An unsaved audit row with its actor, request id and time filled in."""
    user = actor if isinstance(actor, User) and actor.is_authenticated else None
    row = AuditLog(
        actor=user,
        actor_name=str(user.get_username()) if user else (actor_name or "system")[:150],
        request_id=current_request_id.get(),
        time=timezone.now(),
        **fields,
    )
    # Hash what the database will hand back: the address as the field stores it.
    row.remote_addr = row._meta.get_field("remote_addr").get_prep_value(row.remote_addr)
    return row


def _append(rows: list[AuditLog]) -> None:
    """Insert the rows at the end of the log, each chained to the one before it (the only
    place that inserts audit rows)."""
    if not rows:
        return
    using = router.db_for_write(AuditLog)
    with transaction.atomic(using=using):
        # The locked head serialises writers: no two rows can chain to the same predecessor.
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        last_hash = head.last_hash
        for row in rows:
            row.prev_hash = last_hash
            row.row_hash = row_digest(
                {name: getattr(row, name) for name in HASHED_FIELDS}, row.prev_hash
            )
            last_hash = row.row_hash
        if len(rows) > 1 and connections[using].features.can_return_rows_from_bulk_insert:
            # Ids come back in insertion order, so the log's id order is the chain's order.
            insert_rows(rows)
        else:
            for row in rows:
                row.save(force_insert=True)
        head.last_id = rows[-1].pk
        head.last_hash = last_hash
        head.save(update_fields=("last_id", "last_hash"))
