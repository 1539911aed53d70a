"""The demo county's targets for the year: the article's goals, read by the extraction and
confirmed by the industry office, decomposed to towns, parks and chains, with a reported
indicator and month-end snapshots.

The article is real published text and stays in ../shared (never copied into the repository):
`build_targets` reads it from there at build time. A deployment without ../shared gets
`FALLBACK_TEXT`, a paragraph written for this project that states the same ten goals in its own
words, so the demo board looks the same either way.

Nothing here fixes a status: every light comes from `progress.evaluate_many` measuring the demo's
qualifications and projects (dated relative to the demo's `today`) against 序时进度.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count
from django.utils import timezone

from jinmu.core.choices import Role
from jinmu.core.models import User
from jinmu.demo.ningjin import USERS
from jinmu.demo.world import DemoContext
from jinmu.enterprises.models import Qualification
from jinmu.targets import services
from jinmu.targets.choices import Action, Front
from jinmu.targets.extraction import Goal, extract
from jinmu.targets.management.commands.snapshot_targets import take_snapshots
from jinmu.targets.mapping import match_indicator
from jinmu.targets.models import Indicator, ReportedValue, Target, TargetSnapshot

# Where the article lies: $JINMU_SHARED_DIR, else `shared` next to the repository (the layout the
# extraction's seed test uses: /work/main and /work/shared).
SHARED_ENV = "JINMU_SHARED_DIR"
ARTICLE_FILE = Path("seed") / "000_e4b0471a93748a18.txt"

# Written for this project (not taken from the article): the same ten goals, so that a
# deployment without ../shared still gets the article's target board.
FALLBACK_TEXT = (
    "本年度工业目标（演示用文本，由本项目自拟）："
    "一是企业培育，全年新增国家级高新技术企业30家，新增国家级专精特新“小巨人”企业2家，"
    "新增省级“专精特新”企业15家以上；"
    "二是技术改造，全年实施投资500万元以上县级重点技改项目100个；"
    "三是数字化转型，全年新增上云企业60家，培育“晨星工厂”2家；"
    "四是招商引资，全年签约过亿元项目35个、过10亿元项目3个；"
    "五是项目建设，全力推进总投资291.3亿元的45个县级重点项目。"
)

# The reported indicator the article does not state (our own sentence, also read by the
# extraction), and the statistics bureau's monthly figures for it: cumulative growth since
# January, published around the 15th of the next month, January together with February (1—2月).
# A strong first half that slows in the second, so the line means something on the board.
GROWTH_TEXT = "全年规上工业增加值增长8%左右。"
GROWTH_SERIES: dict[int, Decimal] = {
    2: Decimal("6.4"),
    3: Decimal("6.9"),
    4: Decimal("7.3"),
    5: Decimal("7.6"),
    6: Decimal("7.8"),
    7: Decimal("7.5"),
    8: Decimal("7.3"),
    9: Decimal("7.2"),
    10: Decimal("7.1"),
    11: Decimal("7.0"),
}
PUBLISHED_ON_DAY = 15

# The statistics bureau's demo login (in ningjin.USERS), which reports the growth rate.
STATS_USERNAME = "dept-stats"


@dataclass(frozen=True)
class Plan:
    """How the industry office files a goal: the article's front, the 四提四增 action and the
    unit answerable for it (a department's short name)."""

    front: str
    action: str
    unit: str


# By indicator code. The fronts follow the article's paragraphs (qualifications and 技改 under
# innovation, 上云 and 晨星工厂 under 智改数转 of the clusters, attraction and key projects under
# effective investment); the units are the departments that run each programme.
PLANS: dict[str, Plan] = {
    "high-tech-new": Plan(Front.INNOVATION, Action.EFFICIENCY, "科技局"),
    "little-giant-new": Plan(Front.INNOVATION, Action.EFFICIENCY, "工信局"),
    "srdi-provincial-new": Plan(Front.INNOVATION, Action.EFFICIENCY, "工信局"),
    "renovation-500w": Plan(Front.INNOVATION, Action.EFFICIENCY, "工信局"),
    "cloud-new": Plan(Front.CLUSTER, Action.EFFICIENCY, "工信局"),
    "morning-star-new": Plan(Front.CLUSTER, Action.EFFICIENCY, "工信局"),
    "attraction-100m": Plan(Front.INVESTMENT, Action.SCALE, "商务局"),
    "attraction-1b": Plan(Front.INVESTMENT, Action.SCALE, "商务局"),
    "key-projects-county": Plan(Front.INVESTMENT, Action.SCALE, "发改局"),
    "key-projects-county-investment": Plan(Front.INVESTMENT, Action.SCALE, "发改局"),
    "industrial-value-added-growth": Plan(Front.CLUSTER, Action.SCALE, "统计局"),
}

# Over-1亿 attraction projects by where they are sited: the parks, and the towns that have no
# park (so no project counts twice). Sums to 35; the sites are the demo ledger's.
ATTRACTION_SITES: tuple[tuple[str, int], ...] = (
    ("东部新区", 8),
    ("电梯产业园", 4),
    ("开发区", 2),
    ("健身器材产业园", 4),
    ("专精特新集聚区", 4),
    ("京深数谷", 3),
    ("杜集家具园", 1),
    ("长官家具园", 1),
    ("张大庄家具园", 1),
    ("大柳家具园", 2),
    ("大曹镇", 2),
    ("保店镇", 1),
    ("相衙镇", 1),
    ("柴胡店镇", 1),
)
# New high-tech enterprises by chain (一金: the metal chains, 一木: furniture). Sums to 30.
HIGH_TECH_CHAINS: tuple[tuple[str, int], ...] = (
    ("fitness", 9),
    ("elevator", 4),
    ("smart", 5),
    ("uhmwpe", 3),
    ("mesh", 2),
    ("farm", 2),
    ("furniture", 5),
)


def shared_dir() -> Path:
    """The `shared` directory: $JINMU_SHARED_DIR, else next to the repository."""
    raw = os.environ.get(SHARED_ENV)
    if raw:
        return Path(raw)
    return Path(settings.BASE_DIR).resolve().parent / "shared"


def article_path() -> Path:
    """Where the seed article is expected."""
    return shared_dir() / ARTICLE_FILE


def goal_text() -> tuple[str, bool]:
    """The article's text and True; the fallback paragraph and False when it is absent."""
    path = article_path()
    if path.is_file():
        return path.read_text(encoding="utf-8"), True
    return FALLBACK_TEXT, False


def _industry_user() -> User:
    """The demo's industry-office login, which confirms the targets."""
    spec = next(u for u in USERS if u.role == Role.INDUSTRY_OFFICE)
    return User.objects.get(username=spec.username)


def _stats_user() -> User | None:
    """The statistics bureau's login."""
    return User.objects.filter(username=STATS_USERNAME).first()


def drafts_for(goals: Iterable[Goal], ctx: DemoContext) -> list[dict[str, Any]]:
    """The confirmed drafts: each goal mapped to its indicator and filed under its front, action
    and unit. A goal that maps to no indicator is left out (the confirmer would drop it)."""
    drafts: list[dict[str, Any]] = []
    for goal in goals:
        indicator = match_indicator(goal.indicator, goal.unit)
        if indicator is None:
            continue
        draft = goal.to_dict()
        draft["indicator_code"] = indicator.code
        plan = PLANS.get(indicator.code)
        if plan is not None:
            draft["front"] = plan.front
            draft["action"] = plan.action
            unit = ctx.units.get(plan.unit)
            draft["responsible_unit"] = unit.pk if unit is not None else None
        drafts.append(draft)
    return drafts


def apportion(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split a whole number by weights (largest remainder); keys with no share are left out."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0 or total <= 0:
        return {}
    exact = {key: Decimal(total * w) / weight_sum for key, w in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    rest = total - sum(shares.values())
    by_remainder = sorted(exact, key=lambda key: (shares[key] - exact[key], key))
    for key in by_remainder[:rest]:
        shares[key] += 1
    return {key: value for key, value in shares.items() if value > 0}


def _renovation_parts(ctx: DemoContext, target: Target) -> list[dict[str, Any]]:
    """一企一年一技改: each town's share of the renovation projects follows its number of 规上
    enterprises."""
    rows = (
        Qualification.objects.filter(
            kind__code="above-scale-registered",
            enterprise__region__code__startswith=ctx.county.scope_prefix,
        )
        .exclude(enterprise__region_id=ctx.county.code)
        .values("enterprise__region_id")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    )
    weights = {row["enterprise__region_id"]: row["n"] for row in rows}
    shares = apportion(int(target.value), weights)
    return [{"town": code, "value": value} for code, value in sorted(shares.items())]


def _attraction_parts(ctx: DemoContext) -> list[dict[str, Any]]:
    """Over-1亿 projects to the parks and the park-less towns that host such projects."""
    parts: list[dict[str, Any]] = []
    for name, value in ATTRACTION_SITES:
        park = ctx.units.get(name)
        if name in ctx.towns:
            parts.append({"town": ctx.towns[name].code, "value": value})
        elif park is not None:
            parts.append({"unit": park.pk, "value": value})
    return parts


def _high_tech_parts(ctx: DemoContext) -> list[dict[str, Any]]:
    """New high-tech enterprises to the chains."""
    return [
        {"chain": ctx.chains[key].pk, "value": value}
        for key, value in HIGH_TECH_CHAINS
        if key in ctx.chains
    ]


def _parts_of(ctx: DemoContext, target: Target) -> list[dict[str, Any]]:
    """The parts a goal is decomposed into (none for goals no town, park or chain owns)."""
    if target.indicator_id == "renovation-500w":
        return _renovation_parts(ctx, target)
    if target.indicator_id == "attraction-100m":
        return _attraction_parts(ctx)
    if target.indicator_id == "high-tech-new":
        return _high_tech_parts(ctx)
    return []


def _decompose(ctx: DemoContext, actor: User, targets: list[Target]) -> list[Target]:
    """Decompose the goals whose parts a town, park or chain can own."""
    parts: list[Target] = []
    for target in targets:
        wanted = _parts_of(ctx, target)
        if wanted:
            parts += services.decompose(actor=actor, target=target, parts=wanted)
    return parts


def published_months(today: dt.date) -> list[dt.date]:
    """First days of the months whose growth figure is out by `today` (and not in the future
    of the real calendar, which the service refuses)."""
    latest = timezone.localdate().replace(day=1)
    months = []
    for month in sorted(GROWTH_SERIES):
        first = dt.date(today.year, month, 1)
        following = dt.date(today.year + month // 12, month % 12 + 1, PUBLISHED_ON_DAY)
        if following <= today and first <= latest:
            months.append(first)
    return months


def _report_growth(ctx: DemoContext, reporter: User | None) -> list[ReportedValue]:
    """The statistics bureau's monthly growth figures so far, each with its evidence."""
    indicator = Indicator.objects.filter(code="industrial-value-added-growth").first()
    if reporter is None or indicator is None:
        return []
    rows: list[ReportedValue] = []
    for month in published_months(ctx.today):
        if ReportedValue.objects.filter(
            region=ctx.county, indicator=indicator, month=month
        ).exists():
            continue
        span = f"1—{month.month}月"
        evidence = (
            f"宁津县统计局《{month.year}年{span}全县主要经济指标快报》："
            f"规上工业增加值同比增长{GROWTH_SERIES[month.month]}%（演示数据）"
        )
        rows.append(
            services.report_value(
                actor=reporter,
                indicator=indicator,
                region_code=ctx.county.code,
                month=month,
                value=GROWTH_SERIES[month.month],
                evidence=evidence,
            )
        )
    return rows


def past_month_ends(today: dt.date) -> list[dt.date]:
    """Last days of the months of `today`'s year that have ended."""
    return [dt.date(today.year, m + 1, 1) - dt.timedelta(days=1) for m in range(1, today.month)]


def build_targets(
    ctx: DemoContext, *, actor: User | None = None, text: str | None = None
) -> Counter[type[models.Model]]:
    """Load this year's targets of the demo county from the article (or `text`), decompose
    them, report the growth rate and snapshot past month-ends; returns the rows made per
    model. A county that has top-level targets for the year already is left alone."""
    counts: Counter[type[models.Model]] = Counter()
    year = ctx.today.year
    if Target.objects.filter(region=ctx.county, year=year, parent=None).exists():
        return counts
    actor = actor or _industry_user()
    if text is None:
        text = goal_text()[0]
    goals = [*extract(text), *extract(GROWTH_TEXT)]
    drafts = drafts_for(goals, ctx)
    if not drafts:
        return counts
    targets = services.targets_from_drafts(
        actor=actor, region_code=ctx.county.code, year=year, drafts=drafts
    )
    parts = _decompose(ctx, actor, targets)
    reporter = _stats_user()
    reported = _report_growth(ctx, reporter)
    for day in past_month_ends(ctx.today):
        take_snapshots(day)
    counts[Target] = len(targets) + len(parts)
    counts[ReportedValue] = len(reported)
    counts[TargetSnapshot] = TargetSnapshot.objects.filter(
        target__region__code__startswith=ctx.county.scope_prefix, target__year=year
    ).count()
    return counts
