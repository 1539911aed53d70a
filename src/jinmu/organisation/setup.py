"""The first start of a real county (`jinmu setup`): its regions, the units every programme
needs, and the first security administrator, with no demo data.

Units created: the county's leadership (县委县政府, where county leaders sit), the industry
office (产业办, which keeps the enterprise register, the chains, the project ledger and the
targets: nothing starts without it), and one unit per town or street of the list (镇人民政府 /
街道办事处: the towns report weekly on their projects). Departments, parks, chain offices, banks
and courts differ from county to county: the security administrator adds them on the
organisation pages or imports them from Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jinmu.core.audit import record_change
from jinmu.core.choices import AuditAction, RegionLevel, Role, UnitKind
from jinmu.core.models import Region, Unit, User
from jinmu.organisation import codes, services
from jinmu.organisation.region_import import parse_divisions


class SetupError(Exception):
    """The county cannot be set up as asked; the message says why and what to do."""


@dataclass
class SetupSummary:
    """What `set_up_county` created."""

    county: Region
    regions: list[Region] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    admin: User | None = None


def leadership_name(county: str) -> str:
    """宁津县 → 宁津县委县政府; 乐陵市 → 乐陵市委市政府; 德城区 → 德城区委区政府."""
    suffix = county[-1:] if county[-1:] in "县市区旗" else "县"
    return f"{county}委{suffix}政府"


def town_unit_name(town: str) -> str:
    """A street is run by its 办事处, a town or township by its 人民政府."""
    return f"{town}办事处" if town.endswith("街道") else f"{town}人民政府"


def set_up_status(county_code: str) -> str:
    """Why the county counts as set up already ("" when it does not)."""
    county = Region.objects.filter(code=county_code).first()
    if county is None:
        return ""
    units = Unit.objects.filter(region__code__startswith=county.scope_prefix).count()
    users = User.objects.filter(region__code__startswith=county.scope_prefix).count()
    if not units and not users:
        return ""
    return (
        f"{county.name} ({county.code}) is set up already (units: {units}, users: {users}). "
        "Sign in as its security administrator to change units, users and regions "
        "(/organisation/); `jinmu setup` runs once per county."
    )


def county_problem(county_code: str) -> str:
    """Why `jinmu setup` cannot run for this code ("" when it can): a code that is not a
    county's, or a county that is set up already. Checked before the password is asked."""
    try:
        code = codes.normalise_code(county_code)
    except ValidationError as error:
        return " ".join(error.messages)
    if codes.level_of(code) != RegionLevel.COUNTY:
        return f"{code} is not a county-level code (e.g. 371422)."
    return set_up_status(code)


def _names(county_code: str, content: bytes | None, given: dict[str, str]) -> dict[str, str]:
    """Code → name of the county, its parents and its towns: from the list when given (its
    errors stop the setup), the options filling what the list lacks."""
    names: dict[str, str] = {}
    if content is not None:
        divisions, errors = parse_divisions(content)
        if errors:
            shown = "; ".join(
                f"line {e.row}: {e.message}" if e.row else e.message for e in errors[:20]
            )
            raise SetupError(f"The regions file has {len(errors)} errors: {shown}")
        wanted = set(_ancestors(county_code))
        for division in divisions:
            if division.code in wanted or (
                len(division.code) == 9 and division.code.startswith(county_code)
            ):
                names[division.code] = division.name
    for code, name in given.items():
        if name:
            names.setdefault(code, codes.clean_name(name))
    return names


def _ancestors(county_code: str) -> list[str]:
    """Province, city (when there is one) and the county itself, top down."""
    return list(dict.fromkeys([county_code[:2] + "0000", county_code[:4] + "00", county_code]))


@transaction.atomic
def set_up_county(
    *,
    county_code: str,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
    regions_content: bytes | None = None,
    province_name: str = "",
    city_name: str = "",
    county_name: str = "",
) -> SetupSummary:
    """Create the county (with its province and city), its towns from the list, the minimum
    units and the first security administrator; refused on a county that is set up."""
    if problem := county_problem(county_code):
        raise SetupError(problem)
    county_code = codes.normalise_code(county_code)
    province_code, city_code = county_code[:2] + "0000", county_code[:4] + "00"
    given = {province_code: province_name, city_code: city_name, county_code: county_name}
    try:
        names = _names(county_code, regions_content, given)
    except ValidationError as error:
        raise SetupError(" ".join(error.messages)) from error
    regions: list[Region] = []
    county = _create_ancestors(county_code, names, regions)
    towns = _create_towns(county, names, regions)
    summary = SetupSummary(county=county, regions=regions)
    summary.units = _create_units(county, towns)
    summary.admin = _create_admin(
        county,
        username=admin_username,
        password=admin_password,
        display_name=admin_display_name,
    )
    return summary


def _create_ancestors(county_code: str, names: dict[str, str], regions: list[Region]) -> Region:
    """The province, city and county that do not exist yet (added to `regions`); the county."""
    province_code, city_code = county_code[:2] + "0000", county_code[:4] + "00"
    parent: Region | None = None
    for code in _ancestors(county_code):
        region = Region.objects.filter(code=code).first()
        if region is None:
            if code not in names:
                if code == city_code and code != county_code:
                    continue  # a county directly under its province (省直辖县) has no city
                option = {province_code: "--province-name", county_code: "--county-name"}
                raise SetupError(
                    f"The name of {code} is unknown: give --regions FILE (the official list) "
                    f"or {option.get(code, '--city-name')}."
                )
            region = _create_region(code, names[code], parent)
            regions.append(region)
        parent = region
    assert parent is not None
    return parent


def _create_towns(county: Region, names: dict[str, str], regions: list[Region]) -> list[Region]:
    """The towns of the list (those that do not exist yet are created and added to `regions`)."""
    towns = []
    for code in sorted(c for c in names if len(c) == 9):
        town = Region.objects.filter(code=code).first()
        if town is None:
            town = _create_region(code, names[code], county)
            regions.append(town)
        towns.append(town)
    return towns


def _create_units(county: Region, towns: list[Region]) -> list[Unit]:
    """The minimum units: the county's leadership, its industry office and each town's unit."""
    leadership = _create_unit(county, leadership_name(county.name), "", UnitKind.LEADERSHIP)
    office = _create_unit(
        county, f"{county.name}产业办", "产业办", UnitKind.INDUSTRY_OFFICE, parent=leadership
    )
    units = [leadership, office]
    for town in towns:
        unit = _create_unit(county, town_unit_name(town.name), town.name, UnitKind.TOWN, town=town)
        units.append(unit)
    return units


def _create_admin(county: Region, *, username: str, password: str, display_name: str) -> User:
    """The county's first security administrator."""
    try:
        admin = services.create_user(
            actor=None,
            prefix=county.scope_prefix,
            username=username,
            password=password,
            data={
                "display_name": display_name or "安全管理员",
                "region": county,
                "roles": [Role.SECURITY_ADMIN.value],
            },
        )
    except ValidationError as error:
        raise SetupError(
            "The security administrator cannot be created: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        ) from error
    # The administrator chose this password themselves (it was typed at the console).
    admin.password_changed_at = timezone.now()
    admin.save(update_fields=["password_changed_at"])
    return admin


def _create_region(code: str, name: str, parent: Region | None) -> Region:
    region = Region.objects.create(
        code=code, name=name, level=codes.level_of(code), parent=parent, is_demo_code=False
    )
    record_change(obj=region, action=AuditAction.CREATE, actor=None, before=None)
    return region


def _create_unit(
    county: Region,
    name: str,
    short: str,
    kind: str,
    *,
    parent: Unit | None = None,
    town: Region | None = None,
) -> Unit:
    data: dict[str, Any] = {
        "region": county,
        "name": name,
        "short_name": short,
        "kind": kind,
        "parent": parent,
        "town_region": town,
    }
    return services.create_unit(actor=None, prefix=county.scope_prefix, data=data)
