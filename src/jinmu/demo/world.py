"""Build the county's skeleton: regions, units, users, chains with their nodes and partners.

`prepare_world()` is idempotent (get-or-create by natural keys) and returns a `DemoContext`, the
lookups that the enterprise generator needs, so that the generator runs no per-row queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner
from jinmu.core.choices import RegionLevel, Role, UnitKind
from jinmu.core.models import Region, Unit, User
from jinmu.demo.ningjin import (
    BANKS,
    CHAINS,
    CITY,
    COUNTY,
    DEPARTMENTS,
    INDUSTRY_OFFICE,
    LEADERSHIP,
    PARKS,
    PROVINCE,
    TOWNS,
    USERS,
    ChainSpec,
    NodeSpec,
    chief_title,
    town_unit_name,
)
from jinmu.enterprises.models import IndustryCode, QualificationKind
from jinmu.enterprises.reference import load_reference


@dataclass
class DemoContext:
    """What the generator needs to know about the county, loaded once."""

    county: Region
    towns: dict[str, Region]
    units: dict[str, Unit]  # by short name (towns by the town's name)
    parks: dict[str, Unit]  # by full name
    chains: dict[str, Chain]  # by ChainSpec.key
    nodes: dict[tuple[str, str], ChainNode]  # by (chain key, node name)
    kinds: dict[str, QualificationKind]  # by code
    industries: set[str]
    today: dt.date
    password_hash: str = ""
    created: Counter[type[models.Model]] = field(default_factory=Counter)
    fresh_chains: set[str] = field(default_factory=set)  # chains whose nodes were created now

    @property
    def town_coords(self) -> dict[str, tuple[float, float]]:
        """Rough (latitude, longitude) of each town."""
        return {name: (lat, lon) for name, _code, lat, lon in TOWNS}


def _region(code: str, name: str, level: str, parent: Region | None, demo: bool) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code,
        defaults={"name": name, "level": level, "parent": parent, "is_demo_code": demo},
    )
    return region


def _unit(
    ctx: DemoContext,
    name: str,
    short: str,
    kind: str,
    *,
    parent: Unit | None = None,
    town: Region | None = None,
) -> Unit:
    unit, created = Unit.objects.get_or_create(
        region=ctx.county,
        kind=kind,
        name=name,
        defaults={"short_name": short, "parent": parent, "town_region": town},
    )
    if created:
        ctx.created[Unit] += 1
    return unit


def _build_regions() -> tuple[Region, dict[str, Region], int]:
    before = Region.objects.count()
    province = _region(*PROVINCE, RegionLevel.PROVINCE, None, demo=False)
    city = _region(*CITY, RegionLevel.CITY, province, demo=False)
    county = _region(*COUNTY, RegionLevel.COUNTY, city, demo=False)
    towns = {
        name: _region(code, name, RegionLevel.TOWN, county, demo=True)
        for name, code, _lat, _lon in TOWNS
    }
    return county, towns, Region.objects.count() - before


def _build_units(ctx: DemoContext) -> None:
    leadership = _unit(ctx, LEADERSHIP[0], LEADERSHIP[1], UnitKind.LEADERSHIP)
    office = _unit(
        ctx, INDUSTRY_OFFICE[0], INDUSTRY_OFFICE[1], UnitKind.INDUSTRY_OFFICE, parent=leadership
    )
    ctx.units[LEADERSHIP[1]] = leadership
    ctx.units[INDUSTRY_OFFICE[1]] = office
    for chain in CHAINS:
        ctx.units[chain.office] = _unit(
            ctx, chain.office, chain.office, UnitKind.CHAIN_OFFICE, parent=office
        )
    for name, short in DEPARTMENTS:
        ctx.units[short] = _unit(ctx, name, short, UnitKind.DEPARTMENT)
    for name, short in BANKS:
        ctx.units[short] = _unit(ctx, name, short, UnitKind.BANK)
    for town_name, region in ctx.towns.items():
        ctx.units[town_name] = _unit(
            ctx, town_unit_name(town_name), town_name, UnitKind.TOWN, town=region
        )
    for park in PARKS:
        parent = ctx.units.get(park.parent) if park.parent else None
        unit = _unit(
            ctx, park.name, park.short_name, UnitKind.PARK, parent=parent, town=ctx.towns[park.town]
        )
        ctx.units[park.short_name] = unit
        ctx.parks[park.name] = unit


def _user(
    ctx: DemoContext,
    username: str,
    display: str,
    role: str,
    unit: Unit | None,
    region: Region,
    *,
    staff: bool = False,
) -> User:
    """Create a demo user; an existing account of the same name is left untouched."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    # Demo accounts share one hash (computed once): PBKDF2 takes ~0.4 s per password, and the
    # shared demo password is public anyway.
    user = User(
        username=username,
        display_name=display,
        roles=[role],
        unit=unit,
        region=region,
        is_staff=staff,
        password=ctx.password_hash,
        # The demo's published password counts as chosen, so demo users are not sent to
        # change it at first sign-in (an administrator-given password is).
        password_changed_at=timezone.now(),
    )
    user.save()
    ctx.created[User] += 1
    return user


def _build_users(ctx: DemoContext) -> dict[str, User]:
    users: dict[str, User] = {}
    for spec in USERS:
        if spec.enterprise:
            continue  # created once its enterprise exists
        region = ctx.towns[spec.region] if spec.region else ctx.county
        unit = ctx.units[spec.unit] if spec.unit else None
        users[spec.username] = _user(
            ctx, spec.username, spec.display_name, spec.role, unit, region, staff=spec.staff
        )
    for chain in CHAINS:
        username, display = chain.chief
        users[username] = _user(
            ctx,
            username,
            f"{display}（{chief_title(chain.name)}）",
            Role.COUNTY_LEADER,
            ctx.units[LEADERSHIP[1]],
            ctx.county,
        )
    return users


def _build_nodes(ctx: DemoContext, chain: Chain, spec: ChainSpec) -> None:
    def create(node: NodeSpec, parent: ChainNode | None, order: int) -> None:
        obj = ChainNode.objects.create(
            region=ctx.county,
            chain=chain,
            parent=parent,
            name=node.name,
            segment=node.segment,
            kind=node.kind,
            facility_type=node.facility_type,
            description=node.description,
            sort_order=order,
        )
        ctx.created[ChainNode] += 1
        ctx.nodes[(spec.key, node.name)] = obj
        for i, child in enumerate(node.children):
            create(child, obj, i)

    for i, node in enumerate(spec.nodes):
        create(node, None, i)


def _build_chains(ctx: DemoContext, users: dict[str, User]) -> None:
    for order, spec in enumerate(CHAINS):
        chain, created = Chain.objects.get_or_create(
            region=ctx.county,
            name=spec.name,
            defaults={
                "cluster": spec.cluster,
                "description": spec.description,
                "chief": users.get(spec.chief[0]),
                "office": ctx.units[spec.office],
                "sort_order": order,
            },
        )
        ctx.chains[spec.key] = chain
        if created:
            ctx.created[Chain] += 1
        existing = {node.name: node for node in chain.nodes.all()}
        if existing:
            for name, node in existing.items():
                ctx.nodes[(spec.key, name)] = node
            continue
        ctx.fresh_chains.add(spec.key)
        _build_nodes(ctx, chain, spec)
        for partner in spec.partners:
            _, made = ChainPartner.objects.get_or_create(
                chain=chain,
                kind=partner.kind,
                name=partner.name,
                defaults={
                    "region": ctx.county,
                    "role_description": partner.role,
                    "unit": ctx.units.get(partner.unit) if partner.unit else None,
                },
            )
            ctx.created[ChainPartner] += int(made)


def build_bottlenecks(ctx: DemoContext) -> None:
    """A few open bottlenecks and cleared ones, on chains whose nodes were created now."""
    for spec in CHAINS:
        if spec.key not in ctx.fresh_chains:
            continue
        for b in spec.bottlenecks:
            since = ctx.today - dt.timedelta(days=b.since_days)
            cleared = (
                ctx.today - dt.timedelta(days=b.cleared_days)
                if b.cleared_days is not None
                else None
            )
            Bottleneck.objects.create(
                region=ctx.county,
                node=ctx.nodes[(spec.key, b.node)],
                title=b.title,
                detail=b.detail,
                since=since,
                owner_unit=ctx.units[b.owner],
                owner_name=b.owner_name,
                status="cleared" if cleared else "open",
                cleared_on=cleared,
            )
            ctx.created[Bottleneck] += 1


def prepare_world(*, password_hash: str = "", today: dt.date | None = None) -> DemoContext:
    """Regions, units, users, chains and nodes (get-or-create) plus the lookups, in a context.

    Reference data (industry codes, qualification kinds) is loaded first if missing, so the
    demo also works on a database whose tables were flushed after the data migration.
    """
    load_reference()
    county, towns, new_regions = _build_regions()
    ctx = DemoContext(
        county=county,
        towns=towns,
        units={},
        parks={},
        chains={},
        nodes={},
        kinds={k.code: k for k in QualificationKind.objects.all()},
        industries=set(IndustryCode.objects.values_list("code", flat=True)),
        today=today or timezone.localdate(),
        password_hash=password_hash,
    )
    ctx.created[Region] += new_regions
    _build_units(ctx)
    users = _build_users(ctx)
    _build_chains(ctx, users)
    return ctx
