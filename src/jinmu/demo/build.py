"""Put the whole demo county together, and print its logins."""

from __future__ import annotations

import datetime as dt
import random
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jinmu.chains import stats
from jinmu.chains.choices import NodeKind
from jinmu.chains.models import ChainNode, EnterpriseNode
from jinmu.core.audit import record_system
from jinmu.core.choices import AuditAction, Role
from jinmu.core.models import Region, User
from jinmu.demo.enterprises import LATEST_YEAR, GenerationResult, generate_enterprises
from jinmu.demo.ningjin import (
    BANKS,
    CHAINS,
    DEMO_PASSWORD,
    DEPARTMENTS,
    PARKS,
    ROLE_NAMES_ZH,
    USERS,
    chief_title,
    town_unit_name,
)
from jinmu.demo.projects.builder import build_projects
from jinmu.demo.targets import build_targets
from jinmu.demo.world import DemoContext, build_bottlenecks, prepare_world
from jinmu.enterprises.choices import EnterpriseStatus
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification

DEFAULT_SEED = 20260101
DEFAULT_ENTERPRISES = 3000


@dataclass
class DemoSummary:
    """What the demo created, and how long it took."""

    seed: int
    created: dict[str, int] = field(default_factory=dict)
    generation: GenerationResult = field(default_factory=GenerationResult)
    seconds: float = 0.0


def has_enterprises() -> bool:
    """True once any enterprise exists (the demo then leaves the database alone)."""
    return Enterprise.objects.exists()


def set_local_demand(ctx: DemoContext, seed: int) -> int:
    """Give most product and process nodes a local demand, so that coverage can be judged.

    Demand is derived from what local firms actually produce (latest year, operating firms):
    nodes marked weak get a demand that local output covers only 12–27 % of (below the chain's
    30 % threshold); the others are covered 55–140 %. Deliberate gaps get their fixed demand.
    Nodes whose firms are traders or service providers have no industrial output to compare,
    so they get no demand.
    """
    rng = random.Random(seed + 1)
    chain_ids = [chain.pk for chain in ctx.chains.values()]
    supply_rows = (
        EnterpriseNode.objects.filter(
            node__chain_id__in=chain_ids, enterprise__status=EnterpriseStatus.OPERATING
        )
        .values("node_id")
        .annotate(
            output=Sum(
                "enterprise__figures__industrial_output",
                filter=Q(enterprise__figures__year=LATEST_YEAR),
            )
        )
        .order_by()
    )
    supply = {row["node_id"]: row["output"] or Decimal(0) for row in supply_rows}
    changed: list[ChainNode] = []
    for spec in CHAINS:
        for node_spec in spec.all_nodes():
            node = ctx.nodes.get((spec.key, node_spec.name))
            if node is None or node_spec.kind in (NodeKind.GROUP, NodeKind.FACILITY):
                continue
            demand: float | None = None
            if node_spec.health == "gap":
                demand = float(node_spec.gap_demand) or None
            elif any(code.startswith("C") for code in node_spec.codes):
                output = float(supply.get(node.pk, 0))
                if output <= 0:
                    demand = 5e7
                elif node_spec.health == "weak":
                    demand = output / rng.uniform(0.12, 0.27)
                else:
                    demand = output / rng.uniform(0.55, 1.4)
            if demand is None:
                continue
            node.local_demand = Decimal(round(demand, -4))
            changed.append(node)
    ChainNode.objects.bulk_update(changed, ["local_demand"], batch_size=200)
    return len(changed)


def _enterprise_user(ctx: DemoContext, firm_id: int | None) -> int:
    spec = next(u for u in USERS if u.enterprise)
    if firm_id is None or User.objects.filter(username=spec.username).exists():
        return 0
    firm = Enterprise.objects.get(pk=firm_id)
    User.objects.create(
        username=spec.username,
        display_name=spec.display_name,
        roles=[spec.role],
        region_id=firm.region_id,
        enterprise=firm,
        password=ctx.password_hash,
        password_changed_at=timezone.now(),
    )
    return 1


def _audit(summary: DemoSummary, counts: dict[type[models.Model], int], county: Region) -> None:
    """Seed data is a system action: one summarising audit row per model (actor None), not one
    per row. Thousands of identical 'created by the demo' rows would bury the log that auditors
    read, and writing them would make loading take minutes."""
    for model, count in counts.items():
        if not count:
            continue
        opts = model._meta
        record_system(
            action=AuditAction.CREATE,
            model=model,
            object_repr=f"jinmu demo: {count} × {opts.app_label}.{opts.object_name}",
            region_id=county.code,
            after={"rows": count, "seed": summary.seed, "source": "jinmu demo"},
        )


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    enterprises: int = DEFAULT_ENTERPRISES,
    today: dt.date | None = None,
) -> DemoSummary:
    """Build Ningjin in one transaction: county, units, chains, users, `enterprises` firms and
    the project ledger, dated relative to `today` (default: the local date)."""
    started = time.monotonic()
    summary = DemoSummary(seed=seed)
    with transaction.atomic():
        ctx = prepare_world(password_hash=make_password(DEMO_PASSWORD), today=today)
        result = generate_enterprises(enterprises, seed=seed, ctx=ctx)
        set_local_demand(ctx, seed)
        build_bottlenecks(ctx)
        # Links and figures were bulk-loaded past the services: compute the node statistics.
        for chain in ctx.chains.values():
            stats.refresh_chain(chain.pk)
        ctx.created[User] += _enterprise_user(ctx, result.demo_firm_id)
        counts: dict[type[models.Model], int] = dict(ctx.created)
        counts.update(build_projects(ctx, seed=seed, demo_firm_id=result.demo_firm_id))
        # The article's goals as this year's targets, measured from the firms and projects.
        for model, count in build_targets(ctx).items():
            counts[model] = counts.get(model, 0) + count
        counts[Enterprise] = result.enterprises
        counts[AnnualFigures] = result.figures
        counts[Qualification] = result.qualifications
        counts[EnterpriseNode] = result.links
        _audit(summary, counts, ctx.county)
    summary.generation = result
    summary.created = {m._meta.label: c for m, c in counts.items() if c}
    summary.seconds = time.monotonic() - started
    return summary


# -- the login table -------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_rows() -> list[tuple[str, str, str, str, str]]:
    """(username, password, role in Chinese, unit, what they see) for every demo login."""
    unit_names = {short: name for name, short in (*DEPARTMENTS, *BANKS)}
    unit_names.update({p.short_name: p.name for p in PARKS})
    rows: list[tuple[str, str, str, str, str]] = []
    for spec in USERS:
        if spec.enterprise:
            unit = "宁津县金曹健身器材有限公司（大曹镇）"
        elif spec.role == Role.TOWN and spec.region:
            unit = town_unit_name(spec.region)
        else:
            unit = unit_names.get(spec.unit, spec.unit)
        rows.append((spec.username, DEMO_PASSWORD, ROLE_NAMES_ZH[spec.role], unit, spec.sees))
    for chain in CHAINS:
        rows.append(
            (
                chain.chief[0],
                DEMO_PASSWORD,
                f"{ROLE_NAMES_ZH[Role.COUNTY_LEADER]}（链长）",
                "县委县政府",
                f"全县数据（只读）；{chief_title(chain.name)}",
            )
        )
    return rows


def format_logins() -> str:
    """The login table as aligned text (Chinese characters count double)."""
    header = ("用户名", "密码", "角色", "单位", "可见范围")
    rows = [header, *login_rows()]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
    lines += ["", totp_note()]
    return "\n".join(lines)


def totp_note() -> str:
    """Which demo logins must set up a TOTP app at first sign-in (JINMU_OTP_REQUIRED_ROLES)."""
    required = set(getattr(settings, "JINMU_OTP_REQUIRED_ROLES", ()))
    names = [spec.username for spec in USERS if spec.role in required]
    if not names:
        return "注：当前配置未强制任何角色使用双因素登录。"
    return (
        f"注：{'、'.join(names)} 为管理员账号，首次登录须用手机身份验证器应用（TOTP，"
        "如腾讯身份验证器、Microsoft Authenticator）扫码绑定，此后每次登录输入 6 位验证码。"
    )
