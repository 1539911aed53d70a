"""The project builder: the kinds of project, their plans and reports, and the writer, put
together; `build_projects` runs it."""

from __future__ import annotations

from collections import Counter

from django.db import models

from jinmu.demo.projects.attraction import AttractionProjects
from jinmu.demo.projects.key_projects import KeyProjects
from jinmu.demo.projects.plans import Plans
from jinmu.demo.projects.programmes import Programmes
from jinmu.demo.projects.reports import Reports
from jinmu.demo.projects.specs import GREEN, REPLAN_REASONS, S
from jinmu.demo.projects.writer import Writer
from jinmu.demo.world import DemoContext
from jinmu.projects.choices import INITIAL_STATUS, ProjectKind, ProjectLevel
from jinmu.projects.lights import refresh_lights
from jinmu.projects.models import Project


class Builder(KeyProjects, AttractionProjects, Programmes, Plans, Reports, Writer):
    """Puts the ledger together in memory, then writes it in a few bulk inserts."""

    def build(self) -> None:
        """Every project and its rows, in memory."""
        self.build_key_projects()
        self.build_attraction_projects()
        self.build_renovations()
        self.build_bonds()
        self.build_challenges()
        self.choose_replans()
        for draft in self.drafts:
            if not draft.project.status:
                draft.project.status = INITIAL_STATUS[draft.project.kind]
            self.history(draft)
            self.milestones(draft)
            self.approvals(draft)
            self.reports(draft)
            self.problems(draft)
        self.tag_lists()

    def choose_replans(self) -> None:
        """Three key projects on plan whose plan was changed once with a reason, and one whose
        change awaits approval."""
        chosen = [
            d
            for d in self.drafts
            if d.project.kind == ProjectKind.KEY and d.scenario == GREEN and d.template
        ][: len(REPLAN_REASONS)]
        for i, (draft, reason) in enumerate(zip(chosen, REPLAN_REASONS, strict=False)):
            approved = i < len(REPLAN_REASONS) - 1
            draft.replan = (self.days_ago(20, 70), reason, self.rng.randint(30, 60), approved)

    def tag_lists(self) -> None:
        """The 双十 library (the biggest county key projects, the named attraction projects
        and a challenge) and this quarter's site-visit list."""
        keys = [
            d
            for d in self.drafts
            if d.project.kind == ProjectKind.KEY and d.project.level == ProjectLevel.COUNTY
        ]
        keys.sort(key=lambda d: (-(d.project.total_investment or 0), d.project.code))
        for draft in keys[:6]:
            draft.tags.append("双十")
        for draft in [d for d in keys if d.project.status == S.STARTED][:8]:
            draft.tags.append("季观摩")


def build_projects(
    ctx: DemoContext, *, seed: int, demo_firm_id: int | None = None
) -> Counter[type[models.Model]]:
    """Write the demo's project ledger (bulk, no per-row audit) and compute its lights.

    Returns the rows written per model, for the demo's one summarising audit row each.
    """
    builder = Builder(ctx, seed=seed, demo_firm_id=demo_firm_id)
    builder.build()
    counts = builder.write()
    refresh_lights(
        Project.objects.filter(pk__in=[d.project.pk for d in builder.drafts]), today=ctx.today
    )
    return counts
