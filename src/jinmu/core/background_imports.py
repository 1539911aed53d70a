"""A confirmed Excel import run by the worker (decision 0010): every app's large import queues
the same way, audits the same way and fails the same way; only the importer differs.

An app registers a kind in its `tasks.py` whose function calls `run_stored_import` with its
importer, and its confirm step passes `start_stored_import` to `confirm_pending(background=…)`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jinmu.core.audit import record_event
from jinmu.core.background import Progress, start
from jinmu.core.choices import AuditAction
from jinmu.core.imports import ImportResult
from jinmu.core.models import BackgroundTask, User


class ImportRefused(Exception):
    """A confirmed import that no longer passes its checks."""


def start_stored_import(
    *,
    kind: str,
    actor: User,
    path: Path,
    file_name: str,
    next_url: str,
    arguments: dict[str, Any] | None = None,
) -> BackgroundTask:
    """Queue a checked and confirmed workbook for the worker, which imports it as `actor` and
    deletes it; `arguments` are the importer's own (JSON)."""
    region = actor.region or (actor.unit.region if actor.unit else None)
    if region is None:
        raise PermissionDenied
    return start(
        kind=kind,
        actor=actor,
        region=region,
        label=_("Importing %(file)s") % {"file": file_name},
        arguments={
            **(arguments or {}),
            "actor_id": actor.pk,
            "path": str(path),
            "file_name": file_name,
        },
        next_url=next_url,
    )


def run_stored_import(
    *,
    progress: Progress,
    actor_id: int,
    path: str,
    file_name: str,
    importer: Callable[[User, Path], ImportResult],
) -> str:
    """Import a stored workbook as its uploader and audit it; data changed since the check
    fails the task with the rows that no longer hold, and nothing is stored."""
    actor = User.objects.get(pk=actor_id)
    try:
        result = importer(actor, Path(path))
    finally:
        Path(path).unlink(missing_ok=True)
    record_event(
        action=AuditAction.IMPORT,
        actor=actor,
        detail={
            "kind": result.kind,
            "file": file_name,
            "format": "xlsx",
            "dry_run": False,
            "background": True,
            "rows": result.row_count,
            "created": len(result.created),
            "updated": len(result.updated),
            "errors": len(result.errors),
        },
    )
    progress(result.row_count, result.row_count)
    if not result.ok:
        raise ImportRefused(
            _("The data changed since the check; nothing was imported: %(errors)s")
            % {"errors": result.error_lines()}
        )
    return result.summary()
