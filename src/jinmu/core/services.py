"""Generic audited writes for plain single-model creates, edits and deletes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction

M = TypeVar("M", bound=models.Model)


class StaleObjectError(ValidationError):
    """Someone else saved the row after the form was opened."""


def check_version(obj: models.Model, expected: int | None) -> None:
    """Refuse a write whose form was opened on an older version of the row."""
    current = getattr(obj, "version", None)
    if expected is not None and current is not None and int(expected) != int(current):
        raise StaleObjectError(
            _(
                "Someone else saved this record after you opened it (their version {current}, "
                "yours {expected}). Reload the page to see their change, then edit again."
            ).format(current=current, expected=expected),
            code="stale",
        )


def apply_fields(obj: M, data: Mapping[str, Any], allowed: Iterable[str]) -> M:
    """Set the given fields on `obj`; a field outside `allowed` is a programming error (the
    services list what each form or serializer may change)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise TypeError(f"Fields not editable here: {unknown}")
    for name, value in data.items():
        setattr(obj, name, value)
    return obj


@transaction.atomic
def save_object(
    obj: M, *, actor: Any, expected_version: int | None = None, validate: bool = True
) -> M:
    """Create or update one row, bumping its version and writing the audit entry."""
    model = type(obj)
    before: dict[str, Any] | None = None
    if obj.pk is not None and model._default_manager.filter(pk=obj.pk).exists():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        check_version(current, expected_version)
        before = snapshot(current)
        if hasattr(obj, "version"):
            obj.version = current.version + 1  # type: ignore[attr-defined]
    if validate:
        obj.full_clean()
    obj.save()
    record_change(
        obj=obj,
        action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
        actor=actor,
        before=before,
    )
    return obj


@transaction.atomic
def delete_object(obj: models.Model, *, actor: Any, expected_version: int | None = None) -> None:
    """Delete one row and write the audit entry with its last state."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    check_version(current, expected_version)
    before = snapshot(current)
    pk = obj.pk
    obj.delete()
    obj.pk = pk
    record_change(obj=obj, action=AuditAction.DELETE, actor=actor, before=before)
