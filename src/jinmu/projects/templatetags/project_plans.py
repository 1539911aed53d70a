"""Battle map and approvals on the project page: `{% plan_panel project user rights %}`
(progress by weight, the next milestone, slippage, link to the battle map) and
`{% approvals_panel project user rights %}` (拿地即开工 / 交地即发证 verdicts, link to the
approvals). `rights` is the page's `ProjectRights` of the user; without it the panel asks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from jinmu.core.types import User
from jinmu.projects import approvals, planning
from jinmu.projects.choices import PlanState
from jinmu.projects.models import ApprovalItem, Project
from jinmu.projects.permissions import ProjectRights, can_approve_plans, can_edit_project
from jinmu.projects.planning.reads import milestone_glances

register = template.Library()


@register.inclusion_tag("projects/plan_panel.html")
def plan_panel(project: Project, user: User, rights: ProjectRights | None = None) -> dict[str, Any]:
    """The battle map at a glance, for the project page."""
    today = timezone.localdate()
    summary = planning.plan_summary(project, today=today, milestones=milestone_glances(project))
    following = summary.next_milestone
    return {
        "project": project,
        "summary": summary,
        "next": following,
        "next_days_late": planning.days_late(following, today=today) if following else 0,
        "next_days_left": (following.planned_end - today).days if following else None,
        "can_edit": rights.edit if rights else can_edit_project(user, project),
        "awaits_approval": (rights.approve_plans if rights else can_approve_plans(user))
        and project.plan_state in (PlanState.DRAFT, PlanState.REPLANNING)
        and summary.total > 0,
        "PlanState": PlanState,
    }


@register.inclusion_tag("projects/approval_panel.html")
def approvals_panel(
    project: Project, user: User, rights: ProjectRights | None = None
) -> dict[str, Any]:
    """拿地即开工 / 交地即发证 for the project page."""
    today = timezone.localdate()
    # The panel counts the items and the verdicts read two of them: their kinds and dates, in
    # one read, in no order.
    items = list(
        ApprovalItem.objects.filter(project=project)
        .order_by()
        .values_list("kind", "planned_on", "actual_on")
    )
    states = [
        approvals.dated_state(planned, actual, today=today)[0] for _k, planned, actual in items
    ]
    actual_dates = {kind: actual for kind, _p, actual in items if kind in approvals.VERDICT_KINDS}
    return {
        "project": project,
        "verdicts": approvals.verdicts(project, today=today, actual_dates=actual_dates),
        "item_count": len(states),
        "overdue_count": states.count(approvals.ApprovalState.OVERDUE),
        "can_edit": rights.edit if rights else can_edit_project(user, project),
        "compact": True,
    }
