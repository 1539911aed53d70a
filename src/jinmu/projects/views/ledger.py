"""Pages of the project ledger: the filtered list, a project's record, its create/edit form,
lifecycle transitions, the light override, annual plans, documents and challenge reviews.

Reads start from `Project.objects.for_user`, so a project out of scope is a 404; writes go
through `jinmu.projects.services`, which check rights, versions and the lifecycle. The form
pages share `views.common.save_and_show`.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinmu.core.audit import record_access
from jinmu.core.choices import AuditAction
from jinmu.core.forms import expected_version
from jinmu.core.permissions import has_action
from jinmu.core.types import AuthedRequest
from jinmu.projects import services
from jinmu.projects.choices import ProjectKind, ProjectStatus, allowed_next, statuses_of
from jinmu.projects.filtersets import ProjectFilterSet
from jinmu.projects.forms.project import ProjectForm
from jinmu.projects.forms.records import (
    AttachmentForm,
    LightOverrideForm,
    ReviewForm,
    TransitionForm,
    YearPlanForm,
)
from jinmu.projects.lights.nights import with_nights
from jinmu.projects.models import Attachment, Project, ProjectYearPlan
from jinmu.projects.permissions import (
    can_create_projects,
    can_override_light,
    project_rights,
)
from jinmu.projects.queries import ledger as figures
from jinmu.projects.tables import ledger_table
from jinmu.projects.templatetags.project_lights import light_context
from jinmu.projects.views.common import (
    is_htmx_partial,
    optional_url,
    require_editor,
    save_and_show,
    visible_project,
)
from jinmu.projects.weeks import iso_label

PAGE_SIZE = 25
# Filters shown in the page's filter bar (the kind has its tabs); the others stay in the URL.
BAR_FILTERS = (
    "q",
    "level",
    "status",
    "light",
    "town",
    "chain",
    "responsible_unit",
    "tag",
    "ordering",
)
_DETAIL_RELATIONS = (
    "region",
    "park",
    "chain",
    "node",
    "node__chain",
    "enterprise",
    "responsible_unit",
    "leader",
    "lead_owner",
    "light_override_by",
)


def _editable_project(request: AuthedRequest, pk: int) -> Project:
    """A project in the user's scope that the user may change (404 / 403 otherwise)."""
    project = visible_project(request, pk, *_DETAIL_RELATIONS)
    require_editor(request, project)
    return project


def _clean_query(request: HttpRequest, *drop: str) -> QueryDict:
    """The filters on screen without the cursor, empty fields and `drop`."""
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key != "cursor" and key not in drop and any(values):
            query.setlist(key, [v for v in values if v])
    return query


def _kind_tabs(request: HttpRequest, current: str) -> list[dict[str, Any]]:
    """ "All" and one tab per kind; switching kind drops the kind-specific status."""
    base = _clean_query(request, "kind", "status")
    tabs = []
    for value, label in [("", _("All")), *ProjectKind.choices]:
        query = base.copy()
        if value:
            query["kind"] = value
        tabs.append(
            {
                "value": value,
                "label": label,
                "url": "?" + query.urlencode() if query else "?",
                "active": value == current,
            }
        )
    return tabs


def _filter_bar(request: HttpRequest, filterset: ProjectFilterSet) -> dict[str, Any]:
    """The filter bar's fields, the filters it does not show (kept as hidden inputs, with
    their errors), the kind tabs and the query the page links carry."""
    form = filterset.form
    query = _clean_query(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProjectKind.values else ""
    return {
        "filterset": filterset,
        "form": form,
        "kind": kind,
        "kind_tabs": _kind_tabs(request, kind),
        "bar_fields": [form[name] for name in BAR_FILTERS if name != "q"],
        # Filters set elsewhere (a board click-through, a saved link) that the bar does not
        # show ride along as hidden inputs, so changing a visible filter keeps them.
        "hidden_filters": [
            (key, value)
            for key, value in query.items()
            if key in filterset.filters and key not in BAR_FILTERS
        ],
        # Errors of filters the bar does not show (the bar shows its own under each field).
        "filter_errors": [
            (form[name].label, message)
            for name, errors in form.errors.items()
            if name in form.fields and name not in BAR_FILTERS
            for message in errors
        ],
        "query_string": query.urlencode(),
    }


@login_required
@require_GET
def project_list(request: AuthedRequest) -> HttpResponse:
    """The ledger, filtered and paged by cursor; the table alone for HTMX."""
    user = request.user
    if not has_action(user, "projects.view_project"):
        raise PermissionDenied(_("Your role has no access to the project ledger."))
    filterset = ProjectFilterSet(
        request.GET or None, queryset=Project.objects.for_user(user), request=request
    )
    filtered = filterset.qs
    year = timezone.localdate().year
    # The total counts the plain filtered rows (no subqueries, no joins), capped.
    table = ledger_table(year).page(
        request,
        figures.list_rows(filtered, year),
        order=filterset.keyset_order,
        page_size=PAGE_SIZE,
        count_from=filtered,
        first_query=_clean_query(request),
    )
    figures.label_rows(table.records, year)
    partial = is_htmx_partial(request)
    context = {
        **_filter_bar(request, filterset),
        "table": table,
        "page": table.page,
        "next_url": table.next_url,
        "export_url": optional_url("projects:export"),
        "create_kinds": ProjectKind.choices if can_create_projects(user) else [],
        "is_partial": partial,
    }
    template = "tables/table.html" if partial else "projects/project_list.html"
    return render(request, template, context)


@login_required
@require_GET
def light_reasons(request: AuthedRequest, pk: int) -> HttpResponse:
    """The inside of a list row's light popup (what `light_badge` shows on a project's page),
    fetched when the popup is opened; a project out of scope is a 404."""
    project = visible_project(request, pk)
    return render(request, "projects/_light_reasons.html", light_context(project))


# The record's forms drawn once for what they are drawn from (the language, and the project's
# version, light override and the day where they show them), kept for the next record that
# shows the same: building and drawing them cost the page more than any of its reads (issue
# 11). Each is a function of its key alone, so a record never shows another's values.


def _fields(template_name: str, context: dict[str, Any]) -> str:
    """A partial of form fields, drawn, without its file's last line break."""
    # Drawn by the template engine, so escaped already.
    return mark_safe(render_to_string(template_name, context).removesuffix("\n"))


@lru_cache(maxsize=8)
def _attachment_fields(language: str | None) -> str:
    """The fields of an empty `AttachmentForm` (`projects/_attachment_fields.html`)."""
    return _fields("projects/_attachment_fields.html", {"attachment_form": AttachmentForm()})


@lru_cache(maxsize=256)
def _transition_fields(language: str | None, version: int, today: date) -> tuple[str, str]:
    """A `TransitionForm`'s version field, and its date (`today`) and reason fields
    (`projects/_transition_fields.html`), for a project at `version`."""
    record = Project(version=version)
    form = TransitionForm(project=record, initial={"on": today})
    fields = _fields("projects/_transition_fields.html", {"transition_form": form})
    return str(form["version"]), fields


@lru_cache(maxsize=256)
def _override_fields(language: str | None, version: int, light: str, reason: str) -> str:
    """A `LightOverrideForm`'s fields (`projects/_override_fields.html`) for a project at
    `version` whose light is set by hand to `light` for `reason` (empty: not set)."""
    record = Project(version=version, light_override=light, light_override_reason=reason)
    form = LightOverrideForm(project=record)
    return _fields("projects/_override_fields.html", {"override_form": form})


def _record_forms(
    project: Project, *, can_edit: bool, can_override: bool, can_move: bool
) -> dict[str, Any]:
    """The forms of the record's panels, drawn, for those who may use them (the transition
    form when there is a state to move to; the annual plan's is a link, shown to editors)."""
    language = get_language()
    version, fields = (
        _transition_fields(language, project.version, timezone.localdate())
        if can_move
        else ("", "")
    )
    return {
        "transition_version": version,
        "transition_fields": fields,
        "override_fields": _override_fields(
            language, project.version, project.light_override, project.light_override_reason
        )
        if can_override
        else "",
        "year_plan_form": can_edit,
        "attachment_fields": _attachment_fields(language) if can_edit else "",
        "review_form": (
            ReviewForm() if can_edit and project.kind == ProjectKind.CHALLENGE else None
        ),
    }


def _next_states(project: Project) -> list[tuple[str, Any]]:
    return [
        (value, ProjectStatus(value).label) for value in allowed_next(project.kind, project.status)
    ]


@login_required
@require_GET
def project_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A project's record: figures, kind-specific facts, history, documents and panels."""
    user = request.user
    # With its county's night, which its light is as of (no query of its own).
    project = figures.record_project(with_nights(Project.objects.for_user(user)), pk)
    if project is None:
        raise Http404(f"No {Project._meta.object_name} matches the given query.")
    # Asked once for the page and its panels (the project is in the user's scope).
    rights = project_rights(user, project, visible=True)
    record = figures.project_record(project, timezone.localdate().year)
    next_states = _next_states(project) if rights.edit else []
    context = {
        "project": project,
        "rights": rights,
        "figures": record.figures,
        "history": record.history,
        "attachments": record.attachments,
        "year_plans": record.year_plans,
        "reviews": record.reviews,
        "missing_documents": record.missing_documents,
        "tags": record.tags,
        "lifecycle": [
            {"value": value, "label": label, "current": value == project.status}
            for value, label in statuses_of(project.kind)
        ],
        "next_states": next_states,
        "can_edit": rights.edit,
        "can_override": rights.override_light,
        **_record_forms(
            project,
            can_edit=rights.edit,
            can_override=rights.override_light,
            can_move=bool(next_states),
        ),
        # The badge shows twice (beside the title and in the light's card): drawn once.
        "light_html": render_to_string("projects/_light.html", light_context(project)),
        "last_week_label": iso_label(project.last_report_week) if project.last_report_week else "",
        "node_url": optional_url("chains:node", project.node_id) if project.node_id else None,
    }
    return render(request, "projects/project_detail.html", context)


def _project_form(
    request: AuthedRequest,
    form: ProjectForm,
    project: Project | None,
    kind_label: Any,
    *,
    write: Callable[[], Project | None],
    success: Callable[[Project], str],
) -> HttpResponse:
    """The project form, new (`project` None) or edit: a place or chain outside the user's
    area is said on the form."""
    return save_and_show(
        request,
        form,
        template="projects/project_form.html",
        context={"project": project, "kind_label": kind_label},
        write=write,
        success=success,
        denied_on_form=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthedRequest, kind: str) -> HttpResponse:
    """Register a new project of one kind (ledger keepers and departments, in their area)."""
    if kind not in ProjectKind.values:
        raise Http404(_("Unknown project kind."))
    if not can_create_projects(request.user):
        raise PermissionDenied(_("You may not register projects."))
    form = ProjectForm(request.POST or None, kind=kind, user=request.user)
    return _project_form(
        request,
        form,
        None,
        ProjectKind(kind).label,
        write=lambda: services.create_project(
            actor=request.user, data={**form.service_data(), "kind": kind}, tags=form.tags
        ),
        success=lambda project: _("Project {name} registered.").format(name=project),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Edit a project's fields; a form opened on an older version is refused."""
    project = _editable_project(request, pk)
    form = ProjectForm(request.POST or None, kind=project.kind, user=request.user, instance=project)
    return _project_form(
        request,
        form,
        project,
        project.get_kind_display(),
        # The service works on a copy: a refused edit must not rename the page's heading.
        write=lambda: services.update_project(
            actor=request.user,
            project=copy.copy(project),
            data=form.service_data(),
            expected_version=expected_version(form),
            tags=form.tags,
        ),
        success=lambda saved: _("Changes to {name} saved.").format(name=saved),
    )


_RecordForm = TransitionForm | LightOverrideForm | YearPlanForm | AttachmentForm


def _save_record(
    request: AuthedRequest,
    project: Project,
    form: _RecordForm,
    *,
    service: Callable[..., Any],
    template: str,
    success: Callable[[Project], str],
    context: dict[str, Any] | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """A form page of one project's record (`save_and_show`): on a valid post, `service` runs
    on the project as the user with the form's `service_data()`."""

    def write() -> None:
        service(actor=request.user, project=project, **form.service_data())

    return save_and_show(
        request,
        form,
        template=template,
        context={"project": project, **(context or {})},
        write=write,
        success=success,
        aliases=aliases,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_transition(request: AuthedRequest, pk: int) -> HttpResponse:
    """Move a project along its lifecycle (who, when and why are kept)."""
    project = _editable_project(request, pk)
    initial = {}
    if request.method == "GET" and request.GET.get("to") in ProjectStatus.values:
        initial["to_status"] = request.GET["to"]
    form = TransitionForm(request.POST or None, project=project, initial=initial)
    return _save_record(
        request,
        project,
        form,
        service=services.transition,
        template="projects/project_transition.html",
        context={"next_states": _next_states(project)},
        success=lambda shown: _("{name} is now “{status}”.").format(
            name=shown, status=ProjectStatus(form.cleaned_data["to_status"]).label
        ),
        aliases={"status": "to_status"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def light_override(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set or clear a manual light (industry office and county leaders, with a reason)."""
    project = visible_project(request, pk, *_DETAIL_RELATIONS)
    if not can_override_light(request.user):
        raise PermissionDenied(_("Only the industry office or a county leader can set a light."))
    form = LightOverrideForm(request.POST or None, project=project)
    return _save_record(
        request,
        project,
        form,
        service=services.override_light,
        template="projects/project_override.html",
        success=lambda _shown: (
            _("The light is set by hand.")
            if form.cleaned_data.get("light")
            else _("The override is cleared.")
        ),
    )


def _year_plan_initial(project: Project, year: str) -> dict[str, Any]:
    """The stored plan of `year` (digits from the URL) as the form's initial values."""
    plan = ProjectYearPlan.objects.filter(project=project, year=int(year)).first()
    if plan is None:
        return {}
    return {
        "year": plan.year,
        "planned_investment": plan.planned_investment,
        "monthly_shares": " ".join(str(v) for v in plan.monthly_shares or []),
    }


@login_required
@require_http_methods(["GET", "POST"])
def year_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set the investment a project plans to complete in a year."""
    project = _editable_project(request, pk)
    year = request.GET.get("year", "")
    initial = (
        _year_plan_initial(project, year) if request.method == "GET" and year.isdigit() else {}
    )
    form = YearPlanForm(request.POST or None, initial=initial)
    return _save_record(
        request,
        project,
        form,
        service=services.set_year_plan,
        template="projects/project_year_plan.html",
        success=lambda _shown: _("The plan for {year} is saved.").format(
            year=form.cleaned_data["year"]
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: AuthedRequest, pk: int) -> HttpResponse:
    """Attach a document to a project."""
    project = _editable_project(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    return _save_record(
        request,
        project,
        form,
        service=services.add_attachment,
        template="projects/project_attachment.html",
        success=lambda _shown: _("Document attached."),
    )


@login_required
@require_GET
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    """A project's document, for those who see the project (always as a download)."""
    attachment = get_object_or_404(Attachment.objects.for_user(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing from the store.")) from exc
    filename = os.path.basename(attachment.file.name)
    record_access(
        request,
        action=AuditAction.DOWNLOAD,
        obj=attachment,
        fmt=os.path.splitext(filename)[1].lstrip(".").lower(),
        file=filename,
    )
    return FileResponse(handle, as_attachment=True, filename=filename)


@login_required
@require_POST
def review_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a reviewer's score of a challenge (the project's score is their average)."""
    project = _editable_project(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.add_review(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Review recorded."))
    else:
        for field, errors in form.errors.items():
            label = str(form.fields[field].label) if field in form.fields else ""
            for text in errors:
                messages.error(request, f"{label}: {text}" if label else str(text))
    return redirect("projects:detail", pk=project.pk)


urlpatterns: list[URLPattern] = [
    path("", project_list, name="list"),
    path("new/<str:kind>/", project_create, name="create"),
    path("<int:pk>/", project_detail, name="detail"),
    path("<int:pk>/edit/", project_edit, name="edit"),
    path("<int:pk>/transition/", project_transition, name="transition"),
    path("<int:pk>/light/", light_override, name="override"),
    path("<int:pk>/light/reasons/", light_reasons, name="light_reasons"),
    path("<int:pk>/year-plan/", year_plan, name="year_plan"),
    path("<int:pk>/attachments/new/", attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", attachment_download, name="attachment"),
    path("<int:pk>/reviews/new/", review_add, name="review_add"),
]
