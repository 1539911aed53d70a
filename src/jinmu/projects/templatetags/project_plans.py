"""Battle map and approvals on the project page: `{% plan_panel project user %}` (progress by
weight, the next milestone, slippage, link to the battle map) and
`{% approvals_panel project user %}` (拿地即开工 / 交地即发证 verdicts, link to the approvals)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from jinmu.core.types import User
from jinmu.projects import approvals, planning
from jinmu.projects.choices import PlanState
from jinmu.projects.models import Project
from jinmu.projects.permissions import can_approve_plans, can_edit_project

register = template.Library()


@register.inclusion_tag("projects/plan_panel.html")
def plan_panel(project: Project, user: User) -> dict[str, Any]:
    """The battle map at a glance, for the project page."""
    today = timezone.localdate()
    summary = planning.plan_summary(project, today=today)
    following = summary.next_milestone
    return {
        "project": project,
        "summary": summary,
        "next": following,
        "next_days_late": planning.days_late(following, today=today) if following else 0,
        "next_days_left": (following.planned_end - today).days if following else None,
        "can_edit": can_edit_project(user, project),
        "awaits_approval": can_approve_plans(user)
        and project.plan_state in (PlanState.DRAFT, PlanState.REPLANNING)
        and summary.total > 0,
        "PlanState": PlanState,
    }


@register.inclusion_tag("projects/approval_panel.html")
def approvals_panel(project: Project, user: User) -> dict[str, Any]:
    """拿地即开工 / 交地即发证 for the project page."""
    today = timezone.localdate()
    rows = approvals.approval_rows(project, today=today)
    return {
        "project": project,
        "verdicts": approvals.verdicts(project, today=today),
        "item_count": len(rows),
        "overdue_count": sum(1 for row in rows if row.state == approvals.ApprovalState.OVERDUE),
        "can_edit": can_edit_project(user, project),
        "compact": True,
    }
