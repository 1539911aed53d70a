"""The project builder's state and the lookups, times and dates every kind of project uses."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jinmu.chains.models import ChainNode, EnterpriseNode
from jinmu.core.models import Unit, User
from jinmu.core.money import WAN
from jinmu.core.workdays import WorkCalendar
from jinmu.demo.enterprises import LATEST_YEAR
from jinmu.demo.names import person_name
from jinmu.demo.ningjin import CHAINS, PARKS
from jinmu.demo.projects.draft import Draft, Firm, month_end, round_yuan
from jinmu.demo.projects.specs import (
    COMPLETED,
    FALLBACK,
    FUTURE,
    NEW_START,
    NOT_STARTED,
    PAST,
    R_SCHEDULE,
    R_STATS,
    REPORT_WEEKS,
    SCHEDULE_FEASIBLE,
    SEED_OFFSET,
    Y_SCHEDULE,
    Y_START,
    Y_STATS,
    MilestoneSpec,
    S,
)
from jinmu.demo.world import DemoContext
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.projects.lights import expected_share
from jinmu.projects.models import Project, ProjectYearPlan, settings_for
from jinmu.projects.weeks import latest_due_week, monday_of


class BuilderBase:
    """Puts the ledger together in memory: the state, lookups, times and scenario dates
    shared by the kinds of project (the mixins next to this module)."""

    def __init__(self, ctx: DemoContext, *, seed: int, demo_firm_id: int | None) -> None:
        self.ctx = ctx
        self.rng = random.Random(seed + SEED_OFFSET)
        self.today = ctx.today
        self.year = ctx.today.year
        self.demo_firm_id = demo_firm_id
        self.due_weekday = settings_for(ctx.county).report_due_weekday
        self.due_week = latest_due_week(self.today, self.due_weekday)
        self.weeks = [
            self.due_week - dt.timedelta(weeks=i) for i in range(REPORT_WEEKS - 1, -1, -1)
        ]
        self.current_week = monday_of(self.today)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.calendar = WorkCalendar.for_region(ctx.county.code)
        self.users = {u.username: u for u in User.objects.filter(region__isnull=False)}
        self.unit_users: dict[int, User] = {}
        for user in self.users.values():
            if user.unit_id is not None:
                self.unit_users.setdefault(user.unit_id, user)
        self.firms, self.firms_by_chain = self._load_firms()
        self.firm_by_pk = {f.pk: f for f in self.firms}
        self.used_firms: set[int] = set()
        self.drafts: list[Draft] = []
        self.codes: Counter[str] = Counter()
        self.park_by_id = {u.pk: u for u in ctx.parks.values()}
        self.town_by_code = {t.code: name for name, t in ctx.towns.items()}
        self.kaifaqu_family = {
            ctx.units[p.short_name].pk for p in PARKS if "开发区" in (p.short_name, p.parent)
        }
        # The plain time-proportional share today (a plan without monthly shares).
        self.plain_share = float(self.share(None))

    # -- lookups ---------------------------------------------------------------------------

    def _load_firms(self) -> tuple[list[Firm], dict[str, list[Firm]]]:
        """规上 operating firms with their latest revenue and main chain node (three queries)."""
        chain_keys = {chain.pk: key for key, chain in self.ctx.chains.items()}
        rows = list(
            Enterprise.objects.filter(
                scale=EnterpriseScale.ABOVE,
                status=EnterpriseStatus.OPERATING,
                region__code__startswith=self.ctx.county.code,
            )
            .order_by("pk")
            .values("pk", "name", "region_id", "park_id", "latitude", "longitude")
        )
        revenue = dict(
            AnnualFigures.objects.filter(
                year=LATEST_YEAR, enterprise__scale=EnterpriseScale.ABOVE
            ).values_list("enterprise_id", "operating_revenue")
        )
        links: dict[int, tuple[int, int, str]] = {}
        for enterprise_id, node_id, chain_id, node_name in (
            EnterpriseNode.objects.filter(
                node__chain_id__in=list(chain_keys), enterprise__scale=EnterpriseScale.ABOVE
            )
            .order_by("enterprise_id", "pk")
            .values_list("enterprise_id", "node_id", "node__chain_id", "node__name")
        ):
            links.setdefault(enterprise_id, (node_id, chain_id, node_name))
        firms: list[Firm] = []
        by_chain: dict[str, list[Firm]] = {key: [] for key in self.ctx.chains}
        for row in rows:
            link = links.get(row["pk"])
            if link is None:
                continue
            firm = Firm(
                **row,
                revenue=Decimal(revenue.get(row["pk"]) or 0),
                chain_key=chain_keys[link[1]],
                node_id=link[0],
                node_name=link[2],
            )
            firms.append(firm)
            by_chain[firm.chain_key].append(firm)
        for chain_firms in by_chain.values():
            chain_firms.sort(key=lambda f: (-f.revenue, f.pk))
        return firms, by_chain

    def unit(self, short: str) -> Unit:
        """A unit by its short name (towns by their name)."""
        return self.ctx.units[short]

    def user(self, username: str) -> User | None:
        """A demo user (None if that login was not created)."""
        return self.users.get(username)

    def chief(self, chain_key: str) -> User | None:
        """The chain's 链长 (a county leader)."""
        spec = next(s for s in CHAINS if s.key == chain_key)
        return self.user(spec.chief[0])

    def chain_office_user(self, chain_key: str) -> User | None:
        """The chain office's login if the demo has one, else the industry office's."""
        logins = {"fitness": "chain-fitness", "elevator": "chain-elevator"}
        logins["furniture"] = "chain-furniture"
        return self.user(logins.get(chain_key, "industry")) or self.user("industry")

    def node(self, chain_key: str, name: str) -> ChainNode | None:
        """A chain node by name, or None."""
        return self.ctx.nodes.get((chain_key, name))

    def code(self, prefix: str) -> str:
        """The next project number of a series, e.g. NJ2026-ZD001."""
        self.codes[prefix] += 1
        return f"NJ{self.year}-{prefix}{self.codes[prefix]:03d}"

    def site(self, name: str) -> tuple[str, Unit | None]:
        """(region code, park) of a park's or a town's name."""
        park = self.ctx.parks.get(name)
        if park is not None and park.town_region_id is not None:
            return park.town_region_id, park
        return self.ctx.towns[name].code, None

    def coords(self, region_code: str, firm: Firm | None = None) -> tuple[Decimal, Decimal]:
        """The firm's point, else a point in the town."""
        if firm is not None and firm.latitude is not None and firm.longitude is not None:
            return Decimal(firm.latitude), Decimal(firm.longitude)
        town = self.town_by_code.get(region_code, "津城街道")
        lat, lon = self.ctx.town_coords[town]
        q = Decimal("0.000001")
        return (
            Decimal(lat + self.rng.uniform(-0.012, 0.012)).quantize(q),
            Decimal(lon + self.rng.uniform(-0.012, 0.012)).quantize(q),
        )

    def phone(self) -> str:
        """A fictional landline in Dezhou's area code."""
        return f"0534-5{self.rng.randint(100000, 999999)}"

    def unit_project(self, region: str, unit: str, **fields: Any) -> Project:
        """A project a county unit answers for (no owner enterprise), at a point in its town,
        in the park when the park runs it, with the county leader in charge."""
        lat, lon = self.coords(region)
        return Project(
            region_id=region,
            park=self.unit(unit) if unit == "开发区" else None,
            latitude=lat,
            longitude=lon,
            responsible_unit=self.unit(unit),
            responsible_person=person_name(self.rng),
            responsible_phone=self.phone(),
            leader=self.user("leader"),
            **fields,
        )

    def pick_firm(self, chain_key: str, node_name: str) -> Firm | None:
        """A big 规上 firm on the chain (on the node if possible), preferring unused ones."""
        candidates = self.firms_by_chain.get(chain_key, [])
        on_node = [f for f in candidates if f.node_name == node_name]
        for pool in (on_node, candidates):
            fresh = [f for f in pool if f.pk not in self.used_firms][:12]
            if fresh:
                firm = self.rng.choice(fresh[: max(3, len(fresh) // 2)])
                self.used_firms.add(firm.pk)
                return firm
        return candidates[0] if candidates else None

    def responsible_for(self, region_code: str, park: Unit | None) -> Unit:
        """属地 responsibility: the park, else the town."""
        if park is not None:
            return park
        return self.unit(self.town_by_code.get(region_code, "津城街道"))

    def reporter(self, draft: Draft) -> User | None:
        """Who fills in the weekly report: the firm, the town or park, else the chain office."""
        p = draft.project
        if self.demo_firm_id is not None and p.enterprise_id == self.demo_firm_id:
            return self.user("enterprise")
        town = self.town_by_code.get(p.region_id, "")
        if town == "大曹镇":
            return self.user("town-dacao")
        if town == "保店镇":
            return self.user("town-baodian")
        if p.park_id in self.kaifaqu_family:
            return self.user("park-kaifaqu")
        return self.chain_office_user(draft.chain_key)

    # -- time ------------------------------------------------------------------------------

    def share(self, shares: list[float] | None) -> Decimal:
        """序时 today for a plan of this year (the light engine's own formula)."""
        plan = ProjectYearPlan(year=self.year, planned_investment=WAN, monthly_shares=shares)
        return expected_share(plan, self.today)

    def days_ago(self, low: int, high: int) -> dt.date:
        """A day between `high` and `low` days before today."""
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """An aware local time on a day; on the real today never after the present moment
        (a demo built on another day, for tests, keeps its own times)."""
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)
        if day == timezone.localdate(self.now) and moment >= self.now:
            moment = self.now - dt.timedelta(minutes=1)
        return moment

    # -- scenarios and dates -----------------------------------------------------------------

    def feasible(self, scenario: str, *, has_milestones: bool) -> str:
        """Swap a scenario the calendar (or the project) cannot show for an equivalent one:
        early in the year nobody can be 30 points behind, and without milestones none slip."""
        needed = SCHEDULE_FEASIBLE.get(scenario)
        if needed is not None and self.plain_share >= needed:
            return scenario
        if scenario in FALLBACK:
            milestone, stats = FALLBACK[scenario]
            return milestone if has_milestones else stats
        return scenario

    def started_on(self, scenario: str, this_year: bool) -> dt.date:
        """When works started, for a started scenario."""
        rng, today = self.rng, self.today
        if scenario == Y_STATS:
            return self.days_ago(38, 52)
        if scenario == R_STATS:
            return self.days_ago(75, 110)
        if scenario == NEW_START:
            # This week or the last one, never in the future.
            return max(self.due_week, self.days_ago(0, 6))
        available = (today - dt.date(self.year, 1, 1)).days
        if this_year and available >= 30:
            return self.days_ago(14, min(220, available))
        if scenario in (Y_SCHEDULE, R_SCHEDULE):
            # Under way all year, so the whole year's plan applies.
            return dt.date(self.year, 1, 1) - dt.timedelta(days=rng.randint(40, 400))
        return self.days_ago(60, 620)

    def set_dates(
        self, draft: Draft, *, months: tuple[int, int] = (14, 30), this_year: bool = False
    ) -> None:
        """Planned and actual start/completion and statistical registration for a scenario.

        `this_year`: a renovation counts for the year its works start (一企一年一技改), so its
        start is put in the current year when the calendar allows.
        """
        p, rng, today, sc = draft.project, self.rng, self.today, draft.scenario
        duration = dt.timedelta(days=30 * rng.randint(*months))
        if sc in NOT_STARTED:
            if sc == FUTURE:
                first_next = month_end(today) + dt.timedelta(days=1)
                p.planned_start = first_next + dt.timedelta(days=rng.randint(0, 75))
            elif sc == Y_START:
                p.planned_start = today.replace(day=1)
            else:
                p.planned_start = self.days_ago(125, 170)
            p.planned_completion = p.planned_start + duration
            return
        available = (today - dt.date(self.year, 1, 1)).days
        if sc in (COMPLETED, PAST):
            if sc == COMPLETED and this_year and available >= 120:
                finish = self.days_ago(7, min(60, available - 90))
                span = rng.randint(90, min(220, (finish - dt.date(self.year, 1, 1)).days))
            elif sc == COMPLETED:
                finish = self.days_ago(10, 90)
                span = rng.randint(300, 560)
            else:
                finish = self.days_ago(150, 420)
                span = rng.randint(200, 420)
            start = finish - dt.timedelta(days=span)
            p.actual_completion = finish
            p.planned_completion = finish + dt.timedelta(days=rng.randint(0, 40))
        else:
            start = self.started_on(sc, this_year)
        p.actual_start = start
        p.planned_start = start + dt.timedelta(days=rng.randint(0, 10))
        if p.planned_completion is None:
            p.planned_completion = max(
                p.planned_start + duration, today + dt.timedelta(days=rng.randint(45, 300))
            )
        if sc not in (Y_STATS, R_STATS, NEW_START):
            p.statistics_registered_on = min(
                today - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(6, 25))
            )

    def start_build(
        self,
        draft: Draft,
        scenario: str,
        template: Sequence[MilestoneSpec] = (),
        size: int = 0,
        *,
        months: tuple[int, int] = (14, 30),
        this_year: bool = False,
    ) -> None:
        """Scenario, dates, status and milestone template of a project that is built."""
        draft.scenario = self.feasible(scenario, has_milestones=bool(template))
        self.set_dates(draft, months=months, this_year=this_year)
        p = draft.project
        if draft.scenario in NOT_STARTED:
            p.status = S.PREPARING
        elif draft.scenario in (COMPLETED,):
            p.status = S.COMPLETED
        elif draft.scenario == PAST:
            p.status = S.PRODUCING
        else:
            p.status = S.STARTED
        if template:
            # Keep the start and the building steps; drop optional ones to reach `size`.
            specs = list(template)
            optional = [s for s in specs if s.phase == "post" or "封顶" in s.name]
            while len(specs) > size and optional:
                specs.remove(optional.pop())
            draft.template = tuple(specs)
        total = float(p.total_investment or 0)
        draft.base_plan = round_yuan(total * self.rng.uniform(0.3, 0.55), 10_000)
