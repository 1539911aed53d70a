"""Project pages: the attraction pipeline, the 一企一年一技改 coverage, and curated project lists.

Every page reads through `for_user(request.user)`: projects and enterprises outside the user's
scope are simply absent, and a list (tag) outside the user's county is a 404. Roles without a
domain scope (bank, judge, the admins of security and audit) get 403. Writes go through
`jinmu.projects.services` (`save_tag`, `update_project(tags=…)`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jinmu.chains.models import Chain, EnterpriseNode
from jinmu.core.choices import RegionLevel
from jinmu.core.forms import bootstrap
from jinmu.core.models import Region
from jinmu.core.pagination import page_url, paginate
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.enterprises.choices import EnterpriseScale
from jinmu.enterprises.models import Enterprise
from jinmu.projects import eligibility as rules
from jinmu.projects import services
from jinmu.projects.choices import ProjectKind, ProjectStatus, Purpose, statuses_of
from jinmu.projects.eligibility import Eligibility
from jinmu.projects.leads import (
    Deadline,
    lead_deadlines,
    lead_state,
    overdue_leads,
    settings_map,
)
from jinmu.projects.models import WAN, Project, ProjectTag
from jinmu.projects.permissions import can_curate

# Cards shown per pipeline stage; the column's count and amount always cover every project.
CARDS_PER_STAGE = 30
# The article's target: at least 100 renovation projects of at least 500万元 a year.
RENOVATION_LARGE = 500 * WAN
RENOVATION_LARGE_TARGET = 100
PAGE_SIZE = 50


def _require_scope(request: HttpRequest, *kinds: ScopeKind) -> None:
    """403 for users without a domain scope (or outside `kinds` when given)."""
    kind = scope_for(request.user).kind
    if kind is ScopeKind.NONE or (kinds and kind not in kinds):
        raise PermissionDenied


def _year(value: Any, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


# --------------------------------------------------------------------------- attraction pipeline


class PipelineFilterForm(forms.Form):
    """Filter of the attraction pipeline: chain, purpose, origin province, overdue leads."""

    chain = forms.ModelChoiceField(
        label=gettext_lazy("Chain"),
        queryset=Chain.objects.none(),
        required=False,
        empty_label=gettext_lazy("All chains"),
    )
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Origin province"), required=False)
    overdue = forms.BooleanField(
        label=gettext_lazy("Only leads with overdue deadlines"), required=False
    )

    def __init__(self, *args: Any, chains: Any, provinces: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chain = self.fields["chain"]
        assert isinstance(chain, forms.ModelChoiceField)
        chain.queryset = chains
        purpose = self.fields["purpose"]
        assert isinstance(purpose, forms.ChoiceField)
        purpose.choices = [("", _("All purposes")), *Purpose.choices]
        province = self.fields["province"]
        assert isinstance(province, forms.ChoiceField)
        province.choices = [("", _("All provinces")), *[(p, p) for p in provinces]]
        bootstrap(self)


@dataclass
class Card:
    """One project on the pipeline board."""

    project: Project
    verdict: Eligibility
    deadlines: list[Deadline]

    @property
    def lead_state(self) -> str:
        """ "overdue", "due" or ""."""
        return lead_state(self.deadlines)

    @property
    def next_deadline(self) -> Deadline | None:
        """The most pressing open deadline: the longest overdue, else the nearest due."""
        open_ = [d for d in self.deadlines if d.is_open]
        overdue = [d for d in open_ if d.state == "overdue"]
        if overdue:
            return max(overdue, key=lambda d: d.days)
        return min(open_, key=lambda d: d.due_on) if open_ else None


@dataclass
class Column:
    """One stage of the pipeline with its totals and the first cards."""

    status: str
    label: str
    count: int
    amount: Decimal
    cards: list[Card]
    share: int = 0  # width of the funnel bar, per cent of the largest stage

    @property
    def hidden(self) -> int:
        """Projects of the stage not shown as cards."""
        return max(self.count - len(self.cards), 0)


def _province_choices(projects: QuerySet[Project]) -> list[str]:
    values = (
        projects.exclude(origin_province="")
        .order_by("origin_province")
        .values_list("origin_province", flat=True)
        .distinct()
    )
    return list(values)


def _pipeline_columns(
    projects: QuerySet[Project], *, today: dt.date
) -> tuple[list[Column], Column | None]:
    totals: dict[str, dict[str, Any]] = {
        row["status"]: dict(row)
        for row in projects.order_by()
        .values("status")
        .annotate(n=Count("pk"), amount=Sum("total_investment"))
    }
    shown: dict[str, list[Project]] = {}
    for status, _label in statuses_of(ProjectKind.ATTRACTION):
        if status in totals:
            shown[status] = list(
                projects.filter(status=status)
                .select_related("chain", "node", "lead_owner", "region")
                .order_by(F("total_investment").desc(nulls_last=True), "-pk")[:CARDS_PER_STAGE]
            )
    settings = settings_map(p.region_id for rows in shown.values() for p in rows)
    columns: list[Column] = []
    for status, label in statuses_of(ProjectKind.ATTRACTION):
        row: dict[str, Any] = totals.get(status, {})
        cards = [
            Card(
                project=project,
                verdict=rules.eligibility(project, settings[project.region_id]),
                deadlines=lead_deadlines(
                    project, today=today, settings=settings[project.region_id]
                ),
            )
            for project in shown.get(status, [])
        ]
        columns.append(
            Column(
                status=status,
                label=label,
                count=int(row.get("n") or 0),
                amount=row.get("amount") or Decimal("0"),
                cards=cards,
            )
        )
    terminated = next((c for c in columns if c.status == ProjectStatus.TERMINATED), None)
    stages = [c for c in columns if c.status != ProjectStatus.TERMINATED]
    largest = max((c.count for c in stages), default=0)
    for column in stages:
        column.share = round(100 * column.count / largest) if largest else 0
    return stages, terminated


def _year_summary(projects: QuerySet[Project], year: int) -> dict[str, Any]:
    """This year's signings, and how many of them count under the eligibility rules."""
    signed = projects.filter(signed_on__year=year)
    totals = signed.aggregate(n=Count("pk"), amount=Sum("total_investment"))
    eligible = rules.eligible(signed)
    counted = rules.counted(signed)
    return {
        "year": year,
        "signed": totals["n"] or 0,
        "signed_amount": totals["amount"] or Decimal("0"),
        "over_100m": eligible.count(),
        "over_1b": rules.over_1b(eligible).count(),
        "counted": counted.count(),
        "counted_over_1b": rules.over_1b(counted).count(),
    }


@login_required
def attraction_pipeline(request: HttpRequest) -> HttpResponse:
    """The attraction pipeline: a column per stage with counts, amounts and project cards."""
    _require_scope(request)
    today = timezone.localdate()
    base = Project.objects.for_user(request.user).filter(kind=ProjectKind.ATTRACTION)
    form = PipelineFilterForm(
        request.GET or None,
        chains=Chain.objects.for_user(request.user),
        provinces=_province_choices(base),
    )
    projects = base
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("chain"):
            projects = projects.filter(chain=data["chain"])
        if data.get("purpose"):
            projects = projects.filter(purpose=data["purpose"])
        if data.get("province"):
            projects = projects.filter(origin_province=data["province"])
        if data.get("overdue"):
            projects = overdue_leads(projects, today=today)
    stages, terminated = _pipeline_columns(projects, today=today)
    return render(
        request,
        "projects/lists_attraction.html",
        {
            "form": form,
            "stages": stages,
            "terminated": terminated,
            "today": today,
            "overdue_count": overdue_leads(projects, today=today).count(),
            "summary": _year_summary(projects, _year(request.GET.get("year"), today.year)),
        },
    )


# --------------------------------------------------------------------------- 一企一年一技改


class CoverageFilterForm(forms.Form):
    """Filter of the renovation coverage: year, town, chain, which list to show."""

    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False
    )
    town = forms.ChoiceField(label=gettext_lazy("Town"), required=False)
    chain = forms.ModelChoiceField(
        label=gettext_lazy("Chain"),
        queryset=Chain.objects.none(),
        required=False,
        empty_label=gettext_lazy("All chains"),
    )
    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("without", gettext_lazy("Without a renovation project")),
            ("with", gettext_lazy("With a renovation project")),
        ],
    )

    def __init__(self, *args: Any, towns: Any, chains: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town = self.fields["town"]
        assert isinstance(town, forms.ChoiceField)
        town.choices = [("", _("All towns")), *[(t.code, t.name) for t in towns]]
        chain = self.fields["chain"]
        assert isinstance(chain, forms.ModelChoiceField)
        chain.queryset = chains
        bootstrap(self)


def renovations_in_year(queryset: QuerySet[Project], year: int) -> QuerySet[Project]:
    """Renovation projects that belong to `year` for 一企一年一技改.

    A project belongs to the year its works start: the actual start when known, else the planned
    start; a project with neither date belongs to the year it was registered. Terminated projects
    do not count.
    """
    return (
        queryset.filter(kind=ProjectKind.RENOVATION)
        .exclude(status=ProjectStatus.TERMINATED)
        .filter(
            Q(actual_start__year=year)
            | Q(actual_start__isnull=True, planned_start__year=year)
            | Q(actual_start__isnull=True, planned_start__isnull=True, created_at__year=year)
        )
    )


@login_required
def renovation_coverage(request: HttpRequest) -> HttpResponse:
    """一企一年一技改: which 规上 enterprises in scope have a renovation project this year.

    Whether a firm is covered is a fact about the firm, so it looks at every renovation project
    of the firm; the projects listed beside it are only those the user may see.
    """
    _require_scope(request)
    today = timezone.localdate()
    user = request.user
    enterprises = Enterprise.objects.for_user(user).operating().filter(scale=EnterpriseScale.ABOVE)
    towns = Region.objects.filter(
        level=RegionLevel.TOWN, code__in=enterprises.values("region_id")
    ).order_by("code")
    chains = Chain.objects.for_user(user)
    form = CoverageFilterForm(request.GET or None, towns=towns, chains=chains)
    year, show = today.year, "without"
    projects = Project.objects.for_user(user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        year = data.get("year") or today.year
        show = data.get("show") or "without"
        if data.get("town"):
            enterprises = enterprises.filter(region_id=data["town"])
            projects = projects.filter(region_id=data["town"])
        if data.get("chain"):
            on_chain = EnterpriseNode.objects.filter(
                enterprise_id=OuterRef("pk"), node__chain=data["chain"]
            )
            enterprises = enterprises.filter(Exists(on_chain))
            projects = projects.filter(chain=data["chain"])
    in_year = renovations_in_year(Project.objects.all(), year)
    covered_q = Exists(in_year.filter(enterprise_id=OuterRef("pk")))
    total = enterprises.count()
    covered = enterprises.filter(covered_q).count()
    listed = enterprises.filter(covered_q if show == "with" else ~covered_q)
    if show == "with":
        listed = listed.prefetch_related(
            Prefetch(
                "projects",
                queryset=renovations_in_year(Project.objects.for_user(user), year).order_by("-pk"),
                to_attr="renovations",
            )
        )
    page = paginate(
        listed.select_related("region", "park"),
        order=("name_pinyin", "id"),
        cursor=request.GET.get("cursor"),
        page_size=PAGE_SIZE,
        count=False,
    )
    year_projects = renovations_in_year(projects, year)
    figures = year_projects.aggregate(n=Count("pk"), amount=Sum("total_investment"))
    large = year_projects.filter(total_investment__gte=RENOVATION_LARGE).count()
    return render(
        request,
        "projects/lists_renovation_coverage.html",
        {
            "form": form,
            "year": year,
            "show": show,
            "total": total,
            "covered": covered,
            "uncovered": total - covered,
            "coverage": round(Decimal(100) * covered / total, 1) if total else None,
            "page": page,
            "next_url": page_url(request.GET, page.next_cursor) if page.next_cursor else "",
            "first_url": page_url(request.GET, None),
            "renovation_count": figures["n"] or 0,
            "renovation_amount": figures["amount"] or Decimal("0"),
            "large_count": large,
            "large_threshold": RENOVATION_LARGE,
            "large_target": RENOVATION_LARGE_TARGET,
        },
    )


# --------------------------------------------------------------------------- project lists (tags)

# Lists are the county's: towns, parks and chain offices read them; enterprises do not.
TAG_READERS = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)


class TagForm(forms.Form):
    """Name and description of a project list."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)


def _add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _user_region(user: Any) -> str | None:
    """The region a new list belongs to: the user's own (or their unit's)."""
    if user.region_id:
        return str(user.region_id)
    unit = getattr(user, "unit", None)
    return str(unit.region_id) if unit is not None else None


@login_required
def tag_list(request: HttpRequest) -> HttpResponse:
    """The county's project lists with the number of projects on each the user may see."""
    _require_scope(request, *TAG_READERS)
    visible = Project.objects.for_user(request.user).values("pk")
    tags = ProjectTag.objects.for_user(request.user).annotate(
        project_count=Count("projects", filter=Q(projects__in=visible), distinct=True),
        project_amount=Sum("projects__total_investment", filter=Q(projects__in=visible)),
    )
    return render(
        request,
        "projects/lists_tags.html",
        {"tags": tags, "can_curate": can_curate(request.user)},
    )


def _tag_form_page(
    request: HttpRequest, form: TagForm, *, tag: ProjectTag | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "projects/lists_tag_form.html",
        {"form": form, "tag": tag},
        status=status,
    )


@login_required
def tag_create(request: HttpRequest) -> HttpResponse:
    """Create a project list (industry office)."""
    _require_scope(request, *TAG_READERS)
    if not can_curate(request.user):
        raise PermissionDenied
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        region_id = _user_region(request.user)
        try:
            if region_id is None:
                raise ValidationError(_("Your account has no region to keep lists in."))
            tag = services.save_tag(
                actor=request.user,
                region_id=region_id,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Project list created."))
            return redirect("projects:tag", pk=tag.pk)
    return _tag_form_page(request, form, tag=None)


@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a project list or change its description (industry office)."""
    tag = get_object_or_404(ProjectTag.objects.for_user(request.user), pk=pk)
    if not can_curate(request.user):
        raise PermissionDenied
    form = TagForm(request.POST or None, initial={"name": tag.name, "description": tag.description})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tag(
                actor=request.user,
                region_id=tag.region_id,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                tag=tag,
            )
        except ValidationError as error:
            tag.refresh_from_db()
            _add_errors(form, error)
        else:
            messages.success(request, _("Project list saved."))
            return redirect("projects:tag", pk=tag.pk)
    return _tag_form_page(request, form, tag=tag)


@login_required
def tag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The projects on one list that the user may see; curators add and remove projects."""
    tag = get_object_or_404(ProjectTag.objects.for_user(request.user), pk=pk)
    visible = Project.objects.for_user(request.user)
    on_list = visible.filter(tags=tag)
    totals = on_list.aggregate(n=Count("pk"), amount=Sum("total_investment"))
    page = paginate(
        on_list.select_related("region", "chain", "enterprise"),
        order=("-id",),
        cursor=request.GET.get("cursor"),
        page_size=PAGE_SIZE,
        count=False,
    )
    curate = can_curate(request.user)
    query = request.GET.get("q", "").strip()
    candidates: list[Project] = []
    if curate and query:
        candidates = list(
            visible.exclude(tags=tag)
            .filter(Q(name__icontains=query) | Q(code__iexact=query))
            .select_related("region")
            .order_by("-id")[:20]
        )
    return render(
        request,
        "projects/lists_tag.html",
        {
            "tag": tag,
            "page": page,
            "count": totals["n"] or 0,
            "amount": totals["amount"] or Decimal("0"),
            "next_url": page_url(request.GET, page.next_cursor) if page.next_cursor else "",
            "first_url": page_url(request.GET, None),
            "can_curate": curate,
            "query": query,
            "candidates": candidates,
        },
    )


def _change_membership(request: HttpRequest, pk: int, *, add: bool) -> HttpResponse:
    tag = get_object_or_404(ProjectTag.objects.for_user(request.user), pk=pk)
    if not can_curate(request.user):
        raise PermissionDenied
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
    return redirect(reverse("projects:tag", args=[tag.pk]))


@login_required
@require_POST
def tag_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a project on the list."""
    return _change_membership(request, pk, add=True)


@login_required
@require_POST
def tag_remove(request: HttpRequest, pk: int) -> HttpResponse:
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
