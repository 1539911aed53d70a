"""Project pages: the attraction pipeline, the 一企一年一技改 coverage, and curated project lists.

Every page reads through `for_user(request.user)`: projects and enterprises outside the user's
scope are simply absent, and a list (tag) outside the user's county is a 404. Roles without a
domain scope (bank, judge, the admins of security and audit) get 403. Writes go through
`jinmu.projects.services` (`save_tag`, `update_project(tags=…)`); the figures come from
`jinmu.projects.queries.lists`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinmu.chains.models import Chain
from jinmu.core.choices import RegionLevel
from jinmu.core.forms import add_service_errors
from jinmu.core.models import Region
from jinmu.core.types import AuthedRequest, User
from jinmu.enterprises.choices import EnterpriseScale
from jinmu.enterprises.models import Enterprise
from jinmu.projects import services
from jinmu.projects.choices import ProjectKind
from jinmu.projects.forms.lists import CoverageFilterForm, PipelineFilterForm, TagForm
from jinmu.projects.leads import overdue_leads
from jinmu.projects.models import Project, ProjectTag
from jinmu.projects.permissions import can_curate
from jinmu.projects.queries import lists as figures
from jinmu.projects.tables import TAGS, coverage_table, tag_projects_table
from jinmu.projects.views.common import STAFF_SCOPES, require_scope

PAGE_SIZE = 50
# Lists are the county's: towns, parks and chain offices read them; enterprises do not.
TAG_READERS = STAFF_SCOPES


def _year(value: Any, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


# --------------------------------------------------------------------------- attraction pipeline


@login_required
def attraction_pipeline(request: AuthedRequest) -> HttpResponse:
    """The attraction pipeline: a column per stage with counts, amounts and project cards."""
    require_scope(request)
    today = timezone.localdate()
    base = Project.objects.for_user(request.user).filter(kind=ProjectKind.ATTRACTION)
    form = PipelineFilterForm(
        request.GET or None,
        chains=Chain.objects.for_user(request.user),
        provinces=figures.province_choices(base),
    )
    projects: QuerySet[Project] = base
    if form.is_bound and form.is_valid():
        projects = figures.filter_pipeline(base, form.cleaned_data, today=today)
    stages, terminated = figures.pipeline_columns(projects, today=today)
    return render(
        request,
        "projects/lists_attraction.html",
        {
            "form": form,
            "stages": stages,
            "terminated": terminated,
            "today": today,
            "overdue_count": overdue_leads(projects, today=today).count(),
            "summary": asdict(
                figures.year_summary(projects, _year(request.GET.get("year"), today.year))
            ),
        },
    )


# --------------------------------------------------------------------------- 一企一年一技改


@login_required
def renovation_coverage(request: AuthedRequest) -> HttpResponse:
    """一企一年一技改: which 规上 enterprises in scope have a renovation project this year."""
    require_scope(request)
    today = timezone.localdate()
    user = request.user
    enterprises: QuerySet[Enterprise] = (
        Enterprise.objects.for_user(user).operating().filter(scale=EnterpriseScale.ABOVE)
    )
    towns = Region.objects.filter(
        level=RegionLevel.TOWN, code__in=enterprises.values("region_id")
    ).order_by("code")
    form = CoverageFilterForm(request.GET or None, towns=towns, chains=Chain.objects.for_user(user))
    year, show = today.year, "without"
    projects: QuerySet[Project] = Project.objects.for_user(user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        year = data.get("year") or today.year
        show = data.get("show") or "without"
        enterprises, projects = figures.narrow_coverage(
            enterprises, projects, town=data.get("town"), chain=data.get("chain")
        )
    coverage = figures.renovation_coverage(
        user, enterprises, projects, year=year, with_project=show == "with"
    )
    table = coverage_table(year=year, with_project=show == "with").page(
        request,
        coverage.listed.select_related("region", "park"),
        order=("name_pinyin", "id"),
        page_size=PAGE_SIZE,
        count=False,
    )
    return render(
        request,
        "projects/lists_renovation_coverage.html",
        {
            "form": form,
            "year": year,
            "show": show,
            "total": coverage.total,
            "covered": coverage.covered,
            "uncovered": coverage.uncovered,
            "coverage": coverage.percent,
            "table": table,
            "page": table.page,
            "renovation_count": coverage.renovations.count,
            "renovation_amount": coverage.renovations.amount,
            "large_count": coverage.large_count,
            "large_threshold": figures.RENOVATION_LARGE,
            "large_target": figures.RENOVATION_LARGE_TARGET,
        },
    )


# --------------------------------------------------------------------------- project lists (tags)


def _user_region(user: User) -> str | None:
    """The region a new list belongs to: the user's own (or their unit's)."""
    if user.region_id:
        return str(user.region_id)
    unit = getattr(user, "unit", None)
    return str(unit.region_id) if unit is not None else None


def _curated_tag(request: AuthedRequest, pk: int) -> ProjectTag:
    """A list in the user's county that the user may curate (404 / 403 otherwise)."""
    tag: ProjectTag = get_object_or_404(ProjectTag.objects.for_user(request.user), pk=pk)
    if not can_curate(request.user):
        raise PermissionDenied
    return tag


@login_required
def tag_list(request: AuthedRequest) -> HttpResponse:
    """The county's project lists with the number of projects on each the user may see."""
    require_scope(request, *TAG_READERS)
    tags = figures.tags_with_totals(request.user)
    return render(
        request,
        "projects/lists_tags.html",
        {"tags": tags, "table": TAGS.of(tags), "can_curate": can_curate(request.user)},
    )


def _tag_form_page(request: AuthedRequest, *, tag: ProjectTag | None) -> HttpResponse:
    """Create (`tag` None) or change a project list: name and description."""
    initial = {"name": tag.name, "description": tag.description} if tag is not None else None
    form = TagForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        region_id = _user_region(request.user) if tag is None else tag.region_id
        try:
            if region_id is None:
                raise ValidationError(_("Your account has no region to keep lists in."))
            saved = services.save_tag(
                actor=request.user,
                region_id=region_id,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                tag=tag,
            )
        except ValidationError as error:
            if tag is not None:
                tag.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Project list created.") if tag is None else _("Project list saved.")
            )
            return redirect("projects:tag", pk=saved.pk)
    return render(request, "projects/lists_tag_form.html", {"form": form, "tag": tag})


@login_required
def tag_create(request: AuthedRequest) -> HttpResponse:
    """Create a project list (industry office)."""
    require_scope(request, *TAG_READERS)
    if not can_curate(request.user):
        raise PermissionDenied
    return _tag_form_page(request, tag=None)


@login_required
def tag_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rename a project list or change its description (industry office)."""
    return _tag_form_page(request, tag=_curated_tag(request, pk))


@login_required
def tag_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The projects on one list that the user may see; curators add and remove projects."""
    tag = get_object_or_404(ProjectTag.objects.for_user(request.user), pk=pk)
    visible = Project.objects.for_user(request.user)
    on_list = visible.filter(tags=tag)
    found = figures.totals(on_list)
    curate = can_curate(request.user)
    table = tag_projects_table(can_curate=curate).page(
        request,
        on_list.select_related("region", "chain", "enterprise"),
        order=("-id",),
        page_size=PAGE_SIZE,
        count=False,
    )
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "projects/lists_tag.html",
        {
            "tag": tag,
            "table": table,
            "page": table.page,
            "count": found.count,
            "amount": found.amount,
            "can_curate": curate,
            "query": query,
            "candidates": figures.tag_candidates(visible, tag, query) if curate and query else [],
        },
    )


def _change_membership(request: AuthedRequest, pk: int, *, add: bool) -> HttpResponse:
    tag = _curated_tag(request, pk)
    try:
        project_id = int(request.POST.get("project", ""))
    except ValueError:
        project_id = 0
    project = get_object_or_404(Project.objects.for_user(request.user), pk=project_id)
    tags = set(project.tags.all())
    if add:
        tags.add(tag)
    else:
        tags.discard(tag)
    try:
        services.update_project(actor=request.user, project=project, data={}, tags=tags)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if add:
            messages.success(request, _("“%(project)s” added to the list.") % {"project": project})
        else:
            messages.success(
                request, _("“%(project)s” removed from the list.") % {"project": project}
            )
    return redirect("projects:tag", pk=tag.pk)


@login_required
@require_POST
def tag_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put a project on the list."""
    return _change_membership(request, pk, add=True)


@login_required
@require_POST
def tag_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Take a project off the list."""
    return _change_membership(request, pk, add=False)


urlpatterns: list[URLPattern] = [
    path("attraction/", attraction_pipeline, name="attraction"),
    path("renovation/coverage/", renovation_coverage, name="renovation_coverage"),
    path("lists/", tag_list, name="tags"),
    path("lists/new/", tag_create, name="tag_create"),
    path("lists/<int:pk>/", tag_detail, name="tag"),
    path("lists/<int:pk>/edit/", tag_edit, name="tag_edit"),
    path("lists/<int:pk>/add/", tag_add, name="tag_add"),
    path("lists/<int:pk>/remove/", tag_remove, name="tag_remove"),
]
