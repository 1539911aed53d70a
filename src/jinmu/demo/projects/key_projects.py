"""County, city and province key projects (重点项目)."""

from __future__ import annotations

import math
from decimal import Decimal

from jinmu.demo.names import person_name
from jinmu.demo.projects.base import BuilderBase
from jinmu.demo.projects.draft import Draft, round_yuan, yi_to_yuan
from jinmu.demo.projects.specs import (
    CHAIN_SITES,
    COUNTY_KEY_TOTAL,
    GREEN,
    INFRASTRUCTURE,
    INFRASTRUCTURE_MILESTONES,
    KEY_MILESTONES,
    KEY_MIX,
    KEY_PER_CHAIN,
    KEY_TEMPLATES,
    R_MILESTONE,
    UPPER_LEVEL,
    Y_SCHEDULE,
    InfrastructureSpec,
    KeyTemplate,
)
from jinmu.projects.choices import ProjectKind, ProjectLevel
from jinmu.projects.models import Project


class KeyProjects(BuilderBase):
    """The 45 county key projects and the city and province ones."""

    def key_amounts(self) -> list[Decimal]:
        """45 totals (whole 100万元) summing exactly to 291.3亿元, several over 10亿."""
        raw = [1.2e8 + self.rng.lognormvariate(math.log(3.8e8), 0.85) for _ in range(45)]
        scale = float(COUNTY_KEY_TOTAL) / sum(raw)
        amounts = [Decimal(round(v * scale / 1e6) * 1_000_000) for v in raw]
        largest = max(range(len(amounts)), key=lambda i: amounts[i])
        amounts[largest] += COUNTY_KEY_TOTAL - sum(amounts, Decimal(0))
        return amounts

    def key_project(
        self, *, chain_key: str, template: KeyTemplate, level: str, total: Decimal, scenario: str
    ) -> Draft:
        """A key project on a chain, built by one of its big firms (or a park's platform)."""
        rng = self.rng
        firm = self.pick_firm(chain_key, template.node) if "{firm}" in template.name else None
        if firm is not None:
            region, park = firm.region_id, self.park_by_id.get(firm.park_id or 0)
        else:
            sites = CHAIN_SITES[chain_key]
            region, park = self.site(
                rng.choice(sites[:2]) if "{park}" in template.name else sites[0]
            )
        values = {
            "firm": firm.name if firm else "",
            "n": rng.randint(*template.capacity),
            "k": rng.choice("二三四"),
            "park": park.name.replace("产业园", "") if park else "",
            "area": f"{rng.uniform(1.5, 12):.1f}",
            "eq": rng.randint(80, 600),
            "lines": rng.randint(2, 12),
        }
        lat, lon = self.coords(region, firm)
        # Most are followed by the town or park they lie in (属地), the rest by a department.
        responsible = self.responsible_for(region, park)
        if firm is not None and rng.random() < 0.35:
            responsible = self.unit(rng.choice(("工信局", "工信局", "发改局", "商务局", "科技局")))
        prefix: dict[str, str] = {
            ProjectLevel.COUNTY: "ZD",
            ProjectLevel.CITY: "SZ",
            ProjectLevel.PROVINCE: "SJ",
        }
        project = Project(
            region_id=region,
            code=self.code(prefix[level]),
            name=template.name.format(**values)[:200],
            kind=ProjectKind.KEY,
            level=level,
            description=template.content.format(**values),
            park=park,
            chain=self.ctx.chains[chain_key],
            node=self.node(chain_key, template.node),
            latitude=lat,
            longitude=lon,
            enterprise_id=firm.pk if firm else None,
            responsible_unit=responsible,
            responsible_person=person_name(rng),
            responsible_phone=self.phone(),
            leader=self.chief(chain_key) if rng.random() < 0.7 else self.user("leader"),
            total_investment=total,
            fixed_asset_investment=round_yuan(float(total) * rng.uniform(0.7, 0.95), 1_000_000),
        )
        draft = Draft(project=project, chain_key=chain_key, with_approvals=True)
        self.start_build(draft, scenario, KEY_MILESTONES, rng.choice((6, 7, 8)))
        return draft

    def infrastructure_project(
        self, spec: InfrastructureSpec, total: Decimal, scenario: str
    ) -> Draft:
        """A county key project of public infrastructure (no owner enterprise)."""
        project = self.unit_project(
            self.ctx.towns[spec.town].code,
            spec.unit,
            code=self.code("ZD"),
            name=spec.name,
            kind=ProjectKind.KEY,
            level=ProjectLevel.COUNTY,
            description=spec.content,
            total_investment=total,
            fixed_asset_investment=total,
        )
        draft = Draft(project=project, with_approvals=True)
        self.start_build(draft, scenario, INFRASTRUCTURE_MILESTONES, 6)
        return draft

    def build_key_projects(self) -> None:
        """The 45 county key projects (291.3亿元) and the city and province ones."""
        rng = self.rng
        amounts = self.key_amounts()
        mix = list(KEY_MIX)
        rng.shuffle(mix)
        slots: list[tuple[str, KeyTemplate | None, int]] = []
        for chain_key, count in KEY_PER_CHAIN.items():
            templates = KEY_TEMPLATES[chain_key]
            slots.extend((chain_key, templates[i % len(templates)], i) for i in range(count))
        slots.extend(("", None, i) for i in range(len(INFRASTRUCTURE)))
        # The biggest sums go to each chain's flagship (its first template), the rest at random.
        flagships = [i for i, (_, template, serial) in enumerate(slots) if template and serial == 0]
        others = [i for i in range(len(slots)) if i not in flagships]
        rng.shuffle(others)
        by_size = sorted(range(len(amounts)), key=lambda i: (-amounts[i], i))
        amount_of = dict(zip(flagships + others, by_size, strict=True))
        for i, (chain_key, template, serial) in enumerate(slots):
            total = amounts[amount_of[i]]
            if template is None:
                draft = self.infrastructure_project(INFRASTRUCTURE[serial], total, mix[i])
            else:
                draft = self.key_project(
                    chain_key=chain_key,
                    template=template,
                    level=ProjectLevel.COUNTY,
                    total=total,
                    scenario=mix[i],
                )
            self.drafts.append(draft)
        upper_mix = (GREEN, GREEN, Y_SCHEDULE, GREEN, R_MILESTONE, GREEN)
        for (chain_key, index, level), scenario in zip(UPPER_LEVEL, upper_mix, strict=True):
            low, high = (15, 32) if level == ProjectLevel.PROVINCE else (6, 14)
            self.drafts.append(
                self.key_project(
                    chain_key=chain_key,
                    template=KEY_TEMPLATES[chain_key][index],
                    level=level,
                    total=yi_to_yuan(rng.uniform(low, high)),
                    scenario=scenario,
                )
            )
        self.give_demo_firm_a_key_project()

    def give_demo_firm_a_key_project(self) -> None:
        """The demo enterprise user's firm builds one of the fitness key projects."""
        demo = self.firm_by_pk.get(self.demo_firm_id or 0)
        owned = [
            d
            for d in self.drafts
            if d.chain_key == "fitness"
            and d.project.level == ProjectLevel.COUNTY
            and d.project.enterprise_id in self.firm_by_pk
        ]
        if demo is None or not owned or any(d.project.enterprise_id == demo.pk for d in owned):
            return
        project = owned[-1].project
        old = self.firm_by_pk[project.enterprise_id or 0]
        project.name = project.name.replace(old.name, demo.name)
        project.enterprise_id = demo.pk
        project.region_id = demo.region_id
        project.park = self.park_by_id.get(demo.park_id or 0)
        project.responsible_unit = self.responsible_for(demo.region_id, project.park)
        project.latitude, project.longitude = self.coords(demo.region_id, demo)
