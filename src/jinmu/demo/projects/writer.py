"""Write the ledger: bulk INSERTs with ids assigned in memory."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db import models

from jinmu.core.models import User
from jinmu.demo.bulk import RowInserter
from jinmu.demo.projects.base import BuilderBase
from jinmu.demo.projects.draft import Draft, attach
from jinmu.problems.models import Problem
from jinmu.projects.models import (
    ApprovalItem,
    Baseline,
    ChallengeReview,
    Milestone,
    Project,
    ProjectTag,
    ProjectYearPlan,
    StatusChange,
    WeeklyReport,
)
from jinmu.projects.planning import baseline_snapshot


class Writer(BuilderBase):
    """Inserts the drafts and their rows."""

    def write(self) -> Counter[type[models.Model]]:
        """Insert everything; return the rows per model."""
        rows = RowInserter()
        industry = self.user("industry")
        for d in self.drafts:
            # The ledger's "registered on" is when the project entered it, not when the demo
            # ran: reports are expected only from projects registered before a week's deadline.
            d.project.created_at = self.at(d.history[0][1], 9)
        rows.insert(Project, [d.project for d in self.drafts])
        rows.insert(
            StatusChange,
            [
                StatusChange(
                    project=d.project,
                    from_status=d.history[i - 1][0] if i else "",
                    to_status=state,
                    changed_on=day,
                    changed_by=d.project.lead_owner or industry,
                    reason=reason,
                )
                for d in self.drafts
                for i, (state, day, reason) in enumerate(d.history)
            ],
        )
        rows.insert(ProjectYearPlan, attach([(d, d.year_plan) for d in self.drafts]))
        rows.insert(ApprovalItem, attach([(d, a) for d in self.drafts for a in d.approvals]))
        rows.insert(Milestone, attach([(d, m) for d in self.drafts for m in d.milestones]))
        rows.insert(WeeklyReport, attach([(d, r) for d in self.drafts for r in d.reports]))
        rows.insert(ChallengeReview, attach([(d, r) for d in self.drafts for r in d.reviews]))
        rows.insert(Baseline, self.baselines())
        problems = []
        for d in self.drafts:
            for report, problem in d.problems:
                problem.project = d.project
                problem.report = report
                problems.append(problem)
        rows.insert(Problem, problems)
        rows.finish()
        rows.counts[ProjectTag] = self.write_tags()
        return rows.counts

    def write_tags(self) -> int:
        """The two project lists and their members."""
        tags = {
            "双十": ProjectTag(
                region=self.ctx.county,
                name="双十项目库",
                description="县里遴选的十大产业项目和十大科技创新项目（演示：口径可配置）",
            ),
            "季观摩": ProjectTag(
                region=self.ctx.county, name="季观摩项目", description="本季度县级观摩的重点项目"
            ),
        }
        ProjectTag.objects.bulk_create(tags.values())
        through = Project.tags.through
        through.objects.bulk_create(
            [
                through(project_id=d.project.pk, projecttag_id=tags[name].pk)
                for d in self.drafts
                for name in dict.fromkeys(d.tags)
            ]
        )
        return len(tags)

    def baselines(self) -> list[Baseline]:
        """Baseline 1 of every approved plan; a second one where a re-plan was approved (the
        milestones must have their ids: the snapshot refers to them)."""
        approver = self.user("leader")
        rows: list[Baseline] = []
        for d in self.drafts:
            if not d.milestones or d.plan_approved_on is None:
                continue
            current = baseline_snapshot(d.milestones)
            first = [dict(entry) for entry in current]
            if d.replan is not None:
                on, reason, days, approved = d.replan
                # The re-plan moved the steps not finished by then; the first baseline keeps
                # their original dates.
                back = dt.timedelta(days=days)
                for entry, m in zip(first, d.milestones, strict=True):
                    if m.actual_end is None or m.actual_end > on:
                        entry["planned_start"] = (m.planned_start - back).isoformat()
                        entry["planned_end"] = (m.planned_end - back).isoformat()
                if approved:
                    rows.append(
                        _baseline(
                            d,
                            2,
                            approver,
                            self.at(on, 15),
                            current,
                            reason=reason,
                            requested_by=self.reporter(d),
                        )
                    )
            rows.append(_baseline(d, 1, approver, self.at(d.plan_approved_on, 10), first))
        return rows


def _baseline(
    d: Draft,
    number: int,
    approver: User | None,
    approved_at: dt.datetime,
    milestones: list[dict[str, Any]],
    **replan: Any,
) -> Baseline:
    """Baseline `number` of a draft's project, approved at `approved_at` with these milestones
    (a re-plan's also names the request's `reason` and `requested_by`)."""
    return Baseline(
        project=d.project,
        region_id=d.project.region_id,
        number=number,
        approved_by=approver,
        approved_at=approved_at,
        milestones=milestones,
        **replan,
    )
