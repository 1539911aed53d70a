"""Reading a plan: where each milestone stands, the plan beside a baseline, and a summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinmu.projects.models import Baseline, Milestone, Project
from jinmu.projects.planning.common import (
    ordered_milestones,
)


@dataclass(frozen=True)
class MilestoneGlance:
    """What a plan's summary reads of a milestone, and shows of the next one (`owner_unit`:
    its owner unit's name, None without one)."""

    pk: int
    name: str
    planned_end: dt.date
    actual_end: dt.date | None
    weight: Decimal
    owner_unit: str | None


def milestone_glances(project: Project) -> list[MilestoneGlance]:
    """The plan's milestones in display order, as far as `plan_summary` reads them: the
    project page's panel needs no whole rows (issue 11)."""
    rows = (
        Milestone.objects.filter(project=project)
        .order_by("sort_order", "planned_start", "id")
        .values_list("pk", "name", "planned_end", "actual_end", "weight", "owner_unit__name")
    )
    return [MilestoneGlance(*row) for row in rows]


def days_late(milestone: Milestone | MilestoneGlance, *, today: dt.date) -> int:
    """Days past the planned end: up to the actual end when done, up to today otherwise."""
    end = milestone.actual_end or today
    return max(0, (end - milestone.planned_end).days)


class MilestoneState:
    """Where a milestone stands (values used in pages, exports and the API)."""

    DONE = "done"
    DONE_LATE = "done_late"
    LATE = "late"
    ONGOING = "ongoing"
    UPCOMING = "upcoming"


def milestone_state(milestone: Milestone, *, today: dt.date) -> str:
    """Done (on time or late), late (past its planned end, unfinished), ongoing or upcoming."""
    if milestone.actual_end:
        late = milestone.actual_end > milestone.planned_end
        return MilestoneState.DONE_LATE if late else MilestoneState.DONE
    if today > milestone.planned_end:
        return MilestoneState.LATE
    if milestone.actual_start or today >= milestone.planned_start:
        return MilestoneState.ONGOING
    return MilestoneState.UPCOMING


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone beside its baseline entry (None: added after that baseline)."""

    milestone: Milestone
    state: str
    days_late: int
    baseline_start: dt.date | None
    baseline_end: dt.date | None

    @property
    def slip_days(self) -> int | None:
        """How far re-planning moved the planned end from the baseline's (days, + = later)."""
        if self.baseline_end is None:
            return None
        return (self.milestone.planned_end - self.baseline_end).days


@dataclass(frozen=True)
class RemovedEntry:
    """A baseline milestone that is no longer in the plan."""

    name: str
    planned_start: dt.date
    planned_end: dt.date
    owner_unit_name: str
    weight: Decimal


def milestone_rows(
    project: Project, *, baseline: Baseline | None, today: dt.date
) -> tuple[list[MilestoneRow], list[RemovedEntry]]:
    """The plan's milestones in order with the chosen baseline's dates, and the baseline's
    milestones that have since been removed."""
    entries = {int(e["id"]): e for e in (baseline.milestones if baseline else [])}
    rows = []
    for milestone in ordered_milestones(project):
        entry = entries.pop(milestone.pk, None)
        rows.append(
            MilestoneRow(
                milestone=milestone,
                state=milestone_state(milestone, today=today),
                days_late=days_late(milestone, today=today),
                baseline_start=dt.date.fromisoformat(entry["planned_start"]) if entry else None,
                baseline_end=dt.date.fromisoformat(entry["planned_end"]) if entry else None,
            )
        )
    removed = [
        RemovedEntry(
            name=e["name"],
            planned_start=dt.date.fromisoformat(e["planned_start"]),
            planned_end=dt.date.fromisoformat(e["planned_end"]),
            owner_unit_name=e.get("owner_unit_name") or "",
            weight=Decimal(str(e["weight"])),
        )
        for e in entries.values()
    ]
    return rows, removed


@dataclass(frozen=True)
class PlanSummary:
    """A project's battle map at a glance."""

    state: str
    total: int
    done: int
    weighted_percent: int
    next_milestone: Milestone | MilestoneGlance | None
    late_count: int
    max_days_late: int
    baseline_count: int
    slipped_count: int

    @property
    def has_plan(self) -> bool:
        """True once the plan has a milestone."""
        return self.total > 0


def plan_summary(
    project: Project,
    *,
    today: dt.date,
    milestones: Sequence[Milestone] | Sequence[MilestoneGlance] | None = None,
    baselines: Sequence[Baseline] | None = None,
) -> PlanSummary:
    """Progress by weight of finished milestones, the next one due, slippage and re-plans;
    from the plan's `milestones` (in display order) and `baselines` (by number) when the
    caller read them already."""
    if milestones is None:
        milestones = list(ordered_milestones(project))
    entries: list[Any]
    if baselines is None:
        # The summary reads the baselines' entries alone (and counts them).
        entries = list(
            Baseline.objects.filter(project=project)
            .order_by("number")
            .values_list("milestones", flat=True)
        )
    else:
        entries = [baseline.milestones for baseline in baselines]
    first_ends = {
        int(e["id"]): dt.date.fromisoformat(e["planned_end"])
        for e in (entries[0] if entries else [])
    }
    total_weight = sum((m.weight for m in milestones), Decimal("0"))
    done = [m for m in milestones if m.actual_end]
    done_weight = sum((m.weight for m in done), Decimal("0"))
    if total_weight > 0:
        percent = int((done_weight * 100 / total_weight).to_integral_value())
    else:
        percent = round(100 * len(done) / len(milestones)) if milestones else 0
    late = [m for m in milestones if not m.actual_end and days_late(m, today=today) > 0]
    open_ones = sorted((m for m in milestones if not m.actual_end), key=lambda m: m.planned_end)
    slipped = [m for m in milestones if m.pk in first_ends and m.planned_end > first_ends[m.pk]]
    return PlanSummary(
        state=project.plan_state,
        total=len(milestones),
        done=len(done),
        weighted_percent=percent,
        next_milestone=open_ones[0] if open_ones else None,
        late_count=len(late),
        max_days_late=max((days_late(m, today=today) for m in late), default=0),
        baseline_count=len(entries),
        slipped_count=len(slipped),
    )
