"""What every Excel door of the site shares: .xlsx downloads, the upload field and size guard,
and the two-step import's pending uploads.

An import is two steps. The upload is checked and dry-run: the page shows every error by row and
column, or what would be created and changed. In the second case the file is kept under
MEDIA_ROOT/imports/<random token>.xlsx, the token (with the user, what the file holds and the
file's hash) goes into the user's session, and "Confirm" imports that very file and deletes it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect

from jinmu.core.audit import RowCounter, record_access
from jinmu.core.background import task_url
from jinmu.core.choices import AuditAction
from jinmu.core.imports import ImportResult
from jinmu.core.models import BackgroundTask
from jinmu.core.permissions import require_action
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.uploads import TOO_LARGE_META_KEY, UploadTooLargeHandler, too_large_message

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_DIR = "imports"
SESSION_KEY = "jinmu_excel_imports"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
PENDING_MAX_AGE = 60 * 60  # a preview older than an hour must be uploaded again
STALE_FILE_AGE = 24 * 60 * 60  # files of abandoned previews are removed after a day
SHOWN_ROWS = 200  # rows listed per section of the preview; the rest are counted
SHOWN_ERRORS = 500


def workbook_field() -> forms.FileField:
    """The form field of an uploaded workbook (the browser offers .xlsx files)."""
    return forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE, "class": "form-control"}
        ),
    )


# -- downloads -----------------------------------------------------------------------------------


def attachment(filename: str, fallback: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    """A workbook download named `filename` (`fallback`: its ASCII name), never cached."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response


def require_export(request: HttpRequest, permission: str, *, no_access: str = "") -> None:
    """403 ("Your role may not export.") unless the user's roles grant the export `permission`;
    with `no_access`, first a 403 with that text for a user without a domain scope."""
    if no_access and scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied(no_access)
    require_action(request.user, permission, _("Your role may not export."))


def export_filterset(
    request: HttpRequest, permission: str, filterset_class: type[Any], *, no_access: str
) -> Any:
    """A list's export filter, once the user may export (`require_export`): the list page's
    filterset, bound to the query, over the rows of its model in the user's scope."""
    require_export(request, permission, no_access=no_access)
    rows = filterset_class._meta.model.objects.for_user(request.user)
    return filterset_class(request.GET or None, queryset=rows, request=request)


def export_response(
    request: HttpRequest,
    rows: Iterable[Any],
    write: Callable[[Iterable[Any]], bytes],
    *,
    name: str,
    fallback: str,
) -> HttpResponse:
    """A list's export: the workbook `write(rows)` makes, audited with the rows it held, named
    `name-YYYYMMDD.xlsx` (ASCII: `fallback-YYYYMMDD.xlsx`) after today."""
    counted = RowCounter(rows)
    content = write(counted)
    record_access(request, fmt="xlsx", rows=counted.count)
    day = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(content, f"{name}-{day}.xlsx", f"{fallback}-{day}.xlsx")


# -- uploads -------------------------------------------------------------------------------------


def guard_upload_size(request: HttpRequest) -> None:
    """Refuse an oversized body before Django reads it.

    Call it before anything touches POST or FILES; the view must therefore be csrf_exempt and
    check CSRF inside, after this (Django: "Modifying upload handlers on the fly").
    """
    request.upload_handlers.insert(0, UploadTooLargeHandler(request))


def upload_too_large(request: HttpRequest) -> str:
    """What to tell the user when the size guard refused the upload ("" when it did not).

    Read it after request.POST: parsing the body is what runs the guard.
    """
    too_large = request.META.get(TOO_LARGE_META_KEY)
    return too_large_message(int(too_large)) if too_large else ""


def import_dir() -> Path:
    """Where checked uploads wait for confirmation."""
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR


def pending_path(token: str) -> Path:
    """The stored upload of a token (ValueError for a token that is not one of ours)."""
    if not TOKEN_PATTERN.match(token):
        raise ValueError("bad token")
    return import_dir() / f"{token}.xlsx"


def remove_stale_files() -> None:
    """Delete previews that were never confirmed or cancelled."""
    directory = import_dir()
    if not directory.is_dir():
        return
    limit = time.time() - STALE_FILE_AGE
    for path in directory.glob("*.xlsx"):
        if TOKEN_PATTERN.match(path.stem) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def store_upload(
    request: HttpRequest, upload: UploadedFile[bytes], kind: str, *, rows: int = 0
) -> str:
    """Keep the checked upload for confirmation (`kind`: what it holds, `rows`: how many rows
    the check read); return its token."""
    remove_stale_files()
    directory = import_dir()
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path = pending_path(token)
    digest = hashlib.sha256()
    upload.seek(0)
    # O_EXCL through mode "xb": never overwrite; the token is random anyway.
    with path.open("xb") as target:
        for chunk in upload.chunks():
            digest.update(chunk)
            target.write(chunk)
    path.chmod(0o600)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = {
        "kind": kind,
        "user": request.user.pk,
        "name": upload.name or "",
        "sha256": digest.hexdigest(),
        "time": time.time(),
        "rows": rows,
    }
    request.session[SESSION_KEY] = pending
    return token


def take_pending(request: HttpRequest, token: str) -> tuple[dict[str, Any], Path] | None:
    """The stored upload behind a token, if it is this user's, recent and intact."""
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None) if TOKEN_PATTERN.match(token) else None
    request.session[SESSION_KEY] = pending
    if entry is None:
        return None
    path = pending_path(token)
    fresh = time.time() - float(entry.get("time", 0)) <= PENDING_MAX_AGE
    if entry.get("user") != request.user.pk or not fresh or not path.is_file():
        path.unlink(missing_ok=True)
        return None
    if hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
        path.unlink(missing_ok=True)
        return None
    return entry, path


@dataclass(frozen=True)
class Confirmed:
    """An import run from a confirmed upload: the upload's session entry and the result."""

    entry: dict[str, Any]
    result: ImportResult


def confirm_pending(
    request: HttpRequest,
    token: str,
    *,
    page: str,
    run: Callable[[dict[str, Any], Path], ImportResult],
    accepts: Callable[[dict[str, Any]], bool] = lambda entry: True,
    background: Callable[[dict[str, Any], Path], BackgroundTask] | None = None,
) -> HttpResponse | Confirmed:
    """The second step: import the upload behind `token` with `run`, or cancel it.

    Returns a redirect to `page` when the upload is gone (expired, used, another user's, or not
    one `accepts`) or the user cancelled; otherwise what the import did. The stored file is
    deleted in every case, and a successful import is announced.

    A large upload (more rows than JINMU_BACKGROUND_IMPORT_ROWS) is handed to `background`
    instead, which starts a task that imports the file (and deletes it); the user is sent to the
    task's progress page.
    """
    taken = take_pending(request, token)
    if taken is not None and not accepts(taken[0]):
        taken[1].unlink(missing_ok=True)
        taken = None
    if taken is None:
        messages.error(
            request, _("This preview has expired or was already used. Upload the file again.")
        )
        return redirect(page)
    entry, path = taken
    if request.POST.get("action") != "confirm":
        path.unlink(missing_ok=True)
        messages.info(request, _("The import was cancelled; nothing was saved."))
        return redirect(page)
    if background is not None and is_large(entry):
        task = background(entry, keep_for_worker(path))
        messages.info(request, _("The import is running in the background."))
        return redirect(task_url(task))
    try:
        result = run(entry, path)
    finally:
        path.unlink(missing_ok=True)
    audit_import(request, result, str(entry.get("name", "")))
    if result.ok:
        messages.success(request, result.summary())
    return Confirmed(entry, result)


def is_large(entry: dict[str, Any]) -> bool:
    """Whether a checked upload is large enough to be imported by the worker."""
    limit = int(getattr(settings, "JINMU_BACKGROUND_IMPORT_ROWS", 1000))
    return int(entry.get("rows") or 0) > limit


def keep_for_worker(path: Path) -> Path:
    """Move a confirmed upload where the preview cleanup does not touch it until the worker
    has imported (and deleted) it."""
    directory = import_dir() / "queued"
    directory.mkdir(parents=True, exist_ok=True)
    kept = directory / path.name
    path.replace(kept)
    return kept


def result_context(result: ImportResult | None) -> dict[str, Any]:
    """What the result partial (`core/_import_result.html`) shows of an import: the errors and
    the rows created and changed, each cut off at a readable length, and the rows unchanged."""
    if result is None:
        return {}
    return {
        "errors": result.errors[:SHOWN_ERRORS],
        "hidden_errors": max(0, len(result.errors) - SHOWN_ERRORS),
        "created": result.created[:SHOWN_ROWS],
        "hidden_created": max(0, len(result.created) - SHOWN_ROWS),
        "updated": result.updated[:SHOWN_ROWS],
        "hidden_updated": max(0, len(result.updated) - SHOWN_ROWS),
        "unchanged_count": len(result.unchanged),
    }


def audit_import(request: HttpRequest, result: ImportResult, file_name: str) -> None:
    """Audit an import, dry run (the check) or confirmed: what file, what it held, the outcome."""
    record_access(
        request,
        action=AuditAction.IMPORT,
        fmt="xlsx",
        rows=result.row_count + len({error.row for error in result.errors}),
        kind=result.kind,
        dry_run=result.dry_run,
        file=file_name,
        created=len(result.created),
        updated=len(result.updated),
        errors=len(result.errors),
    )


def render_import(
    request: HttpRequest,
    template_name: str,
    *,
    form: forms.Form,
    result: ImportResult | None = None,
    token: str = "",
    file_name: str = "",
    upload_error: str = "",
    status: int = 200,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """An import page (a template extending `core/excel_import.html`): the upload form, and the
    result of the check with the token that confirms it; `extra` is the page's own context."""
    if result is not None and result.dry_run:
        audit_import(request, result, file_name)
    context: dict[str, Any] = {
        "form": form,
        "upload_error": upload_error,
        "result": result,
        "token": token,
        "file_name": file_name,
        **result_context(result),
        **(extra or {}),
    }
    return render(request, template_name, context, status=status)


def import_page(
    request: HttpRequest,
    form_class: Callable[..., forms.Form],
    *,
    show: Callable[..., HttpResponse],
    check: Callable[[forms.Form, UploadedFile[bytes]], tuple[ImportResult, str]],
    confirm: Callable[[str], HttpResponse],
    initial: Mapping[str, Any] | None = None,
    keep: tuple[str, ...] = (),
) -> HttpResponse:
    """The first step of an import page, after the caller's permission check.

    The size guard goes in before anything reads the body (so the view must be csrf_exempt:
    CSRF is checked here, after it). GET shows `form_class` (with `initial`); a POST with a
    token is a confirmation (`confirm(token)`); an upload is checked by `check(form, upload)`
    (a dry run: its result and the kind the stored upload is kept under). `show(form, **page)`
    renders the page: 413 for a file too large, 422 for an invalid form or rows with errors, the
    result with a fresh form (keeping the fields `keep`) when nothing would change, else the
    preview with the token that confirms it.
    """
    guard_upload_size(request)

    @csrf_protect
    def checked_upload(request: HttpRequest) -> HttpResponse:
        if request.method == "GET":
            return show(form_class(initial=dict(initial or {})))
        posted = request.POST  # parsing the body runs the size guard first
        too_large = upload_too_large(request)
        if too_large:
            return show(form_class(), upload_error=too_large, status=413)
        token = posted.get("token", "")
        if token:
            return confirm(token)
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return show(form, status=422)
        upload: UploadedFile[bytes] = form.cleaned_data["file"]
        result, kind = check(form, upload)
        name = upload.name or ""
        if not result.ok:
            return show(form, result=result, file_name=name, status=422)
        if not result.has_changes:
            fresh = form_class(initial={field: form.cleaned_data[field] for field in keep})
            return show(fresh, result=result, file_name=name)
        token = store_upload(request, upload, kind, rows=result.row_count)
        return show(form, result=result, token=token, file_name=name)

    return checked_upload(request)
