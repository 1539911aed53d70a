"""Renovation (技改), special-bond (专项债) and challenge (揭榜挂帅) projects."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from jinmu.core.money import WAN
from jinmu.demo.names import person_name
from jinmu.demo.projects.base import BuilderBase
from jinmu.demo.projects.draft import Draft, lifecycle_path, round_yuan, yi_to_yuan
from jinmu.demo.projects.specs import (
    BONDS,
    CHAIN_PRODUCTS,
    CHALLENGE_MILESTONES,
    CHALLENGES,
    PAST,
    RENOVATION_COUNT,
    RENOVATION_MIX,
    RENOVATION_PHRASES,
    REVIEWERS,
    BondSpec,
    ChallengeSpec,
    S,
)
from jinmu.projects.choices import ProjectKind, RenovationDirection
from jinmu.projects.models import ChallengeReview, Project


class Programmes(BuilderBase):
    """Renovations of 规上 firms, special-bond projects and challenges."""

    def build_renovations(self) -> None:
        """120 renovation projects of 规上 firms; some firms have two, some none this year."""
        rng = self.rng
        firms = list(self.firms)
        rng.shuffle(firms)
        firms.sort(key=lambda f: f.pk != self.demo_firm_id)  # the demo firm first (stable sort)
        with_project = min(112, int(len(firms) * 0.65))
        owners = firms[:with_project]
        owners += owners[1 : 1 + min(RENOVATION_COUNT - with_project, with_project // 14)]
        mix = list(RENOVATION_MIX)
        rng.shuffle(mix)
        directions = (
            [RenovationDirection.INTELLIGENT] * 35
            + [RenovationDirection.HIGH_END] * 25
            + [RenovationDirection.GREEN] * 25
            + [RenovationDirection.SAFETY] * 15
        )
        for i, firm in enumerate(owners):
            direction = rng.choice(directions)
            phrase = rng.choice(RENOVATION_PHRASES[direction]).format(
                product=CHAIN_PRODUCTS[firm.chain_key]
            )
            # One in nine below 500万 (small, but still a 规上 firm's project).
            if i % 9 == 4:
                total = round_yuan(rng.uniform(1.2e6, 4.8e6), 10_000)
            else:
                total = round_yuan(
                    min(1.5e8, 5e6 + rng.lognormvariate(math.log(1.2e7), 0.8)), 10_000
                )
            project = Project(
                region_id=firm.region_id,
                code=self.code("JG"),
                name=f"{firm.name}{phrase}项目",
                kind=ProjectKind.RENOVATION,
                description=f"{phrase}，设备投资占比约{rng.randint(55, 85)}%。",
                park=self.park_by_id.get(firm.park_id or 0),
                chain=self.ctx.chains[firm.chain_key],
                node_id=firm.node_id,
                latitude=firm.latitude,
                longitude=firm.longitude,
                enterprise_id=firm.pk,
                responsible_unit=self.unit("工信局"),
                responsible_person=person_name(rng),
                responsible_phone=self.phone(),
                total_investment=total,
                fixed_asset_investment=total,
                direction=direction,
                equipment_investment=round_yuan(float(total) * rng.uniform(0.55, 0.85), 10_000),
            )
            draft = Draft(project=project, chain_key=firm.chain_key)
            self.start_build(draft, mix[i % len(mix)], months=(5, 11), this_year=True)
            if draft.scenario == PAST and rng.random() < 0.3:
                project.status = S.EFFECTIVE
            draft.base_plan = round_yuan(float(total) * rng.uniform(0.6, 0.95), 10_000)
            self.drafts.append(draft)

    def build_bonds(self) -> None:
        """A dozen special-bond projects over the bond lifecycle."""
        for spec in BONDS:
            self.drafts.append(self.bond_project(spec))

    def bond_project(self, spec: BondSpec) -> Draft:
        """A special-bond project at its stage, with the bond amounts that stage implies."""
        rng = self.rng
        order = lifecycle_path(ProjectKind.BOND)
        region = self.ctx.towns[spec.town].code if spec.town else self.ctx.county.code
        requested = yi_to_yuan(spec.bond_yi)
        reached = order.index(spec.status)
        issued = disbursed = None
        if reached >= order.index(S.ISSUED):
            issued = requested if rng.random() < 0.6 else round_yuan(float(requested) * 0.8, 10**6)
        if reached >= order.index(S.DISBURSED) and issued is not None:
            share = 1.0 if spec.status == S.EVALUATED else rng.uniform(0.4, 0.9)
            disbursed = round_yuan(float(issued) * share, 100_000)
        project = self.unit_project(
            region,
            spec.unit,
            code=self.code("ZQ"),
            name=spec.name,
            kind=ProjectKind.BOND,
            status=spec.status,
            description="专项债券项目：实施方案、财务评价和法律意见书随申报材料报送。",
            total_investment=yi_to_yuan(spec.total_yi),
            fixed_asset_investment=yi_to_yuan(spec.total_yi),
            bond_requested=requested,
            bond_issued=issued,
            bond_disbursed=disbursed,
        )
        # Drawn after the contact's name and phone, so the random sequence (the county) stays put.
        project.coverage_ratio = Decimal(f"{rng.uniform(1.3, 2.1):.2f}")
        draft = Draft(project=project)
        if spec.scenario:
            draft.scenario = self.feasible(spec.scenario, has_milestones=False)
            self.set_dates(draft, months=(18, 30))
            draft.base_plan = round_yuan(float(project.total_investment or 0) * 0.4, 10_000)
            draft.reports_from = project.actual_start
        return draft

    def build_challenges(self) -> None:
        """Four challenges (揭榜挂帅) at different stages, published by chain leaders."""
        for spec in CHALLENGES:
            self.drafts.append(self.challenge_project(spec))

    def challenge_project(self, spec: ChallengeSpec) -> Draft:
        """A challenge at its stage: solver, expert reviews, objection period, works."""
        order = lifecycle_path(ProjectKind.CHALLENGE)
        chain_firms = self.firms_by_chain.get(spec.chain) or []
        firm = chain_firms[0] if chain_firms else None
        region = firm.region_id if firm else self.ctx.county.code
        publisher = firm.name if firm else "链主企业"
        project = Project(
            region_id=region,
            code=self.code("JB"),
            name=f"“揭榜挂帅”：{spec.topic}",
            kind=ProjectKind.CHALLENGE,
            status=spec.status,
            description=f"{publisher}发榜，攻关{spec.topic}；揭榜方按里程碑考核，验收通过后兑付奖励。",
            park=self.park_by_id.get(firm.park_id or 0) if firm else None,
            chain=self.ctx.chains[spec.chain],
            enterprise_id=firm.pk if firm else None,
            responsible_unit=self.unit("科技局"),
            responsible_person=person_name(self.rng),
            responsible_phone=self.phone(),
            total_investment=Decimal(spec.budget_wan) * WAN,
            reward=Decimal(spec.reward_wan) * WAN,
        )
        reached = order.index(spec.status)
        if reached >= order.index(S.TAKEN):
            project.solver = spec.solver
        draft = Draft(project=project, chain_key=spec.chain)
        if reached >= order.index(S.REVIEWING):
            self.review(draft)
        if spec.status == S.PUBLICITY:
            project.objection_until = self.today + dt.timedelta(days=3)
        if spec.scenario:
            self.start_build(
                draft, spec.scenario, CHALLENGE_MILESTONES, 6, months=(10, 18), this_year=True
            )
            project.status = spec.status
            assert project.actual_start is not None
            project.objection_until = project.actual_start - dt.timedelta(days=3)
            draft.base_plan = round_yuan(float(spec.budget_wan) * 1e4 * 0.5, 10_000)
            draft.reports_from = project.actual_start
        if spec.chain == "fitness":
            draft.tags.append("双十")
        return draft

    def review(self, draft: Draft) -> None:
        """Three to five expert reviews, and their average as the project's score."""
        rng, project = self.rng, draft.project
        scores = [Decimal(f"{rng.uniform(78, 94):.1f}") for _ in range(rng.randint(3, 5))]
        comments = ("技术路线可行", "团队基础扎实", "考核指标需细化")
        draft.reviews = [
            ChallengeReview(
                region_id=project.region_id,
                reviewer=REVIEWERS[i],
                score=score,
                comment=rng.choice(comments),
            )
            for i, score in enumerate(scores)
        ]
        average = sum(scores, Decimal(0)) / len(scores)
        # Rounded as `services.add_review` rounds the average.
        project.review_score = average.quantize(Decimal("0.01"))
