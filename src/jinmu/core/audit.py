"""Audit log writes: called by services inside their transaction, never by signals."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from jinmu.core.choices import AuditAction
from jinmu.core.middleware import current_request_id
from jinmu.core.models import AuditLog


def _jsonable(value: Any) -> Any:
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
    exclude = set(getattr(obj, "audit_exclude", ()))
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def record_change(
    *,
    obj: models.Model,
    action: str,
    actor: Any,
    before: dict[str, Any] | None,
) -> AuditLog:
    """Write one audit row for `obj`; `before` is its snapshot before the change (None: create)."""
    after = None if action == AuditAction.DELETE else snapshot(obj)
    region_id = getattr(obj, "region_id", None)
    if region_id is None and before:
        region_id = before.get("region_id")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if is_user else None,
        actor_name=str(actor.get_username()) if is_user else "system",
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        region_id=region_id,
        before=before,
        after=after,
        request_id=current_request_id.get(),
    )
