"""Pages of the problem pool: the list (by status and owner unit, overdue marked), a problem's
page with its claim (认领) and resolve forms, and a form to raise one by hand.

Every page starts from `Problem.objects.for_user`, so anything out of scope is a 404; roles
without a scope (bank, judge, auditors) get 403. Writes go through `jinmu.problems.services`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jinmu.core.forms import add_service_errors, add_version_field, bootstrap, conflict_lines
from jinmu.core.models import Unit
from jinmu.core.pagination import page_url, paginate
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.services import StaleObjectError
from jinmu.problems import services
from jinmu.problems.choices import UNRESOLVED, ProblemCategory, ProblemStatus
from jinmu.problems.models import Problem

UNRESOLVED_FILTER = "unresolved"
ALL_FILTER = "all"


def _require_scope(request: HttpRequest) -> None:
    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied


def _owner_units(user: Any) -> Any:
    """Units to filter the list by (any unit that can own a problem)."""
    return (
        Unit.objects.for_user(user)
        .filter(is_active=True, kind__in=services.OWNER_UNIT_KINDS)
        .order_by("kind", "name")
    )


class ProblemFilterForm(forms.Form):
    """Filters of the problem list."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            (UNRESOLVED_FILTER, gettext_lazy("Unresolved")),
            *ProblemStatus.choices,
            (ALL_FILTER, gettext_lazy("All")),
        ],
    )
    owner_unit = forms.ModelChoiceField(
        label=gettext_lazy("Owner unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("All units"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", gettext_lazy("All categories")), *ProblemCategory.choices],
    )
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_unit"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = _owner_units(user)
        bootstrap(self)


class ResolveForm(forms.Form):
    """How the problem was solved (required)."""

    resolution = forms.CharField(
        label=gettext_lazy("How it was solved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The version the page showed: required, so a post without it cannot skip the check.
        add_version_field(self, None, required=True)
        bootstrap(self)


class ProblemForm(forms.Form):
    """A problem raised by hand (weekly reports raise theirs themselves)."""

    title = forms.CharField(label=gettext_lazy("Problem"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=ProblemCategory.choices)
    owner_unit = forms.ModelChoiceField(
        label=gettext_lazy("Owner unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("Default: the project's responsible unit."),
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Default: 10 working days from today."),
    )

    def __init__(self, *args: Any, user: Any, project: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner_unit"]
        assert isinstance(owner, forms.ModelChoiceField)
        # Only units that can own work in the county where the problem will lie.
        region = services.problem_region(user, project=project)
        owner.queryset = (
            services.assignable_units(region) if region is not None else Unit.objects.none()
        )
        owner.error_messages["invalid_choice"] = services.unassignable_message()
        bootstrap(self)


_add_errors = add_service_errors


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """Problems in scope, unresolved first by default; overdue ones marked."""
    _require_scope(request)
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("status", UNRESOLVED_FILTER)
    form = ProblemFilterForm(data, user=request.user)
    problems = Problem.objects.for_user(request.user).select_related(
        "owner_unit", "project", "enterprise", "report"
    )
    if form.is_valid():
        status = form.cleaned_data["status"] or UNRESOLVED_FILTER
        if status == UNRESOLVED_FILTER:
            problems = problems.filter(status__in=UNRESOLVED)
        elif status != ALL_FILTER:
            problems = problems.filter(status=status)
        if form.cleaned_data["owner_unit"] is not None:
            problems = problems.filter(owner_unit=form.cleaned_data["owner_unit"])
        if form.cleaned_data["category"]:
            problems = problems.filter(category=form.cleaned_data["category"])
        if form.cleaned_data["overdue"]:
            problems = problems.filter(status__in=UNRESOLVED, due_on__lt=today)
    else:
        problems = problems.none()
    page = paginate(
        problems, order=("-raised_on", "-id"), cursor=request.GET.get("cursor"), page_size=50
    )
    rows = [
        {
            "problem": problem,
            "overdue": services.is_overdue(problem, today),
            "days_overdue": (today - problem.due_on).days
            if services.is_overdue(problem, today) and problem.due_on
            else 0,
        }
        for problem in page.rows
    ]
    return render(
        request,
        "problems/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "next_url": page_url(request.GET, page.next_cursor) if page.next_cursor else None,
            "first_url": page_url(request.GET, None),
            "can_raise": services.can_raise(request.user),
        },
    )


def _detail_page(
    request: HttpRequest, problem: Problem, resolve_form: ResolveForm | None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    can_resolve = services.can_resolve(request.user, problem)
    if resolve_form is None and can_resolve:
        resolve_form = ResolveForm(initial={"version": problem.version})
    return render(
        request,
        "problems/detail.html",
        {
            "problem": problem,
            "overdue": services.is_overdue(problem, today),
            "can_claim": services.can_claim(request.user, problem),
            "can_resolve": can_resolve,
            "resolve_form": resolve_form,
        },
        status=status,
    )


def _scoped(request: HttpRequest, pk: int) -> Problem:
    problem: Problem = get_object_or_404(
        Problem.objects.for_user(request.user).select_related(
            "owner_unit", "project", "enterprise", "report", "raised_by", "claimed_by"
        ),
        pk=pk,
    )
    return problem


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A problem with what can be done with it next."""
    return _detail_page(request, _scoped(request, pk), None)


def _post_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


@login_required
@require_POST
def problem_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the problem on for the user's unit."""
    problem = _scoped(request, pk)
    try:
        services.claim_problem(
            actor=request.user, problem=problem, expected_version=_post_version(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You took the problem on for your unit."))
    return redirect("problems:detail", pk=problem.pk)


@login_required
def problem_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Record how the problem was solved."""
    problem = _scoped(request, pk)
    if request.method != "POST":
        return redirect("problems:detail", pk=problem.pk)
    if not services.can_resolve(request.user, problem):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.resolve_problem(
                actor=request.user,
                problem=problem,
                resolution=form.cleaned_data["resolution"],
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleObjectError as error:
            messages.error(request, error.messages[0])
            for line in conflict_lines(error):
                messages.warning(request, line)
            return _detail_page(request, problem, form, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The problem is recorded as resolved."))
            return redirect("problems:detail", pk=problem.pk)
    return _detail_page(request, problem, form)


@login_required
def problem_create(request: HttpRequest) -> HttpResponse:
    """Raise a problem by hand, optionally about a project (`?project=`)."""
    from jinmu.projects.models import Project

    project = None
    project_id = request.GET.get("project") or request.POST.get("project") or ""
    if project_id:
        if not project_id.isdigit():
            raise PermissionDenied
        project = get_object_or_404(Project.objects.for_user(request.user), pk=int(project_id))
    if not services.can_raise(request.user, project=project):
        raise PermissionDenied
    form = ProblemForm(request.POST or None, user=request.user, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.raise_problem(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                project=project,
                owner_unit=data["owner_unit"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The problem was added to the pool."))
            return redirect("problems:detail", pk=problem.pk)
    return render(
        request,
        "problems/form.html",
        {"form": form, "project": project, "back_url": reverse("problems:list")},
    )
