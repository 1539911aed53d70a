"""What part of the data a user may see, derived from their roles, unit and region.

Every domain queryset's `for_user()` turns a `Scope` into a filter, so pages, API and exports
share one rule and anything out of scope is simply absent (a 404 on detail).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser

from jinmu.core.choices import Role, UnitKind
from jinmu.core.permissions import has_action

if TYPE_CHECKING:
    from jinmu.core.types import User, Visitor


class ScopeKind(Enum):
    """How far a user's view reaches."""

    REGION = "region"  # everything whose region code starts with a prefix
    CHAIN = "chain"  # what lies on the chains run by the user's chain office
    TOWN = "town"  # what lies in one town
    PARK = "park"  # what lies in one park
    ENTERPRISE = "enterprise"  # one enterprise's own data
    NONE = "none"


# Roles that read the whole region's domain data.
REGION_WIDE_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.COUNTY_LEADER,
    Role.INDUSTRY_OFFICE,
    Role.DEPARTMENT,
)


@dataclass(frozen=True)
class Scope:
    """The resolved scope of one user."""

    kind: ScopeKind
    region_prefix: str = ""
    region_code: str = ""
    unit_id: int | None = None
    enterprise_id: int | None = None

    @property
    def is_region_wide(self) -> bool:
        """True for users who see the whole region."""
        return self.kind is ScopeKind.REGION


NO_SCOPE = Scope(ScopeKind.NONE)


def scope_for(user: Visitor | None) -> Scope:
    """Resolve the broadest scope among the user's roles."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return NO_SCOPE
    # Pages and the API ask many times per request (menus, permissions, each queryset): the
    # answer is kept on the user object, which lives for one request, and recomputed if the
    # fields it derives from change on that object.
    key = (tuple(user.roles or ()), user.region_id, user.unit_id, user.enterprise_id)
    cached: tuple[object, Scope] | None = getattr(user, "_jinmu_scope", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    scope = _resolve_scope(user)
    user._jinmu_scope = (key, scope)  # type: ignore[attr-defined]
    return scope


def _resolve_scope(user: User) -> Scope:
    """The scope of a signed-in user, from their roles, region and unit."""
    roles = set(user.roles or [])
    region = user.region
    unit = user.unit
    if region is None and unit is not None:
        region = unit.region
    if roles & set(REGION_WIDE_ROLES) and region is not None:
        return Scope(ScopeKind.REGION, region_prefix=region.scope_prefix)
    if Role.CHAIN_OFFICE in roles and unit is not None and unit.kind == UnitKind.CHAIN_OFFICE:
        return Scope(ScopeKind.CHAIN, region_prefix=unit.region.scope_prefix, unit_id=unit.pk)
    if Role.TOWN in roles and unit is not None:
        if unit.kind == UnitKind.PARK:
            return Scope(ScopeKind.PARK, region_prefix=unit.region.scope_prefix, unit_id=unit.pk)
        if unit.kind == UnitKind.TOWN and unit.town_region_id:
            return Scope(ScopeKind.TOWN, region_code=unit.town_region_id, unit_id=unit.pk)
    if Role.ENTERPRISE in roles and user.enterprise_id:
        return Scope(ScopeKind.ENTERPRISE, enterprise_id=user.enterprise_id)
    return NO_SCOPE


def working_region_code(user: User) -> str | None:
    """The region a user works for: a town user's town, else their own region, else their
    unit's; None when neither is set."""
    scope = scope_for(user)
    if scope.kind is ScopeKind.TOWN:
        return scope.region_code
    region_id = user.region_id
    if region_id is None and user.unit is not None:
        region_id = user.unit.region_id
    return region_id


def can_edit_enterprises(user: Visitor | None) -> bool:
    """Who may create and change enterprise records (within their scope)."""
    return has_action(user, "enterprises.change_enterprise")


def can_edit_chains(user: Visitor | None) -> bool:
    """Who may change chains, nodes, links, partners and bottlenecks (within their scope)."""
    return has_action(user, "chains.change_chain")


def can_read_audit(user: Visitor | None) -> bool:
    """The audit log is for the audit admin and county leaders only."""
    return has_action(user, "core.view_auditlog")
