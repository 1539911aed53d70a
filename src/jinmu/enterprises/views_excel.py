"""Excel doors of the enterprise register: import templates, import with a dry run, export.

The import is two steps. The upload is checked and dry-run: the page shows every error by row
and column, or what would be created and changed. In the second case the file is kept under
MEDIA_ROOT/imports/<random token>.xlsx, the token (with the user, the kind and the file's hash)
goes into the user's session, and "Confirm" imports that very file and deletes it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.uploads import TOO_LARGE_META_KEY, UploadTooLargeHandler, too_large_message
from jinmu.enterprises import excel
from jinmu.enterprises.imports import ImportResult, import_annual_figures, import_enterprises
from jinmu.enterprises.models import Enterprise

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_ORDER = ("name_pinyin", "id")
IMPORT_DIR = "imports"
SESSION_KEY = "jinmu_excel_imports"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
PENDING_MAX_AGE = 60 * 60  # a preview older than an hour must be uploaded again
STALE_FILE_AGE = 24 * 60 * 60  # files of abandoned previews are removed after a day
SHOWN_ROWS = 200  # rows listed per section of the preview; the rest are counted
SHOWN_ERRORS = 500

IMPORTERS = {excel.ENTERPRISES: import_enterprises, excel.FIGURES: import_annual_figures}
TEMPLATE_NAMES = {excel.ENTERPRISES: "企业导入模板", excel.FIGURES: "年度数据导入模板"}
_WRITING_SCOPES = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)


KIND_LABELS = {
    excel.ENTERPRISES: gettext_lazy("Enterprises (register data)"),
    excel.FIGURES: gettext_lazy("Annual figures of enterprises"),
}


class ImportForm(forms.Form):
    """Choose what the workbook holds, and the workbook."""

    kind = forms.ChoiceField(
        label=gettext_lazy("The workbook holds"),
        choices=tuple(KIND_LABELS.items()),
        initial=excel.ENTERPRISES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx," + XLSX_CONTENT_TYPE, "class": "form-control"}
        ),
    )


def _attachment(filename: str, fallback: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _xlsx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(filename, fallback)
    response["Cache-Control"] = "no-store"
    return response


def _editor_scope(request: HttpRequest) -> Scope:
    """The user's scope if they may import; 403 otherwise."""
    scope = scope_for(request.user)
    if not can_edit_enterprises(request.user) or scope.kind not in _WRITING_SCOPES:
        raise PermissionDenied(_("Your role may not import enterprise data."))
    return scope


# -- export --------------------------------------------------------------------------------------


@login_required
@require_GET
def export_enterprises(request: HttpRequest) -> HttpResponse:
    """The current filtered list as an .xlsx (same filters as the list page)."""
    from jinmu.enterprises.filtersets import EnterpriseFilterSet

    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied(_("Your role has no access to the enterprise register."))
    filterset = EnterpriseFilterSet(
        request.GET or None, queryset=Enterprise.objects.for_user(request.user), request=request
    )
    queryset = filterset.qs.select_related("region", "park").order_by(*LIST_ORDER)
    names: dict[str, dict[Any, str]] = {excel.TOWN: {}, excel.PARK: {}}

    def rows() -> Any:
        for enterprise in queryset.iterator(chunk_size=2000):
            region = enterprise.region
            if region.level == "town":
                names[excel.TOWN][region.code] = region.name
            if enterprise.park is not None:
                names[excel.PARK][enterprise.park.pk] = enterprise.park.name
            yield excel.enterprise_row(enterprise, names=names)

    content = excel.write_export(
        rows(), columns=excel.ENTERPRISE_COLUMNS, sheet_name=excel.ENTERPRISE_SHEET
    )
    day = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_response(content, f"企业名录-{day}.xlsx", f"enterprises-{day}.xlsx")


# -- templates -----------------------------------------------------------------------------------


@login_required
@require_GET
def download_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The empty import workbook of a kind, with dropdowns of the user's towns and parks."""
    if kind not in excel.KINDS:
        raise Http404
    scope = _editor_scope(request)
    from jinmu.enterprises.filtersets import parks_in_scope, towns_in_scope

    lists = excel.TemplateLists(
        towns=list(towns_in_scope(scope).order_by("code").values_list("name", flat=True)),
        parks=list(parks_in_scope(scope).order_by("name").values_list("name", flat=True)),
    )
    content = excel.build_template(kind, lists)
    return _xlsx_response(content, f"{TEMPLATE_NAMES[kind]}.xlsx", f"{kind}-template.xlsx")


# -- import --------------------------------------------------------------------------------------


def _import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR


def _pending_path(token: str) -> Path:
    if not TOKEN_PATTERN.match(token):
        raise ValueError("bad token")
    return _import_dir() / f"{token}.xlsx"


def _remove_stale_files() -> None:
    """Delete previews that were never confirmed or cancelled."""
    directory = _import_dir()
    if not directory.is_dir():
        return
    limit = time.time() - STALE_FILE_AGE
    for path in directory.glob("*.xlsx"):
        if TOKEN_PATTERN.match(path.stem) and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _store_upload(request: HttpRequest, upload: UploadedFile[bytes], kind: str) -> str:
    """Keep the checked upload for confirmation; return its token."""
    _remove_stale_files()
    directory = _import_dir()
    directory.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    path = _pending_path(token)
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
    }
    request.session[SESSION_KEY] = pending
    return token


def _take_pending(request: HttpRequest, token: str) -> tuple[dict[str, Any], Path] | None:
    """The stored upload behind a token, if it is this user's, recent and intact."""
    pending = request.session.get(SESSION_KEY, {})
    entry = pending.pop(token, None) if TOKEN_PATTERN.match(token) else None
    request.session[SESSION_KEY] = pending
    if entry is None:
        return None
    path = _pending_path(token)
    fresh = time.time() - float(entry.get("time", 0)) <= PENDING_MAX_AGE
    if entry.get("user") != request.user.pk or not fresh or not path.is_file():
        path.unlink(missing_ok=True)
        return None
    if hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
        path.unlink(missing_ok=True)
        return None
    return entry, path


def _render(
    request: HttpRequest,
    *,
    form: ImportForm,
    result: ImportResult | None = None,
    token: str = "",
    file_name: str = "",
    upload_error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "upload_error": upload_error,
        "result": result,
        "token": token,
        "file_name": file_name,
        "kinds": [
            (excel.ENTERPRISES, _("Enterprises template")),
            (excel.FIGURES, _("Annual figures template")),
        ],
        "shown_rows": SHOWN_ROWS,
        "shown_errors": SHOWN_ERRORS,
    }
    if result is not None:
        context.update(
            errors=result.errors[:SHOWN_ERRORS],
            hidden_errors=max(0, len(result.errors) - SHOWN_ERRORS),
            created=result.created[:SHOWN_ROWS],
            hidden_created=max(0, len(result.created) - SHOWN_ROWS),
            updated=result.updated[:SHOWN_ROWS],
            hidden_updated=max(0, len(result.updated) - SHOWN_ROWS),
            kind_label=KIND_LABELS.get(result.kind, result.kind),
        )
    return render(request, "enterprises/import.html", context, status=status)


@csrf_exempt  # checked by _import_upload, after the size guard is installed
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload → check every row (dry run) → errors or preview → confirm → import."""
    _editor_scope(request)
    # Refuse an oversized body before Django reads it; this must precede any access to POST,
    # which is why the CSRF check moves inside (Django: "Modifying upload handlers on the fly").
    request.upload_handlers.insert(0, UploadTooLargeHandler(request))
    return _import_upload(request)


@csrf_protect
def _import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, form=ImportForm())
    posted = request.POST  # parsing the body runs the size guard first
    too_large = request.META.get(TOO_LARGE_META_KEY)
    if too_large:
        message = too_large_message(int(too_large))
        return _render(request, form=ImportForm(), upload_error=message, status=413)
    token = posted.get("token", "")
    if token:
        return _confirm_or_cancel(request, token)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, form=form, status=422)
    kind = form.cleaned_data["kind"]
    upload: UploadedFile[bytes] = form.cleaned_data["file"]
    result = IMPORTERS[kind](actor=request.user, rows_or_file=upload, dry_run=True)
    if not result.ok:
        return _render(request, form=form, result=result, file_name=upload.name or "", status=422)
    if not result.has_changes:
        return _render(
            request,
            form=ImportForm(initial={"kind": kind}),
            result=result,
            file_name=upload.name or "",
        )
    token = _store_upload(request, upload, kind)
    return _render(request, form=form, result=result, token=token, file_name=upload.name or "")


def _confirm_or_cancel(request: HttpRequest, token: str) -> HttpResponse:
    taken = _take_pending(request, token)
    if taken is None:
        messages.error(
            request,
            _("This preview has expired or was already used. Upload the file again."),
        )
        return redirect("enterprises:import")
    entry, path = taken
    try:
        if request.POST.get("action") != "confirm":
            messages.info(request, _("The import was cancelled; nothing was saved."))
            return redirect("enterprises:import")
        kind = entry["kind"]
        result = IMPORTERS[kind](actor=request.user, rows_or_file=path, dry_run=False)
    finally:
        path.unlink(missing_ok=True)
    if not result.ok:
        # The data changed since the preview (or someone else imported meanwhile).
        return _render(
            request,
            form=ImportForm(initial={"kind": kind}),
            result=result,
            file_name=str(entry.get("name", "")),
            status=422,
        )
    messages.success(
        request,
        _("Import finished: {created} created, {updated} updated, {unchanged} unchanged.").format(
            created=len(result.created),
            updated=len(result.updated),
            unchanged=len(result.unchanged),
        ),
    )
    return redirect("enterprises:list")
