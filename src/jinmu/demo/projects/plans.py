"""Status history, milestone plans (battle maps) and approval items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jinmu.demo.projects.base import BuilderBase
from jinmu.demo.projects.draft import Draft, lifecycle_path, month_end
from jinmu.demo.projects.specs import R_MILESTONE, R_START, Y_MILESTONE, Y_START, MilestoneSpec, S
from jinmu.projects.choices import ApprovalKind, PlanState
from jinmu.projects.models import ApprovalItem, Milestone

# Who grants each approval (unit short names).
AUTHORITIES: dict[str, str] = {
    ApprovalKind.LAND: "自然资源局",
    ApprovalKind.PLANNING: "行政审批局",
    ApprovalKind.CONSTRUCTION: "行政审批局",
    ApprovalKind.ENVIRONMENT: "生态环境分局",
    ApprovalKind.ENERGY: "发改局",
    ApprovalKind.TITLE: "自然资源局",
}


class Plans(BuilderBase):
    """A project's history, milestones and approvals."""

    def history(self, draft: Draft) -> None:
        """The lifecycle path up to the current status, dated in order."""
        p, rng = draft.project, self.rng
        flow = lifecycle_path(p.kind)
        if draft.terminated is not None:
            path = flow[: rng.randint(2, 3)]
            end = draft.terminated[0]
        else:
            path = flow[: flow.index(p.status) + 1]
            end = self.today
        anchors: dict[str, dt.date | None] = {
            S.ASSESSING: p.lead_assessed_on,
            S.SIGNED: p.signed_on,
            S.STARTED: p.actual_start,
            S.COMPLETED: p.actual_completion,
            S.ESTABLISHED: p.actual_start,
        }
        if p.lead_registered_on is not None:
            first = p.lead_registered_on
        elif p.planned_start is not None:
            first = p.planned_start - dt.timedelta(days=rng.randint(120, 300))
        else:
            first = self.days_ago(200, 500)
        dates = [min(first, end)]
        for i, state in enumerate(path[1:], start=1):
            anchor = anchors.get(state)
            if anchor is None:
                later = [d for s in path[i + 1 :] if (d := anchors.get(s)) is not None]
                limit = min([*later, end])
                gap = max(0, (limit - dates[-1]).days)
                anchor = dates[-1] + dt.timedelta(days=min(gap, rng.randint(5, 40)) // 2)
            dates.append(min(end, max(anchor, dates[-1])))
        entries = [(path[0], dates[0], "登记入库")]
        entries += [(state, day, "") for state, day in zip(path[1:], dates[1:], strict=True)]
        if draft.terminated is not None:
            day, reason = draft.terminated
            entries.append((S.TERMINATED, max(day, dates[-1]), reason))
        draft.history = entries

    # -- plans: milestones and approvals ---------------------------------------------------

    def milestones(self, draft: Draft) -> None:
        """The battle map: milestones laid out around the planned start and completion."""
        p = draft.project
        if not draft.template or p.planned_start is None or p.planned_completion is None:
            return
        spans = self.milestone_spans(draft, p.planned_start, p.planned_completion)
        for order, (spec, begin, end) in enumerate(spans):
            draft.milestones.append(self.milestone(draft, spec, begin, end, order))
            draft.phases.append(spec.phase)
        if p.actual_completion is not None:
            _finish_milestones(draft, p.actual_completion, spans[-1][2])
        if draft.scenario in (Y_MILESTONE, R_MILESTONE):
            self.slip(draft)
        self.approve_plan(draft)

    def milestone_spans(
        self, draft: Draft, start: dt.date, finish: dt.date
    ) -> list[tuple[MilestoneSpec, dt.date, dt.date]]:
        """(step, planned start, planned end) of each step: the preparatory ones before the
        start of works, the building ones by weight up to completion, then the later ones."""
        spans: list[tuple[MilestoneSpec, dt.date, dt.date]] = []
        pre = [s for s in draft.template if s.phase == "pre"]
        pre_days = self.rng.randint(90, 170)
        step = pre_days // max(1, len(pre))
        for i, spec in enumerate(pre):
            begin = start - dt.timedelta(days=pre_days - i * step)
            spans.append((spec, begin, begin + dt.timedelta(days=step - 1)))
        for spec in draft.template:
            if spec.phase == "start" and draft.scenario == Y_START:
                spans.append((spec, start, month_end(start)))
            elif spec.phase == "start":
                spans.append((spec, start - dt.timedelta(days=10), start + dt.timedelta(days=10)))
        build = [s for s in draft.template if s.phase == "build"]
        cursor = start + dt.timedelta(days=11)
        weights = sum(s.weight for s in build) or 1
        length = max(30 * len(build), (finish - cursor).days)
        for spec in build:
            days = max(14, length * spec.weight // weights)
            spans.append((spec, cursor, cursor + dt.timedelta(days=days - 1)))
            cursor += dt.timedelta(days=days)
        for spec in draft.template:
            if spec.phase == "post":
                spans.append((spec, finish, finish + dt.timedelta(days=60)))
        return spans

    def milestone(
        self, draft: Draft, spec: MilestoneSpec, begin: dt.date, end: dt.date, order: int
    ) -> Milestone:
        """One step, with the actual dates of the part already done."""
        p, rng, today = draft.project, self.rng, self.today
        owner = p.responsible_unit if spec.owner == "@resp" else self.unit(spec.owner)
        m = Milestone(
            region_id=p.region_id,
            name=spec.name,
            planned_start=begin,
            planned_end=end,
            owner_unit=owner,
            weight=Decimal(spec.weight).quantize(Decimal("0.01")),
            sort_order=order,
        )
        # Before the start of works only the preparatory steps move; a project stuck at
        # the start (red) is stuck on its land and permits too.
        movable = spec.phase == "pre" or p.actual_start is not None
        assert p.planned_start is not None
        if draft.scenario == R_START and end >= p.planned_start - dt.timedelta(days=60):
            movable = False
        if movable and begin <= today:
            m.actual_start = min(today, begin + dt.timedelta(days=rng.randint(0, 2)))
            if end < today:
                m.actual_end = max(m.actual_start, end - dt.timedelta(days=rng.randint(0, 5)))
        return m

    def approve_plan(self, draft: Draft) -> None:
        """The plan was approved a few days before its first step (at the latest yesterday);
        a change of plan may await approval."""
        p = draft.project
        first = min(m.planned_start for m in draft.milestones)
        approved = first - dt.timedelta(days=self.rng.randint(3, 15))
        draft.plan_approved_on = min(approved, self.today - dt.timedelta(days=1))
        p.plan_state = PlanState.APPROVED
        if draft.replan is not None and not draft.replan[3]:
            # A change of plan asked for and not yet approved (the milestones show it).
            p.plan_state = PlanState.REPLANNING
            p.replan_reason = draft.replan[1]

    def slip(self, draft: Draft) -> None:
        """Make the building step under way late: past its planned end and unfinished."""
        today, rng = self.today, self.rng
        days = rng.randint(3, 9) if draft.scenario == Y_MILESTONE else rng.randint(20, 45)
        building = [
            m
            for m, phase in zip(draft.milestones, draft.phases, strict=True)
            if phase == "build" and m.planned_start <= today
        ]
        current = [m for m in building if m.planned_end >= today]
        late = current[0] if current else (building or draft.milestones)[-1]
        late.planned_end = today - dt.timedelta(days=days)
        late.planned_start = min(late.planned_start, late.planned_end - dt.timedelta(days=20))
        late.actual_start = late.planned_start
        late.actual_end = None

    def approvals(self, draft: Draft) -> None:
        """用地, 规划许可, 施工许可, 环评 (能评), 不动产权证 with planned and actual dates."""
        p = draft.project
        if not draft.with_approvals or p.planned_start is None:
            return
        if p.actual_start is not None:
            items = self.approvals_done(p.actual_start)
        else:
            items = self.approvals_due(p.planned_start, stuck=draft.scenario == R_START)
        for kind, (planned_on, actual_on) in items.items():
            draft.approvals.append(
                ApprovalItem(
                    region_id=p.region_id,
                    kind=kind,
                    planned_on=planned_on,
                    actual_on=actual_on,
                    authority=self.unit(AUTHORITIES[kind]),
                )
            )

    def approvals_done(self, start: dt.date) -> dict[str, tuple[dt.date, dt.date | None]]:
        """A started project's approvals, granted before the start; about half of them started
        on the day they got their land (拿地即开工)."""
        rng = self.rng
        items: dict[str, tuple[dt.date, dt.date | None]] = {}
        same_day = rng.random() < 0.45
        land = start if same_day else start - dt.timedelta(days=rng.randint(20, 60))
        planning = land if same_day else land + dt.timedelta(days=rng.randint(8, 20))
        construction = (
            land if same_day else min(start, planning + dt.timedelta(days=rng.randint(5, 15)))
        )
        title = land if rng.random() < 0.5 else land + dt.timedelta(days=rng.randint(15, 90))
        environment = land - dt.timedelta(days=rng.randint(20, 80))
        items[ApprovalKind.ENVIRONMENT] = (environment, environment)
        if rng.random() < 0.35:
            energy = environment + dt.timedelta(days=rng.randint(0, 15))
            items[ApprovalKind.ENERGY] = (energy, energy)
        items[ApprovalKind.LAND] = (land, land)
        items[ApprovalKind.PLANNING] = (planning, planning)
        items[ApprovalKind.CONSTRUCTION] = (construction, construction)
        items[ApprovalKind.TITLE] = (title, title if title < self.today else None)
        return items

    def approvals_due(
        self, planned: dt.date, *, stuck: bool
    ) -> dict[str, tuple[dt.date, dt.date | None]]:
        """A project not started yet: the approvals due so far are granted, unless it is stuck
        on its land (then neither the land nor the planning permit is)."""
        rng, today = self.rng, self.today
        land = planned - dt.timedelta(days=rng.randint(10, 25))
        environment = planned - dt.timedelta(days=rng.randint(40, 90))
        land_done = not stuck and land < today
        planning = land + dt.timedelta(days=5)
        return {
            ApprovalKind.ENVIRONMENT: (environment, environment if environment < today else None),
            ApprovalKind.LAND: (land, land if land_done else None),
            ApprovalKind.PLANNING: (planning, planning if land_done and planning < today else None),
            ApprovalKind.CONSTRUCTION: (planned - dt.timedelta(days=1), None),
            ApprovalKind.TITLE: (land, None),
        }


def _finish_milestones(draft: Draft, completed: dt.date, last_end: dt.date) -> None:
    """A completed project has finished every step but those after completion: each ends at
    its actual end (else the plan's last end), and no later than the completion."""
    for m, phase in zip(draft.milestones, draft.phases, strict=True):
        if phase != "post":
            m.actual_start = m.actual_start or m.planned_start
            m.actual_end = max(m.actual_start, min(m.actual_end or last_end, completed))
