"""Generic audited writes for plain single-model creates, edits and deletes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, record_save, snapshot
from jinmu.core.choices import AuditAction
from jinmu.core.models import User

M = TypeVar("M", bound=models.Model)


class StaleObjectError(ValidationError):
    """Someone else saved the row after the form was opened (or the write named no version);
    `current` is the row as it stands, so a page can show what the other person changed."""

    current: models.Model | None = None


# What an update that named no version passes on (real versions start at 1, and 0 means "opened
# when there was no row"): the service refuses it at its version check, after its permission
# checks, so a reader still gets 403.
MISSING_VERSION = -1


def check_version(obj: models.Model, expected: int | None) -> None:
    """Refuse a write whose form was opened on an older version of the row (or, with
    `MISSING_VERSION`, a write that did not say which version it was opened on)."""
    current = getattr(obj, "version", None)
    if expected is None or current is None:
        return
    if int(expected) == MISSING_VERSION:
        error = StaleObjectError(
            _(
                "Say which version of the record you are changing (expected_version, as last "
                "read): without it a change made meanwhile by someone else would be lost."
            ),
            code="version_required",
        )
    elif int(expected) != int(current):
        error = StaleObjectError(
            _(
                "Someone else saved this record after you opened it (their version {current}, "
                "yours {expected}). Reload the page to see their change, then edit again."
            ).format(current=current, expected=expected),
            code="stale",
        )
    else:
        return
    error.current = obj
    raise error


def require_version(expected: int | None) -> int:
    """The version an API update (PUT/PATCH) names, for the service's version check: one that
    names none becomes `MISSING_VERSION`, refused like a stale one (409) since it could silently
    overwrite someone else's change."""
    return MISSING_VERSION if expected is None else int(expected)


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
    obj: M, *, actor: User | None, expected_version: int | None = None, validate: bool = True
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
    record_save(obj=obj, actor=actor, before=before)
    return obj


@transaction.atomic
def delete_object(
    obj: models.Model, *, actor: User | None, expected_version: int | None = None
) -> None:
    """Delete one row and write the audit entry with its last state."""
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    check_version(current, expected_version)
    before = snapshot(current)
    pk = obj.pk
    try:
        obj.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        raise in_use_error(exc) from exc
    obj.pk = pk
    record_change(obj=obj, action=AuditAction.DELETE, actor=actor, before=before)


class InUseError(ValidationError):
    """The row cannot be deleted while other rows refer to it (API: 409)."""


def in_use_error(exc: models.ProtectedError | models.RestrictedError) -> InUseError:
    """Name the kinds of rows that still use the one being deleted, with their counts.

    Only kinds and counts, not the rows themselves: they may lie outside the user's scope.
    """
    blocking = (
        exc.protected_objects
        if isinstance(exc, models.ProtectedError)
        else (exc.restricted_objects)
    )
    counts: dict[str, int] = {}
    for row in blocking:
        kind = str(row._meta.verbose_name_plural)
        counts[kind] = counts.get(kind, 0) + 1
    uses = "、".join(
        _("{kind}: {count}").format(kind=kind, count=count) for kind, count in counts.items()
    )
    return InUseError(
        _(
            "This record cannot be deleted while other records use it ({uses}). Change or "
            "remove those first."
        ).format(uses=uses),
        code="in_use",
    )
