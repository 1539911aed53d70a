"""Attraction projects (招商引资), from lead to production."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jinmu.demo.names import person_name
from jinmu.demo.ningjin import CHAIN_BY_KEY
from jinmu.demo.projects.base import BuilderBase
from jinmu.demo.projects.draft import Draft, round_yuan, yi_to_yuan
from jinmu.demo.projects.specs import (
    ATTRACTION_MILESTONES,
    ATTRACTION_STAGES,
    ATTRACTIONS,
    CHAIN_SITES,
    INVESTOR_WORDS,
    NAMED_ATTRACTIONS,
    PAST,
    REFERRERS,
    TERMINATION_REASONS,
    TRADE_NAMES,
    AttractionSpec,
    S,
)
from jinmu.projects.choices import ProjectKind, Purpose
from jinmu.projects.models import Project

# Share of the contract value in place (到位资金) by stage: (low, high).
FUNDS_IN_PLACE: dict[str, tuple[float, float]] = {
    S.SIGNED: (0.0, 0.05),
    S.REGISTERED: (0.05, 0.2),
    S.STARTED: (0.2, 0.6),
    S.COMPLETED: (0.7, 0.95),
    S.PRODUCING: (0.85, 1.0),
    S.EFFECTIVE: (1.0, 1.0),
}


def _description(spec: AttractionSpec) -> str:
    """A named project says so; the others say which chain link they fill, strengthen or extend."""
    if spec.name:
        return f"{spec.content}文章点名的补“芯”项目；投资额与进度为演示数据。"
    verbs: dict[str, str] = {Purpose.FILL: "补齐", Purpose.STRENGTHEN: "做强"}
    verb = verbs.get(spec.purpose, "延伸")
    chain_name = CHAIN_BY_KEY[spec.chain].name
    return f"投资建设{spec.content}项目，{verb}{chain_name}产业链“{spec.node}”环节。"


class AttractionProjects(BuilderBase):
    """The named attraction projects and the others across every stage."""

    def attraction_project(self, spec: AttractionSpec, status: str, scenario: str) -> Draft:
        """An attraction project at a stage, with the lead dates and money that stage implies."""
        draft = self.attraction_draft(spec, status)
        if status in (S.LEAD, S.ASSESSING, S.NEGOTIATING):
            self.lead_dates(draft, status, None)
            return draft
        if status == S.TERMINATED:
            self.lead_dates(draft, S.NEGOTIATING, None)
            draft.terminated = (self.days_ago(5, 30), self.rng.choice(TERMINATION_REASONS))
            return draft
        self.attraction_dates(draft, spec, status, scenario)
        self.attraction_deal(draft, status)
        return draft

    def attraction_draft(self, spec: AttractionSpec, status: str) -> Draft:
        """The project as registered: investor, site (once signed), owner, amounts."""
        rng = self.rng
        total = yi_to_yuan(spec.amount_yi)
        sited = status not in (S.LEAD, S.ASSESSING, S.NEGOTIATING, S.TERMINATED)
        if sited:
            region, park = self.site(rng.choice(CHAIN_SITES[spec.chain]))
        else:
            region, park = self.ctx.county.code, None
        investor = spec.investor or (
            f"{spec.city.removesuffix('市')}{rng.choice(TRADE_NAMES)}"
            f"{rng.choice(INVESTOR_WORDS[spec.chain])}有限公司（示例）"
        )
        short = investor.removesuffix("（示例）").removesuffix("有限公司")
        owner = self.chain_office_user(spec.chain)
        if park is not None and park.pk in self.kaifaqu_family and rng.random() < 0.5:
            owner = self.user("park-kaifaqu") or owner
        fixed_share = rng.uniform(0.62, 0.9) if spec.amount_yi >= 1 else rng.uniform(0.4, 0.7)
        lat, lon = self.coords(region) if sited else (None, None)
        project = Project(
            region_id=region,
            code=self.code("ZS"),
            name=(spec.name or f"{short}{spec.content}项目")[:200],
            kind=ProjectKind.ATTRACTION,
            status=status,
            description=_description(spec),
            park=park,
            chain=self.ctx.chains[spec.chain],
            node=self.node(spec.chain, spec.node),
            latitude=lat,
            longitude=lon,
            responsible_unit=park if park is not None else self.unit("商务局"),
            responsible_person=person_name(rng),
            responsible_phone=self.phone(),
            leader=self.chief(spec.chain) if spec.amount_yi >= 3 else None,
            total_investment=total,
            fixed_asset_investment=round_yuan(float(total) * fixed_share, 1_000_000),
            investor=investor,
            origin_province=spec.province,
            origin_city=spec.city,
            referrer=rng.choice(REFERRERS),
            lead_owner=owner,
            purpose=spec.purpose,
            exclusions=list(spec.exclusions),
        )
        return Draft(project=project, chain_key=spec.chain)

    def attraction_dates(
        self, draft: Draft, spec: AttractionSpec, status: str, scenario: str
    ) -> None:
        """Dates and plan of a signed project; the status stays the stage given, whatever the
        dates' scenario implied."""
        big = spec.amount_yi >= 1
        draft.scenario = scenario
        if status in (S.SIGNED, S.REGISTERED):
            self.set_dates(draft, months=(12, 24))
            if status == S.REGISTERED and big:
                draft.template = ATTRACTION_MILESTONES
        elif status in (S.PRODUCING, S.EFFECTIVE):
            draft.scenario = PAST
            self.set_dates(draft)
        else:
            self.start_build(draft, scenario, ATTRACTION_MILESTONES if big else (), 7)
            draft.with_approvals = big
        draft.project.status = status

    def attraction_deal(self, draft: Draft, status: str) -> None:
        """When the contract was signed, the lead dates before it, and the funds in place."""
        project, rng = draft.project, self.rng
        total = project.total_investment or Decimal(0)
        start = project.actual_start or project.planned_start or self.today
        if status == S.SIGNED:
            signed = self.days_ago(15, 110)
        elif status == S.REGISTERED:
            signed = min(self.days_ago(120, 240), start - dt.timedelta(days=30))
        else:
            signed = start - dt.timedelta(days=rng.randint(60, 200))
        signed = min(signed, self.today - dt.timedelta(days=1))
        self.lead_dates(draft, status, signed)
        low, high = FUNDS_IN_PLACE[status]
        project.signed_on = signed
        project.contract_value = total
        project.funds_in_place = round_yuan(float(total) * rng.uniform(low, high), 10_000)
        draft.reports_from = signed
        draft.base_plan = round_yuan(float(total) * rng.uniform(0.25, 0.5), 10_000)

    def lead_dates(self, draft: Draft, status: str, signed: dt.date | None) -> None:
        """Lead handling dates (江门 deadlines): recent leads leave some due, some overdue."""
        p, rng = draft.project, self.rng
        if status == S.LEAD:
            registered = self.days_ago(0, 12)
            p.lead_registered_on = registered
            if rng.random() < 0.6:
                p.lead_owner_named_on = min(self.today, registered + dt.timedelta(days=1))
            else:
                p.lead_owner = None  # no owner named yet: overdue after a day
            return
        if signed is not None:
            registered = signed - dt.timedelta(days=rng.randint(30, 200))
        elif status == S.ASSESSING:
            registered = self.days_ago(5, 30)
        else:
            registered = self.days_ago(40, 300)
        p.lead_registered_on = registered
        p.lead_owner_named_on = min(self.today, registered + dt.timedelta(days=rng.randint(0, 1)))
        p.lead_assessed_on = min(self.today, registered + dt.timedelta(days=rng.randint(1, 6)))
        if status == S.ASSESSING and rng.random() < 0.5:
            p.lead_feedback_on = None  # still owed to the referrer
        else:
            feedback = p.lead_assessed_on + dt.timedelta(days=rng.randint(1, 6))
            p.lead_feedback_on = min(self.today, feedback)
        if status in (S.ASSESSING, S.NEGOTIATING):
            recent = rng.random() < 0.6
            followed = self.days_ago(2, 12) if recent else self.days_ago(18, 40)
            p.lead_followed_up_on = max(followed, p.lead_assessed_on)
        else:
            p.lead_followed_up_on = signed

    def build_attraction_projects(self) -> None:
        """The three named projects and 41 more across every stage."""
        for spec in NAMED_ATTRACTIONS:
            draft = self.attraction_project(spec, spec.status, spec.scenario)
            draft.tags.append("双十")
            self.drafts.append(draft)
        specs = list(ATTRACTIONS)
        self.rng.shuffle(specs)
        slots = [(status, sc) for status, scenarios in ATTRACTION_STAGES for sc in scenarios]
        for spec, (status, scenario) in zip(specs, slots, strict=True):
            self.drafts.append(self.attraction_project(spec, status, scenario))
