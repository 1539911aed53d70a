"""Pages of the problem pool: the list (by status and owner unit, overdue marked), a problem's
page with its claim (认领) and resolve forms, and a form to raise one by hand.

Every page starts from `Problem.objects.for_user`, so anything out of scope is a 404; roles
without a scope (bank, judge, auditors) get 403. Writes go through `jinmu.problems.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jinmu.core.forms import add_service_errors, conflict_lines
from jinmu.core.pagination import paginate
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.services import StaleObjectError
from jinmu.core.types import AuthedRequest
from jinmu.problems import services
from jinmu.problems.forms import UNRESOLVED_FILTER, ProblemFilterForm, ProblemForm, ResolveForm
from jinmu.problems.models import Problem
from jinmu.problems.tables import PROBLEMS


def _require_scope(request: AuthedRequest) -> None:
    if scope_for(request.user).kind is ScopeKind.NONE:
        raise PermissionDenied


_add_errors = add_service_errors


def _list_row(problem: Problem, today: dt.date) -> dict[str, Any]:
    """A row of the list: the problem, whether it is overdue, and by how many days."""
    overdue = services.is_overdue(problem, today)
    return {
        "problem": problem,
        "overdue": overdue,
        "days_overdue": (today - problem.due_on).days if overdue and problem.due_on else 0,
    }


@login_required
def problem_list(request: AuthedRequest) -> HttpResponse:
    """Problems in scope, unresolved first by default; overdue ones marked."""
    _require_scope(request)
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("status", UNRESOLVED_FILTER)
    form = ProblemFilterForm(data, user=request.user)
    problems = form.filter(
        Problem.objects.for_user(request.user).select_related(
            "owner_unit", "project", "enterprise", "report"
        ),
        today=today,
    )
    page = paginate(
        problems, order=("-raised_on", "-id"), cursor=request.GET.get("cursor"), page_size=50
    )
    rows = [_list_row(problem, today) for problem in page.rows]
    return render(
        request,
        "problems/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "table": PROBLEMS.bind(page, request.GET, records=rows),
            "can_raise": services.can_raise(request.user),
        },
    )


def _detail_page(
    request: AuthedRequest, problem: Problem, resolve_form: ResolveForm | None, status: int = 200
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


def _scoped(request: AuthedRequest, pk: int) -> Problem:
    problem: Problem = get_object_or_404(
        Problem.objects.for_user(request.user).select_related(
            "owner_unit", "project", "enterprise", "report", "raised_by", "claimed_by"
        ),
        pk=pk,
    )
    return problem


@login_required
def problem_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A problem with what can be done with it next."""
    return _detail_page(request, _scoped(request, pk), None)


def _post_version(request: AuthedRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


@login_required
@require_POST
def problem_claim(request: AuthedRequest, pk: int) -> HttpResponse:
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
def problem_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
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
def problem_create(request: AuthedRequest) -> HttpResponse:
    """Raise a problem by hand, optionally about a project (`?project=`)."""
    project = None
    project_id = request.GET.get("project") or request.POST.get("project") or ""
    if project_id:
        if not project_id.isdigit():
            raise PermissionDenied
        projects = Problem.objects.subjects_for(request.user, "project")
        project = get_object_or_404(projects, pk=int(project_id))
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
