"""Generate enterprises with figures, qualifications and chain links, in bulk.

`generate_enterprises(n, seed=…, ctx=…)` builds the demo's ~3,000 firms, and a scale benchmark
can call it for 300,000. It reads what it needs once (the `DemoContext`, the names and codes
already taken, the next free id) and then runs no query per row. Rows are written in batches
with `executemany`, which skips the ORM's per-value work. Enterprise ids are assigned here, so
that figures, qualifications and links can refer to them without reading them back. On
PostgreSQL the id sequence is reset afterwards.

The numbers are drawn from skewed distributions (log-normal revenue, so a few firms are large
and most are small) with plausible ratios: output ≈ revenue, value added ~25 %, profit 3–10 %,
tax 2–5 %, R&D 0–5 %. 规上 (above designated size) means revenue ≥ 20 million yuan in the
latest year, and the `scale` field agrees with the figures.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max

from jinmu.chains.choices import ChainRole
from jinmu.chains.models import EnterpriseNode
from jinmu.demo.bulk import TableWriter, reset_sequences
from jinmu.demo.names import CreditCoder, FirmNamer, PinyinCache, person_name, road, village
from jinmu.demo.ningjin import CHAINS, DEMO_FIRM, FITNESS, PARKS, AnchorSpec, ChainSpec, NodeSpec
from jinmu.demo.world import DemoContext
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification
from jinmu.enterprises.text import brand_initials as trade_name_initials

YEARS = (2023, 2024, 2025)
LATEST_YEAR = YEARS[-1]
ABOVE_SCALE_REVENUE = 20_000_000  # 规上: annual main revenue ≥ 20 million yuan (domain.md §5)
# Founding dates are drawn back from this fixed day, so the output does not depend on today.
REFERENCE_DATE = dt.date(2025, 12, 1)
# Share of qualifications with a validity that are expired / expire within 90 days.
EXPIRED_SHARE = 0.10
EXPIRING_SHARE = 0.08

ENTERPRISE_COLUMNS = (
    "id", "region_id", "uscc", "name", "legal_representative", "founded_on", "park_id",
    "address", "latitude", "longitude", "industry_id", "scale", "status", "contact_name",
    "name_pinyin", "name_initials", "brand_initials",
)  # fmt: skip
FIGURES_COLUMNS = (
    "enterprise_id", "region_id", "year", "operating_revenue", "industrial_output",
    "value_added", "total_profit", "tax_paid", "rd_expense", "export_value", "employees",
    "st_staff", "land_area_mu", "energy_tce", "assets", "liabilities",
)  # fmt: skip
QUALIFICATION_COLUMNS = (
    "enterprise_id", "region_id", "kind_id", "level", "certificate_no", "granted_on",
    "valid_until", "source",
)  # fmt: skip
LINK_COLUMNS = ("enterprise_id", "node_id", "region_id", "role")


def _yuan(value: float) -> Decimal:
    return Decimal(round(value))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class GenerationResult:
    """What `generate_enterprises` wrote."""

    enterprises: int = 0
    figures: int = 0
    qualifications: int = 0
    links: int = 0
    above_scale: int = 0
    demo_firm_id: int | None = None
    leader_ids: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    """One firm's rows, ready to insert."""

    enterprise: tuple[Any, ...]
    figures: list[tuple[Any, ...]]
    qualifications: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]
    above: bool
    is_demo_firm: bool = False
    is_leader: bool = False

    @property
    def pk(self) -> int:
        return int(self.enterprise[0])


@dataclass(frozen=True)
class _Identity:
    """Who a firm is: place, name, size, founding and status."""

    town: str
    park: str
    name: str
    revenue: float
    pinyin: str
    initials: str
    founded: dt.date
    status: str


class _Chooser:
    """Per-chain lookups for weighted choices, built once."""

    def __init__(self, spec: ChainSpec) -> None:
        self.leaves = [leaf for leaf in spec.leaves() if leaf.weight > 0]
        self.leaf_weights = [leaf.weight for leaf in self.leaves]
        self.towns = list(spec.towns)
        self.town_weights = [spec.towns[t] for t in self.towns]
        park_towns = {p.name: p.town for p in PARKS}
        self.parks_by_town: dict[str, list[str]] = {}
        for park in spec.parks:
            self.parks_by_town.setdefault(park_towns[park], []).append(park)

    def node(self, rng: random.Random) -> NodeSpec:
        return rng.choices(self.leaves, weights=self.leaf_weights, k=1)[0]

    def town(self, rng: random.Random) -> str:
        return rng.choices(self.towns, weights=self.town_weights, k=1)[0]


class _Generator:
    """Turns random draws into rows (no queries)."""

    def __init__(
        self, ctx: DemoContext, rng: random.Random, namer: FirmNamer, coder: CreditCoder,
        next_id: int,
    ) -> None:  # fmt: skip
        self.ctx = ctx
        self.rng = rng
        self.namer = namer
        self.coder = coder
        self.next_id = next_id
        self.pinyin = PinyinCache()
        self.choosers = {spec.key: _Chooser(spec) for spec in CHAINS}
        self.chain_specs = list(CHAINS)
        self.chain_weights = [spec.share for spec in CHAINS]
        self.furniture_parks = {p.town: p.name for p in PARKS if "家具" in p.name}
        self.park_ids = {name: unit.pk for name, unit in ctx.parks.items()}
        self.node_ids = {key: node.pk for key, node in ctx.nodes.items()}
        self.kind_ids = {code: kind.pk for code, kind in ctx.kinds.items()}
        self.kind_levels = {code: kind.default_level for code, kind in ctx.kinds.items()}
        self.kind_years = {code: kind.validity_years for code, kind in ctx.kinds.items()}
        self.kind_names = {code: kind.name for code, kind in ctx.kinds.items()}
        self.serial = 0

    # -- placement -------------------------------------------------------------------------
    def _park_for(self, spec: ChainSpec, node: NodeSpec, town: str) -> str:
        rng = self.rng
        if node.town and node.town in self.furniture_parks:
            return self.furniture_parks[node.town]
        candidates = self.choosers[spec.key].parks_by_town.get(town, [])
        if candidates and rng.random() < spec.park_share:
            return rng.choice(candidates)
        return ""

    def _industry(self, node: NodeSpec) -> str | None:
        codes = [c for c in node.codes if c in self.ctx.industries]
        return self.rng.choice(codes) if codes else None

    # -- who the firm is ------------------------------------------------------------------
    def _anchor_identity(self, anchor: AnchorSpec) -> _Identity:
        """A named firm: its given name, place and size (revenue varies a little)."""
        rng = self.rng
        revenue = anchor.revenue * rng.uniform(0.92, 1.08)
        self.namer.reserve(anchor.name)
        pinyin, initials = self.pinyin.fields((anchor.name,))
        founded = dt.date(anchor.founded_year, rng.randint(1, 12), rng.randint(1, 28))
        return _Identity(
            anchor.town, anchor.park, anchor.name, revenue, pinyin, initials, founded,
            str(EnterpriseStatus.OPERATING),
        )  # fmt: skip

    def _random_identity(self, spec: ChainSpec, node: NodeSpec) -> _Identity:
        """A made-up firm on the node: town, park, skewed revenue, name, age and status."""
        rng = self.rng
        town = node.town or self.choosers[spec.key].town(rng)
        park = self._park_for(spec, node, town)
        revenue = rng.lognormvariate(math.log(spec.median_revenue * node.size), spec.sigma)
        revenue = max(revenue, rng.uniform(1.5e5, 4e5))
        parts = self.namer.make_parts(rng, node.words or spec.words, large=revenue > 1e8)
        pinyin, initials = self.pinyin.fields(parts)
        age_days = int(min(30.0, rng.lognormvariate(math.log(7.5), 0.75)) * 365.25)
        founded = REFERENCE_DATE - dt.timedelta(days=max(age_days, 60))
        u = rng.random()
        status = str(
            EnterpriseStatus.SUSPENDED if u < 0.025
            else EnterpriseStatus.DEREGISTERED if u < 0.035
            else EnterpriseStatus.OPERATING
        )  # fmt: skip
        return _Identity(town, park, "".join(parts), revenue, pinyin, initials, founded, status)

    def _address(self, town: str, park: str) -> str:
        rng = self.rng
        if park:
            return f"山东省德州市宁津县{park}{road(rng)}{rng.randint(1, 199)}号"
        if town.endswith("街道"):
            return f"山东省德州市宁津县{road(rng)}{rng.randint(1, 999)}号"
        return f"山东省德州市宁津县{town}{village(rng)}"

    def _links(
        self, pk: int, spec: ChainSpec, node: NodeSpec, role: str, anchor: AnchorSpec | None
    ) -> list[tuple[Any, ...]]:
        """The firm on its node; about one made-up firm in eight on a second node as well."""
        rng, chooser = self.rng, self.choosers[spec.key]
        county = self.ctx.county.code
        links: list[tuple[Any, ...]] = [(pk, self.node_ids[(spec.key, node.name)], county, role)]
        if anchor is None and rng.random() < 0.12 and len(chooser.leaves) > 1:
            second = chooser.node(rng)
            if second.name != node.name:
                links.append((pk, self.node_ids[(spec.key, second.name)], county, role))
        return links

    # -- one firm ------------------------------------------------------------------------
    def plan(
        self, spec: ChainSpec, node: NodeSpec, anchor: AnchorSpec | None = None,
        *, demo_firm: bool = False,
    ) -> _Plan:  # fmt: skip
        rng = self.rng
        who = (
            self._anchor_identity(anchor)
            if anchor is not None
            else self._random_identity(spec, node)
        )
        town, park, name, revenue, status = who.town, who.park, who.name, who.revenue, who.status
        industry = self._industry(node)
        industrial = bool(industry and industry.startswith("C"))
        region = self.ctx.towns[town].code
        lat, lon = self.ctx.town_coords[town]
        has_coords = anchor is not None or rng.random() < 0.65
        address = self._address(town, park)
        legal = person_name(rng)
        contact = legal if rng.random() < 0.6 else person_name(rng)
        above = status == EnterpriseStatus.OPERATING and revenue >= ABOVE_SCALE_REVENUE
        pk = self.next_id
        self.next_id += 1
        enterprise = (
            pk, region, self.coder.make(rng), name, legal, who.founded,
            self.park_ids[park] if park else None, address,
            Decimal(f"{lat + rng.gauss(0, 0.012):.6f}") if has_coords else None,
            Decimal(f"{lon + rng.gauss(0, 0.015):.6f}") if has_coords else None,
            industry, str(EnterpriseScale.ABOVE if above else EnterpriseScale.BELOW), status,
            contact, who.pinyin, who.initials, trade_name_initials(name, who.initials),
        )  # fmt: skip
        profile = self._profile(spec, node, revenue, industrial, anchor)
        held = self._held(status, spec, revenue, industrial, profile, anchor, above)
        if held & {"high-tech", "srdi-provincial", "little-giant"}:
            # Those titles require R&D ≥ 3 % of revenue and S&T staff ≥ 10 % (criteria.md §1–2).
            profile["rd_ratio"] = max(profile["rd_ratio"], rng.uniform(0.036, 0.06))
            profile["st_ratio"] = max(profile["st_ratio"], rng.uniform(0.12, 0.22))
        figures = self._figures(pk, region, status, who.founded, revenue, industrial, profile)
        quals = self._qualifications(pk, region, who.founded, held, anchor, demo_firm=demo_firm)
        leader = anchor is not None and anchor.leader
        role = str(
            ChainRole.LEADER if leader else ChainRole.BACKBONE if above else ChainRole.SUPPORTING
        )
        links = self._links(pk, spec, node, role, anchor)
        return _Plan(enterprise, figures, quals, links, above, demo_firm, leader)

    def _profile(
        self, spec: ChainSpec, node: NodeSpec, revenue: float, industrial: bool,
        anchor: AnchorSpec | None,
    ) -> dict[str, Any]:  # fmt: skip
        """Per-firm ratios that stay stable across years."""
        rng = self.rng
        export_node = node.name == "出口"
        exporter = rng.random() < spec.export_share
        innovative = anchor is not None or rng.random() < (0.35 if revenue >= 2e7 else 0.08)
        return {
            "exporter": (exporter and industrial) or export_node,
            "export_ratio": rng.uniform(0.5, 0.9) if export_node else rng.uniform(0.08, 0.6),
            "productivity": rng.uniform(2.5e5, 7e5) if industrial else rng.uniform(6e5, 1.8e6),
            "rd_ratio": rng.uniform(0.035, 0.07) if innovative else rng.uniform(0.0, 0.025),
            "st_ratio": rng.uniform(0.12, 0.25) if innovative else rng.uniform(0.02, 0.10),
            "innovative": innovative,
            "per_mu": rng.uniform(0.8e6, 3.5e6),
            "assets_ratio": rng.uniform(0.6, 1.6),
            "debt_ratio": rng.uniform(0.25, 0.75),
            "growth": (rng.lognormvariate(0.06, 0.12), rng.lognormvariate(0.05, 0.12)),
        }

    def _figures(
        self, pk: int, region: str, status: str, founded: dt.date, revenue: float,
        industrial: bool, p: dict[str, Any],
    ) -> list[tuple[Any, ...]]:  # fmt: skip
        rng = self.rng
        g25, g24 = p["growth"]
        by_year = {2025: revenue, 2024: revenue / g25, 2023: revenue / g25 / g24}
        # A suspended firm filed nothing for the latest year, a deregistered one only the first.
        last_year: dict[str, int] = {
            EnterpriseStatus.OPERATING: 2025,
            EnterpriseStatus.SUSPENDED: 2024,
            EnterpriseStatus.DEREGISTERED: 2023,
        }
        last = last_year[status]
        land = Decimal(f"{max(1.5, revenue / p['per_mu']):.2f}") if industrial else None
        out: list[tuple[Any, ...]] = []
        for year in YEARS:
            if year < founded.year or year > last:
                continue
            rev = by_year[year]
            output = rev * rng.uniform(0.9, 1.04) if industrial else None
            if rng.random() < 0.08:
                profit = -rev * rng.uniform(0.01, 0.06)
            else:
                profit = rev * rng.uniform(0.03, 0.10)
            employees = max(3, round(rev / p["productivity"]))
            st_staff = min(employees, round(employees * p["st_ratio"]))
            assets = rev * p["assets_ratio"]
            out.append((
                pk, region, year, _yuan(rev),
                _yuan(output) if output is not None else None,
                _yuan((output or rev) * rng.uniform(0.2, 0.32)),
                _yuan(profit),
                _yuan(rev * rng.uniform(0.02, 0.05)),
                _yuan(rev * p["rd_ratio"] * rng.uniform(0.85, 1.15)),
                _yuan(rev * p["export_ratio"]) if p["exporter"] else Decimal(0),
                employees, st_staff, land,
                Decimal(f"{rev / 1e4 * rng.uniform(0.015, 0.06):.2f}") if industrial else None,
                _yuan(assets),
                _yuan(assets * p["debt_ratio"]),
            ))  # fmt: skip
        return out

    # -- qualifications ----------------------------------------------------------------------
    def _held(
        self, status: str, spec: ChainSpec, revenue: float, industrial: bool,
        p: dict[str, Any], anchor: AnchorSpec | None, above: bool,
    ) -> set[str]:  # fmt: skip
        """Which qualification kinds the firm holds (bigger, innovative firms hold more)."""
        rng = self.rng
        if status == EnterpriseStatus.DEREGISTERED:
            return set()
        big, mid = revenue >= 2e7, revenue >= 5e6
        held: set[str] = set(anchor.qualifications) if anchor else set()

        def draw(code: str, p_big: float, p_mid: float, p_small: float) -> None:
            chance = p_big if big else p_mid if mid else p_small
            if rng.random() < chance:
                held.add(code)

        if industrial:
            draw("high-tech", 0.24 if p["innovative"] else 0.08, 0.035, 0.002)
            draw("innovative-sme", 0.2, 0.05, 0.005)
            if "innovative-sme" in held or big:
                draw("srdi-provincial", 0.16, 0.03, 0.0)
            if "srdi-provincial" in held and revenue >= 5e7:
                draw("little-giant", 0.1, 0.0, 0.0)
        if revenue <= 2e8:
            draw("tech-sme", 0.18, 0.08, 0.03 if industrial else 0.008)
        draw("cloud", 0.45, 0.13, 0.055)
        if spec.key in ("fitness", "furniture"):
            draw("brand-authorised", 0.45, 0.2, 0.01)
        # The ladder: a 小巨人 is a provincial 专精特新 enterprise, which was 创新型 first.
        if "little-giant" in held:
            held.add("srdi-provincial")
        if "srdi-provincial" in held:
            held.add("innovative-sme")
        if above:
            held.add("above-scale-registered")
        return held

    def _validity(self, years: int, state: str) -> tuple[dt.date, dt.date]:
        """(granted_on, valid_until) for a qualification in the given state."""
        rng, today = self.rng, self.ctx.today
        if state == "expired":
            until = today - dt.timedelta(days=rng.randint(1, 400))
        elif state == "expiring":
            until = today + dt.timedelta(days=rng.randint(0, 90))
        else:
            until = today + dt.timedelta(days=rng.randint(91, max(92, years * 365 - 2)))
        granted = _add_years(until, -years) + dt.timedelta(days=1)
        return granted, until

    def _qualifications(
        self, pk: int, region: str, founded: dt.date, held: set[str],
        anchor: AnchorSpec | None, *, demo_firm: bool,
    ) -> list[tuple[Any, ...]]:  # fmt: skip
        rng, today = self.rng, self.ctx.today
        out: list[tuple[Any, ...]] = []
        for code in sorted(held):
            if code not in self.kind_ids:
                continue
            if demo_firm and code == "high-tech":
                state = "expiring"
            elif anchor is not None:
                state = "valid"
            else:
                u = rng.random()
                state = (
                    "expired" if u < EXPIRED_SHARE
                    else "expiring" if u < EXPIRED_SHARE + EXPIRING_SHARE
                    else "valid"
                )  # fmt: skip
            years = self.kind_years[code]
            until: dt.date | None
            if years:
                granted, until = self._validity(years, state)
            else:
                granted = today - dt.timedelta(days=rng.randint(30, 6 * 365))
                until = None
            if granted < founded:
                granted = min(today, founded + dt.timedelta(days=rng.randint(90, 400)))
                if until is not None and until < granted:
                    until = _add_years(granted, years or 1) - dt.timedelta(days=1)
            self.serial += 1
            number = {
                "high-tech": f"GR{granted.year}37{self.serial:06d}",
                "tech-sme": f"{granted.year}3714220{self.serial:05d}",
            }.get(code, "")
            source = f"{granted.year}年{self.kind_names[code]}名单（演示数据）"
            out.append((
                pk, region, self.kind_ids[code], self.kind_levels[code], number, granted, until,
                source,
            ))  # fmt: skip
        return out

    # -- which firm comes next -----------------------------------------------------------
    def next_random(self) -> tuple[ChainSpec, NodeSpec]:
        spec = self.rng.choices(self.chain_specs, weights=self.chain_weights, k=1)[0]
        return spec, self.choosers[spec.key].node(self.rng)


def _anchors() -> list[tuple[ChainSpec, AnchorSpec, bool]]:
    """The demo firm first, then every chain's leaders."""
    out: list[tuple[ChainSpec, AnchorSpec, bool]] = [(FITNESS, DEMO_FIRM, True)]
    for spec in CHAINS:
        out.extend((spec, anchor, False) for anchor in spec.anchors)
    return out


def _coverage(specs: Sequence[ChainSpec]) -> list[tuple[ChainSpec, NodeSpec]]:
    """One firm per populated node, so only the deliberate gaps stay empty."""
    out: list[tuple[ChainSpec, NodeSpec]] = []
    for spec in specs:
        out.extend((spec, leaf) for leaf in spec.leaves() if leaf.weight > 0)
    return out


class _Writer:
    """The four table writers, prepared once."""

    def __init__(self) -> None:
        self.enterprises = TableWriter(Enterprise, ENTERPRISE_COLUMNS)
        self.figures = TableWriter(AnnualFigures, FIGURES_COLUMNS)
        self.qualifications = TableWriter(Qualification, QUALIFICATION_COLUMNS)
        self.links = TableWriter(EnterpriseNode, LINK_COLUMNS)

    def write(self, plans: list[_Plan], result: GenerationResult) -> None:
        """Insert one batch: enterprises first, then what refers to them."""
        figures = [row for p in plans for row in p.figures]
        quals = [row for p in plans for row in p.qualifications]
        links = [row for p in plans for row in p.links]
        with transaction.atomic():
            self.enterprises.write([p.enterprise for p in plans])
            self.figures.write(figures)
            self.qualifications.write(quals)
            self.links.write(links)
        result.enterprises += len(plans)
        result.figures += len(figures)
        result.qualifications += len(quals)
        result.links += len(links)
        for p in plans:
            result.above_scale += int(p.above)
            if p.is_demo_firm:
                result.demo_firm_id = p.pk
            if p.is_leader:
                result.leader_ids.append(p.pk)


def generate_enterprises(
    n: int,
    *,
    seed: int,
    ctx: DemoContext,
    batch_size: int = 2000,
    anchors: bool = True,
) -> GenerationResult:
    """Create `n` enterprises with three years of figures, qualifications and chain links.

    Deterministic for a given seed and database state. Names and credit codes already in the
    database are read once and avoided, so it can add firms to an existing demo (a benchmark
    calls it with `anchors=False` for 300,000 more). No audit rows: the caller writes one
    summarising row per model (see `jinmu.demo.build`).
    """
    rng = random.Random(seed)
    taken = list(Enterprise.objects.values_list("name", "uscc"))
    namer = FirmNamer(name for name, _ in taken)
    coder = CreditCoder(ctx.county.code, (code for _, code in taken))
    next_id = (Enterprise.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    gen = _Generator(ctx, rng, namer, coder, next_id)
    fixed = [f for f in (_anchors() if anchors else []) if f[1].name not in namer.taken]
    coverage = _coverage(CHAINS)
    writer = _Writer()
    result = GenerationResult()
    batch: list[_Plan] = []
    with transaction.atomic():
        for i in range(n):
            if i < len(fixed):
                spec, anchor, is_demo = fixed[i]
                node = next(leaf for leaf in spec.leaves() if leaf.name == anchor.node)
                plan = gen.plan(spec, node, anchor, demo_firm=is_demo)
            else:
                j = i - len(fixed)
                spec, node = coverage[j] if j < len(coverage) and j < n // 4 else gen.next_random()
                plan = gen.plan(spec, node)
            batch.append(plan)
            if len(batch) >= batch_size:
                writer.write(batch, result)
                batch = []
        if batch:
            writer.write(batch, result)
        reset_sequences([Enterprise])
    return result
