"""Fixtures shared by every app's tests: a small county with a user for each role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from jinmu.core.choices import Role, UnitKind
from jinmu.core.models import Region, Unit, User
from jinmu.core.tests.factories import UnitFactory, county, town, user_with


@dataclass
class World:
    """A county with two towns, a park, a chain office and one user per role."""

    county: Region
    town_a: Region
    town_b: Region
    industry_office: Unit
    chain_office: Unit
    other_chain_office: Unit
    town_a_unit: Unit
    town_b_unit: Unit
    park: Unit
    users: dict[str, User]

    def user(self, name: str) -> User:
        """A user by persona name."""
        return self.users[name]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with an empty cache (cached board counts must not cross tests)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    """Build the county, its units and users (enterprise user has no enterprise yet)."""
    region = county()
    town_a = town("371422105", "大曹镇")
    town_b = town("371422104", "保店镇")
    industry = UnitFactory(name="产业办", kind=UnitKind.INDUSTRY_OFFICE)
    chain_office = UnitFactory(name="健身器材链长办", kind=UnitKind.CHAIN_OFFICE)
    other_chain_office = UnitFactory(name="电梯链长办", kind=UnitKind.CHAIN_OFFICE)
    town_a_unit = UnitFactory(name="大曹镇人民政府", kind=UnitKind.TOWN, town_region=town_a)
    town_b_unit = UnitFactory(name="保店镇人民政府", kind=UnitKind.TOWN, town_region=town_b)
    park = UnitFactory(name="健身器材产业园", kind=UnitKind.PARK, town_region=town_a)
    department = UnitFactory(name="工业和信息化局", kind=UnitKind.DEPARTMENT)
    statistics = UnitFactory(name="宁津县统计局", short_name="统计局", kind=UnitKind.DEPARTMENT)
    users = {
        "admin": user_with(Role.SYSTEM_ADMIN, username="t-admin"),
        "security": user_with(Role.SECURITY_ADMIN, username="t-security"),
        "auditor": user_with(Role.AUDIT_ADMIN, username="t-auditor"),
        "leader": user_with(Role.COUNTY_LEADER, username="t-leader"),
        "industry": user_with(Role.INDUSTRY_OFFICE, username="t-industry", unit=industry),
        "chain": user_with(Role.CHAIN_OFFICE, username="t-chain", unit=chain_office),
        "other_chain": user_with(
            Role.CHAIN_OFFICE, username="t-other-chain", unit=other_chain_office
        ),
        "department": user_with(Role.DEPARTMENT, username="t-dept", unit=department),
        # Reports 规上工业增加值增速, which the catalogue says 统计局 reports.
        "stats": user_with(Role.DEPARTMENT, username="t-stats", unit=statistics),
        "town_a": user_with(Role.TOWN, username="t-town-a", unit=town_a_unit),
        "town_b": user_with(Role.TOWN, username="t-town-b", unit=town_b_unit),
        "park": user_with(Role.TOWN, username="t-park", unit=park),
        "enterprise": user_with(Role.ENTERPRISE, username="t-enterprise"),
        "bank": user_with(Role.BANK, username="t-bank"),
        "judge": user_with(Role.JUDGE, username="t-judge"),
    }
    return World(
        county=region,
        town_a=town_a,
        town_b=town_b,
        industry_office=industry,
        chain_office=chain_office,
        other_chain_office=other_chain_office,
        town_a_unit=town_a_unit,
        town_b_unit=town_b_unit,
        park=park,
        users=users,
    )
