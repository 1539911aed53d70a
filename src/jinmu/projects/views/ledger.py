"""Pages of the project ledger: the filtered list, a project's record, its create/edit form,
lifecycle transitions, the light override, annual plans, documents and challenge reviews.

Reads start from `Project.objects.for_user`, so a project out of scope is a 404; writes go
through `jinmu.projects.services`, which check rights, versions and the lifecycle.
"""

from __future__ import annotations

import copy
import os
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jinmu.core.audit import record_access
from jinmu.core.choices import AuditAction
from jinmu.core.forms import add_service_errors, expected_version
from jinmu.core.pagination import COUNT_CAP, page_url, paginate
from jinmu.core.permissions import has_action
from jinmu.projects import services
from jinmu.projects.choices import (
    AttachmentKind,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    allowed_next,
    statuses_of,
)
from jinmu.projects.filtersets import ProjectFilterSet
from jinmu.projects.forms import (
    AttachmentForm,
    LightOverrideForm,
    ProjectForm,
    ReviewForm,
    TransitionForm,
    YearPlanForm,
)
from jinmu.projects.models import (
    Attachment,
    ChallengeReview,
    Project,
    ProjectYearPlan,
    StatusChange,
)
from jinmu.projects.permissions import (
    can_create_projects,
    can_edit_project,
    can_override_light,
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
# The columns a list row shows; everything else stays in the database.
_ROW_RELATIONS = ("region", "park", "chain", "responsible_unit")
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
# Documents a special bond must carry (实施方案, 财务评价, 法律意见).
BOND_DOCUMENTS = (
    AttachmentKind.IMPLEMENTATION_PLAN,
    AttachmentKind.FINANCIAL_EVALUATION,
    AttachmentKind.LEGAL_OPINION,
)


def _optional_url(name: str, *args: Any) -> str | None:
    """A URL another part of the ledger provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _is_htmx_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (a back-button history restore wants the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _visible_project(request: HttpRequest, pk: int) -> Project:
    """The project if it is in the user's scope; 404 otherwise."""
    project: Project = get_object_or_404(
        Project.objects.for_user(request.user).select_related(*_DETAIL_RELATIONS), pk=pk
    )
    return project


def _require_editor(request: HttpRequest, project: Project) -> None:
    if not can_edit_project(request.user, project):
        raise PermissionDenied(_("You may not change this project."))


def _add_service_errors(
    form: BaseForm, error: ValidationError, rename: dict[str, str] | None = None
) -> None:
    """Put a service's validation error next to its field (or above the form)."""
    add_service_errors(form, error, rename)


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


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The ledger, filtered and paged by cursor; the table alone for HTMX."""
    user = request.user
    if not has_action(user, "projects.view_project"):
        raise PermissionDenied(_("Your role has no access to the project ledger."))
    filterset = ProjectFilterSet(
        request.GET or None, queryset=Project.objects.for_user(user), request=request
    )
    filtered = filterset.qs
    year = timezone.localdate().year
    plans = ProjectYearPlan.objects.filter(project_id=OuterRef("pk"), year=year)
    rows = filtered.select_related(*_ROW_RELATIONS).annotate(
        plan_this_year=Subquery(plans.values("planned_investment")[:1])
    )
    page = paginate(
        rows,
        order=filterset.keyset_order,
        cursor=request.GET.get("cursor"),
        page_size=PAGE_SIZE,
        count=False,
    )
    # Count the plain filtered rows (no subqueries, no joins), capped.
    page.total_capped = filtered.order_by()[: COUNT_CAP + 1].count()
    # Labels once per page: `get_FOO_display` re-hashes every choice on each call, which cost
    # more than the whole query on a 25-row page.
    kinds = {value: str(label) for value, label in ProjectKind.choices}
    levels = {value: str(label) for value, label in ProjectLevel.choices}
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    for row in page.rows:
        row.kind_label = kinds.get(row.kind, row.kind)
        row.level_label = levels.get(row.level, "")
        row.status_label = statuses.get(row.status, row.status)
        row.last_week_label = iso_label(row.last_report_week) if row.last_report_week else ""
        row.invested_this_year = row.invested_year if row.invested_year_of == year else None
    query = _clean_query(request)
    # Filters set elsewhere (a board click-through, a saved link) that the bar does not show
    # ride along as hidden inputs, so changing a visible filter keeps them.
    hidden_filters = [
        (key, value)
        for key, value in query.items()
        if key in filterset.filters and key not in BAR_FILTERS
    ]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ProjectKind.values else ""
    export_url = _optional_url("projects:export")
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "page": page,
        "year": year,
        "kind": kind,
        "kind_tabs": _kind_tabs(request, kind),
        "bar_fields": [filterset.form[name] for name in BAR_FILTERS if name != "q"],
        "hidden_filters": hidden_filters,
        # Errors of filters the bar does not show (the bar shows its own under each field).
        "filter_errors": [
            (filterset.form[name].label, message)
            for name, errors in filterset.form.errors.items()
            if name in filterset.form.fields and name not in BAR_FILTERS
            for message in errors
        ],
        "next_url": page_url(request.GET, page.next_cursor) if page.next_cursor else None,
        "first_url": page_url(query, None),
        "query_string": query.urlencode(),
        "export_url": export_url,
        "create_kinds": ProjectKind.choices if can_create_projects(user) else [],
        "is_partial": _is_htmx_partial(request),
    }
    template = (
        "projects/_project_table.html" if context["is_partial"] else "projects/project_list.html"
    )
    return render(request, template, context)


def _key_figures(project: Project, year: int) -> dict[str, Any]:
    """Total, this year's plan and completion, cumulative completion and percent."""
    plan = ProjectYearPlan.objects.filter(project=project, year=year).first()
    invested_year = project.invested_year if project.invested_year_of == year else None
    share = None
    if plan is not None and plan.planned_investment and invested_year is not None:
        share = round(invested_year / plan.planned_investment * 100, 1)
    return {
        "year": year,
        "plan": plan,
        "invested_year": invested_year,
        "year_share": share,
    }


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's record: figures, kind-specific facts, history, documents and panels."""
    project = _visible_project(request, pk)
    user = request.user
    today = timezone.localdate()
    can_edit = can_edit_project(user, project)
    history = list(
        StatusChange.objects.for_user(user)
        .filter(project=project)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )
    attachments = list(
        Attachment.objects.for_user(user)
        .filter(project=project)
        .select_related("uploaded_by")
        .order_by("kind", "id")
    )
    year_plans = list(
        ProjectYearPlan.objects.for_user(user).filter(project=project).order_by("-year")
    )
    reviews: list[ChallengeReview] = []
    if project.kind == ProjectKind.CHALLENGE:
        reviews = list(ChallengeReview.objects.for_user(user).filter(project=project))
    present = {a.kind for a in attachments}
    missing_documents = []
    if project.kind == ProjectKind.BOND:
        missing_documents = [
            AttachmentKind(kind).label for kind in BOND_DOCUMENTS if kind not in present
        ]
    next_states = [
        (value, ProjectStatus(value).label) for value in allowed_next(project.kind, project.status)
    ]
    lifecycle = [
        {"value": value, "label": label, "current": value == project.status}
        for value, label in statuses_of(project.kind)
    ]
    context = {
        "project": project,
        "figures": _key_figures(project, today.year),
        "history": history,
        "attachments": attachments,
        "year_plans": year_plans,
        "reviews": reviews,
        "missing_documents": missing_documents,
        "tags": list(project.tags.all()),
        "lifecycle": lifecycle,
        "next_states": next_states if can_edit else [],
        "can_edit": can_edit,
        "can_override": can_override_light(user),
        "transition_form": TransitionForm(project=project) if can_edit else None,
        "override_form": LightOverrideForm(project=project) if can_override_light(user) else None,
        "year_plan_form": YearPlanForm() if can_edit else None,
        "attachment_form": AttachmentForm() if can_edit else None,
        "review_form": (
            ReviewForm() if can_edit and project.kind == ProjectKind.CHALLENGE else None
        ),
        "last_week_label": iso_label(project.last_report_week) if project.last_report_week else "",
        "node_url": _optional_url("chains:node", project.node_id) if project.node_id else None,
    }
    return render(request, "projects/project_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, kind: str) -> HttpResponse:
    """Register a new project of one kind (ledger keepers and departments, in their area)."""
    if kind not in ProjectKind.values:
        raise Http404(_("Unknown project kind."))
    if not can_create_projects(request.user):
        raise PermissionDenied(_("You may not register projects."))
    form = ProjectForm(request.POST or None, kind=kind, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_project(
                actor=request.user, data={**form.service_data(), "kind": kind}, tags=form.tags
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        except PermissionDenied as denied:
            # Typically a place or chain outside the user's area: say so on the form.
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("Project {name} registered.").format(name=project))
            return redirect("projects:detail", pk=project.pk)
    context = {"form": form, "project": None, "kind_label": ProjectKind(kind).label}
    return render(request, "projects/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a project's fields; a form opened on an older version is refused."""
    project = _visible_project(request, pk)
    _require_editor(request, project)
    form = ProjectForm(request.POST or None, kind=project.kind, user=request.user, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            # The service works on a copy: a refused edit must not rename the page's heading.
            saved = services.update_project(
                actor=request.user,
                project=copy.copy(project),
                data=form.service_data(),
                expected_version=expected_version(form),
                tags=form.tags,
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, _("Changes to {name} saved.").format(name=saved))
            return redirect("projects:detail", pk=saved.pk)
    context = {"form": form, "project": project, "kind_label": project.get_kind_display()}
    return render(request, "projects/project_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def project_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a project along its lifecycle (who, when and why are kept)."""
    project = _visible_project(request, pk)
    _require_editor(request, project)
    initial = {}
    if request.method == "GET" and request.GET.get("to") in ProjectStatus.values:
        initial["to_status"] = request.GET["to"]
    form = TransitionForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transition(
                actor=request.user,
                project=project,
                to_status=data["to_status"],
                reason=data.get("reason") or "",
                on=data.get("on"),
                expected_version=expected_version(form),
            )
        except ValidationError as error:
            _add_service_errors(form, error, rename={"status": "to_status"})
        else:
            messages.success(
                request,
                _("{name} is now “{status}”.").format(
                    name=project, status=ProjectStatus(data["to_status"]).label
                ),
            )
            return redirect("projects:detail", pk=project.pk)
    next_states = [
        (value, ProjectStatus(value).label) for value in allowed_next(project.kind, project.status)
    ]
    context = {"form": form, "project": project, "next_states": next_states}
    return render(request, "projects/project_transition.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def light_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Set or clear a manual light (industry office and county leaders, with a reason)."""
    project = _visible_project(request, pk)
    if not can_override_light(request.user):
        raise PermissionDenied(_("Only the industry office or a county leader can set a light."))
    form = LightOverrideForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        light = form.cleaned_data.get("light") or ""
        try:
            services.override_light(
                actor=request.user,
                project=project,
                light=light,
                reason=form.cleaned_data.get("reason") or "",
                expected_version=expected_version(form),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The light is set by hand.") if light else _("The override is cleared."),
            )
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_override.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def year_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the investment a project plans to complete in a year."""
    project = _visible_project(request, pk)
    _require_editor(request, project)
    initial: dict[str, Any] = {}
    year = request.GET.get("year", "")
    if request.method == "GET" and year.isdigit():
        plan = ProjectYearPlan.objects.filter(project=project, year=int(year)).first()
        if plan is not None:
            shares = " ".join(str(v) for v in plan.monthly_shares or [])
            initial = {
                "year": plan.year,
                "planned_investment": plan.planned_investment,
                "monthly_shares": shares,
            }
    form = YearPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_year_plan(
                actor=request.user,
                project=project,
                year=data["year"],
                planned_investment=data["planned_investment"],
                monthly_shares=data.get("monthly_shares"),
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The plan for {year} is saved.").format(year=data["year"]))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_year_plan.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document to a project."""
    project = _visible_project(request, pk)
    _require_editor(request, project)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_attachment(
                actor=request.user,
                project=project,
                kind=data["kind"],
                title=data.get("title") or "",
                file=data["file"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Document attached."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_attachment.html", {"form": form, "project": project})


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
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
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a reviewer's score of a challenge (the project's score is their average)."""
    project = _visible_project(request, pk)
    _require_editor(request, project)
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
    path("<int:pk>/year-plan/", year_plan, name="year_plan"),
    path("<int:pk>/attachments/new/", attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", attachment_download, name="attachment"),
    path("<int:pk>/reviews/new/", review_add, name="review_add"),
]
