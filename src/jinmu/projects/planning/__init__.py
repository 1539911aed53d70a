"""The battle map (挂图作战): a project's milestone plan, its frozen baselines and re-planning.

A plan starts as a draft its editors change freely. Approving it (industry office, county
leaders, system admin) freezes a numbered baseline, a JSON copy of every milestone's planned
dates, owner unit and weight, and from then on the planned fields are fixed: only the actual
dates and the owner unit may still be recorded. Changing the plan needs a re-plan: an editor
asks for it with a reason, edits, and an approver accepts it (a new baseline; every earlier one
is kept) or rejects it (the plan returns to the latest baseline).

Every write is keyword-only, atomic and audited, refuses a stale version and recomputes the
project's light, because milestone slippage is one of its rules.
"""

from __future__ import annotations

from jinmu.projects.planning.baselines import (
    approve_plan,
    approve_replan,
    baseline_snapshot,
    plan_signature,
    reject_replan,
    replan_requester,
    request_replan,
)
from jinmu.projects.planning.common import FROZEN_FIELDS, MILESTONE_FIELDS
from jinmu.projects.planning.milestones import (
    add_milestone,
    complete_milestone,
    delete_milestone,
    update_milestone,
)
from jinmu.projects.planning.reads import (
    MilestoneRow,
    MilestoneState,
    PlanSummary,
    RemovedEntry,
    days_late,
    milestone_rows,
    milestone_state,
    plan_summary,
)

__all__ = [
    "FROZEN_FIELDS",
    "MILESTONE_FIELDS",
    "MilestoneRow",
    "MilestoneState",
    "PlanSummary",
    "RemovedEntry",
    "add_milestone",
    "approve_plan",
    "approve_replan",
    "baseline_snapshot",
    "complete_milestone",
    "days_late",
    "delete_milestone",
    "milestone_rows",
    "milestone_state",
    "plan_signature",
    "plan_summary",
    "reject_replan",
    "replan_requester",
    "request_replan",
    "update_milestone",
]
