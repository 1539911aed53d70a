"""What the project pages share: the project in the user's scope, the editor check, the
form-page round trips (save and show the record, write a posted form, edit a row of the
project, a button's decision) and links to pages that may not be installed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinmu.core.forms import add_service_errors, run_write
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import AuthedRequest
from jinmu.projects.forms.plans import VersionForm
from jinmu.projects.models import Project
from jinmu.projects.permissions import can_edit_project

# Government scopes: the county's staff, chain offices, towns and parks (not enterprises,
# banks, judges or the admins of security and audit).
STAFF_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)

Row = TypeVar("Row", bound=Model)


def require_scope(request: AuthedRequest, *kinds: ScopeKind) -> None:
    """403 for users without a domain scope (or outside `kinds` when given)."""
    kind = scope_for(request.user).kind
    if kind is ScopeKind.NONE or (kinds and kind not in kinds):
        raise PermissionDenied


def visible_project(
    request: AuthedRequest, pk: int, *relations: str, only: Sequence[str] = ()
) -> Project:
    """The project if it is in the user's scope (with `relations` joined, and of them and the
    project only the fields `only` names when given); 404 otherwise."""
    rows = Project.objects.for_user(request.user).select_related(*relations)
    project: Project = get_object_or_404(rows.only(*only) if only else rows, pk=pk)
    return project


def require_editor(request: AuthedRequest, project: Project) -> None:
    """403 unless the user may change the project."""
    if not can_edit_project(request.user, project):
        raise PermissionDenied(_("You may not change this project."))


def editable_row(
    request: AuthedRequest, pk: int, model: type[Row], row_pk: int, *relations: str
) -> tuple[Project, Row]:
    """A visible project (with `relations` joined) the user may edit and one of its rows of
    `model`: 404 for a project out of scope or a row of another project, then 403."""
    project = visible_project(request, pk, *relations)
    row: Row = get_object_or_404(model._default_manager.filter(project=project), pk=row_pk)
    require_editor(request, project)
    return project, row


def optional_url(name: str, *args: Any) -> str | None:
    """A URL another part of the ledger provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def is_htmx_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (a back-button history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def decide(request: HttpRequest, write: Callable[[], Any], success: str) -> None:
    """Run a write posted by a button (no form to show errors on): its refusal becomes a page
    message."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


def delete_row_view(
    model: type[Row],
    row_kwarg: str,
    delete: Callable[..., Any],
    success: str | Promise,
    done: Callable[[Project], str],
    *,
    relations: tuple[str, ...],
    doc: str,
) -> Callable[..., HttpResponse]:
    """The delete button's view of a row of `model` (named by the URL's `row_kwarg`) of a
    project the user may edit: `delete(row, version)` with the version the page showed
    (`decide`), then back to `done(project)`."""

    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int, **row_pk: int) -> HttpResponse:
        project, row = editable_row(request, pk, model, row_pk[row_kwarg], *relations)
        version = VersionForm(request.POST).version_or_none()
        decide(request, lambda: delete(request.user, row, version), str(success))
        return redirect(done(project))

    view.__doc__ = doc
    return view


def write_form(
    request: HttpRequest, form: forms.BaseForm, write: Callable[[], Any], success: str
) -> bool:
    """Whether a posted form was valid and `write` saved it (with `success` as a message); a
    refusal lands on the form, a stale write as a page message (`run_write`)."""
    return form.is_valid() and run_write(request, form, write, success)[0]


def write_project_row(
    request: AuthedRequest,
    form: forms.BaseForm,
    project: Project,
    service: Callable[..., Any],
    success: str,
) -> bool:
    """`write_form` of a row added to `project`: `service` takes the user, the project and the
    form's `service_data()`."""
    return write_form(
        request,
        form,
        lambda: service(
            actor=request.user,
            project=project,
            data=form.service_data(),  # type: ignore[attr-defined]
        ),
        success,
    )


def save_and_show(
    request: AuthedRequest,
    form: forms.BaseForm,
    *,
    template: str,
    context: dict[str, Any],
    write: Callable[[], Project | None],
    success: Callable[[Project], str],
    aliases: dict[str, str] | None = None,
    denied_on_form: bool = False,
) -> HttpResponse:
    """A ledger form page: on a valid post, `write` runs the service and the browser goes to
    the record of the project it returns (else `context["project"]`) with `success(project)`;
    a refusal goes on the form (a PermissionDenied too, with `denied_on_form`)."""
    if request.method == "POST" and form.is_valid():
        try:
            written = write()
        except ValidationError as error:
            add_service_errors(form, error, aliases)
        except PermissionDenied as denied:
            if not denied_on_form:
                raise
            # Typically a place or chain outside the user's area: say so on the form.
            form.add_error(None, str(denied))
        else:
            project = written or context["project"]
            messages.success(request, success(project))
            return redirect("projects:detail", pk=project.pk)
    return render(request, template, {**context, "form": form})


def edit_row(
    request: AuthedRequest,
    make_form: Callable[[Any], Any],
    *,
    save: Callable[[Any], Any],
    success: str,
    done: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Change one row of a project (a milestone, an approval item): the form on GET; on POST
    `save(form)` through `run_write` (a stale edit is a 409 with the user's input kept), then
    back to `done`."""
    status = 200
    form = make_form(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        saved, status = run_write(request, form, lambda: save(form), success)
        if saved:
            return redirect(done)
    return render(request, template, {**context, "form": form}, status=status)
