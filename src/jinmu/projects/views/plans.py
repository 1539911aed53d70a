"""Project pages: the battle map (挂图作战).

The battle map shows each milestone's baseline, current plan and actual dates as an ECharts
Gantt (printable for the wall: A3 landscape, the chart as an image), the milestone forms for
editors, the plan's approve / re-plan buttons for those allowed, the list of baselines, and an
Excel export with the Gantt drawn in cells (`plan_workbook`). Every page starts from
`Project.objects.for_user(request.user)`, so a project out of scope is a 404; writes go through
`jinmu.projects.planning`. The approval items are in `views.approvals`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jinmu.core.audit import record_access
from jinmu.core.types import AuthedRequest
from jinmu.core.views_excel import xlsx_response
from jinmu.projects import planning
from jinmu.projects.choices import PlanState
from jinmu.projects.forms.plans import MilestoneForm, PlanDecisionForm, ReplanForm
from jinmu.projects.models import Baseline, Milestone, Project
from jinmu.projects.permissions import can_approve_plans, project_rights
from jinmu.projects.queries.ledger import with_user_names
from jinmu.projects.tables import baselines_table, milestones_table
from jinmu.projects.views.common import (
    decide,
    delete_row_view,
    edit_row,
    editable_row,
    optional_url,
    require_editor,
    visible_project,
    write_form,
    write_project_row,
)
from jinmu.projects.views.plan_display import (
    STATE_CLASSES,
    STATE_LABELS,
    chosen_baseline,
    gantt_data,
)
from jinmu.projects.views.plan_workbook import plan_workbook

_PROJECT_RELATIONS = ("region", "responsible_unit")
_AWAITING_APPROVAL = (PlanState.DRAFT, PlanState.REPLANNING)


def _project(request: AuthedRequest, pk: int) -> Project:
    """The project if the user sees it, else 404."""
    return visible_project(request, pk, *_PROJECT_RELATIONS)


def _plan_forms(
    project: Project,
    can_edit: bool,
    milestone_count: int,
    add_form: MilestoneForm | None,
    replan_form: ReplanForm | None,
) -> dict[str, Any]:
    """The forms an editor gets: a new milestone while the plan is open, the re-plan request
    while it is approved (the posted ones when given)."""
    frozen = project.plan_state == PlanState.APPROVED
    if can_edit and not frozen and add_form is None:
        add_form = MilestoneForm(project=project, initial={"sort_order": milestone_count + 1})
    if can_edit and frozen and replan_form is None:
        replan_form = ReplanForm(initial={"version": project.version})
    return {
        "can_edit": can_edit,
        "frozen": frozen,
        "add_form": add_form if can_edit and not frozen else None,
        "replan_form": replan_form if can_edit and frozen else None,
    }


def _plan_context(
    request: AuthedRequest,
    project: Project,
    *,
    add_form: MilestoneForm | None = None,
    replan_form: ReplanForm | None = None,
) -> dict[str, Any]:
    today = timezone.localdate()
    # The project came through `visible_project`: its rights follow from the roles.
    rights = project_rights(request.user, project, visible=True)
    baselines = list(
        with_user_names(
            Baseline.objects.filter(project=project), "approved_by", "requested_by"
        ).order_by("number")
    )
    chosen = chosen_baseline(request, baselines)
    rows, removed = planning.milestone_rows(project, baseline=chosen, today=today)
    # The summary and the fingerprint read the same plan: the milestones read once.
    milestones = [row.milestone for row in rows]
    items = [
        {
            "row": row,
            "number": number,
            "state_label": STATE_LABELS[row.state],
            "state_class": STATE_CLASSES[row.state],
        }
        for number, row in enumerate(rows, 1)
    ]
    forms = _plan_forms(project, rights.edit, len(rows), add_form, replan_form)
    return {
        "project": project,
        "today": today,
        "rows": items,
        "milestones_table": milestones_table(
            baseline=chosen.number if chosen is not None else None,
            can_edit=forms["can_edit"],
            frozen=forms["frozen"],
        ).of(items),
        "removed": removed,
        "baselines": baselines,
        "baselines_table": baselines_table(chosen=chosen.number if chosen is not None else None).of(
            baselines
        ),
        "chosen": chosen,
        "gantt": gantt_data(project, rows, baseline=chosen, today=today),
        "summary": planning.plan_summary(
            project, today=today, milestones=milestones, baselines=baselines
        ),
        # Only an approver's buttons on a plan awaiting approval carry the fingerprint.
        "signature": planning.plan_signature(project, milestones)
        if rights.approve_plans and project.plan_state in _AWAITING_APPROVAL
        else "",
        "can_approve": rights.approve_plans,
        **forms,
        "requester": planning.replan_requester(project)
        if project.plan_state == PlanState.REPLANNING
        else None,
        "detail_url": optional_url("projects:detail", project.pk),
        "PlanState": PlanState,
    }


def _plan_url(project: Project, anchor: str = "") -> str:
    return reverse("projects:plan", args=[project.pk]) + anchor


def _render_plan(request: AuthedRequest, project: Project, **forms: Any) -> HttpResponse:
    return render(request, "projects/plan_detail.html", _plan_context(request, project, **forms))


# --------------------------------------------------------------------------- battle map


@login_required
@require_GET
def plan(request: AuthedRequest, pk: int) -> HttpResponse:
    """The battle map: Gantt of baseline, plan and actuals; milestones; baselines."""
    return _render_plan(request, _project(request, pk))


@login_required
@require_GET
def plan_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The battle map as an Excel workbook (the chosen baseline, default the latest)."""
    project = _project(request, pk)
    today = timezone.localdate()
    baselines = list(Baseline.objects.filter(project=project).order_by("number"))
    chosen = chosen_baseline(request, baselines)
    rows, _removed = planning.milestone_rows(project, baseline=chosen, today=today)
    content = plan_workbook(project, rows, baseline=chosen, today=today)
    record_access(request, obj=project, fmt="xlsx", rows=len(rows))
    day = today.strftime("%Y%m%d")
    return xlsx_response(
        content, f"挂图作战-{project.name}-{day}.xlsx", f"plan-{project.pk}-{day}.xlsx"
    )


# --------------------------------------------------------------------------- milestones


@login_required
@require_POST
def milestone_create(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a milestone (editors, draft or re-planning)."""
    project = _project(request, pk)
    require_editor(request, project)
    form = MilestoneForm(request.POST, project=project)
    if write_project_row(request, form, project, planning.add_milestone, _("Milestone added.")):
        return redirect(_plan_url(project, "#milestones"))
    return _render_plan(request, project, add_form=form)


def _project_milestone(
    request: AuthedRequest, pk: int, milestone_pk: int
) -> tuple[Project, Milestone]:
    """A visible project the user may edit and one of its milestones."""
    return editable_row(request, pk, Milestone, milestone_pk, *_PROJECT_RELATIONS)


@login_required
def milestone_edit(request: AuthedRequest, pk: int, milestone_pk: int) -> HttpResponse:
    """Change a milestone (planned side frozen while the plan is approved)."""
    project, milestone = _project_milestone(request, pk, milestone_pk)
    frozen = project.plan_state == PlanState.APPROVED
    return edit_row(
        request,
        lambda data: MilestoneForm(data, instance=milestone, project=project),
        save=lambda form: planning.update_milestone(
            actor=request.user,
            milestone=milestone,
            data=form.service_data(),
            expected_version=form.client_version(),
        ),
        success=_("Milestone saved."),
        done=_plan_url(project, "#milestones"),
        template="projects/plan_milestone_form.html",
        context={
            "project": project,
            "milestone": milestone,
            "frozen": frozen,
            "can_delete": not frozen,
        },
    )


milestone_delete = delete_row_view(
    Milestone,
    "milestone_pk",
    lambda actor, milestone, version: planning.delete_milestone(
        actor=actor, milestone=milestone, expected_version=version
    ),
    gettext_lazy("Milestone removed."),
    lambda project: _plan_url(project, "#milestones"),
    relations=_PROJECT_RELATIONS,
    doc="Remove a milestone (not while the plan is approved).",
)


# --------------------------------------------------------------------------- plan decisions


def _approver_decision(
    request: AuthedRequest,
    pk: int,
    service: Callable[..., Any],
    success: str,
    *,
    checks_plan: bool = True,
) -> HttpResponse:
    """Run one plan decision of an approver (approve, approve or refuse a re-plan): the
    version the page showed and, where the decision freezes a baseline, the plan it showed."""
    project = _project(request, pk)
    if not can_approve_plans(request.user):
        raise PermissionDenied
    version, signature = PlanDecisionForm(request.POST).decision()
    extra = {"expected_plan": signature} if checks_plan else {}
    decide(
        request,
        lambda: service(actor=request.user, project=project, expected_version=version, **extra),
        success,
    )
    return redirect(_plan_url(project))


@login_required
@require_POST
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Approve the draft plan: baseline 1 is frozen."""
    return _approver_decision(
        request, pk, planning.approve_plan, _("Plan approved; baseline frozen.")
    )


@login_required
@require_POST
def plan_replan(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask for a re-plan of the approved plan, with a reason."""
    project = _project(request, pk)
    require_editor(request, project)
    form = ReplanForm(request.POST)
    if write_form(
        request,
        form,
        lambda: planning.request_replan(
            actor=request.user,
            project=project,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data.get("version"),
        ),
        _("Re-plan requested: the planned dates can be changed until it is approved."),
    ):
        return redirect(_plan_url(project))
    return _render_plan(request, project, replan_form=form)


@login_required
@require_POST
def plan_replan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Accept the re-plan: the next baseline is frozen."""
    return _approver_decision(
        request,
        pk,
        planning.approve_replan,
        _("Re-plan approved; a new baseline is frozen."),
    )


@login_required
@require_POST
def plan_replan_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    """Refuse the re-plan: the plan returns to the latest baseline."""
    return _approver_decision(
        request,
        pk,
        planning.reject_replan,
        _("Re-plan refused; the plan is back to its latest baseline."),
        checks_plan=False,
    )


urlpatterns: list[URLPattern] = [
    path("<int:pk>/plan/", plan, name="plan"),
    path("<int:pk>/plan/xlsx/", plan_xlsx, name="plan_xlsx"),
    path("<int:pk>/plan/milestones/new/", milestone_create, name="milestone_create"),
    path("<int:pk>/plan/milestones/<int:milestone_pk>/", milestone_edit, name="milestone_edit"),
    path(
        "<int:pk>/plan/milestones/<int:milestone_pk>/delete/",
        milestone_delete,
        name="milestone_delete",
    ),
    path("<int:pk>/plan/approve/", plan_approve, name="plan_approve"),
    path("<int:pk>/plan/replan/", plan_replan, name="plan_replan"),
    path("<int:pk>/plan/replan/approve/", plan_replan_approve, name="plan_replan_approve"),
    path("<int:pk>/plan/replan/reject/", plan_replan_reject, name="plan_replan_reject"),
]
