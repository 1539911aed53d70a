"""What the security administrator may manage: the regions, units and users of their region.

The security administrator reads no business data (their domain scope is NONE in
`jinmu.core.scoping`); these querysets are the only rows they see, and anything outside their
region is absent (a 404 on its page).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jinmu.core.choices import Role
from jinmu.core.models import Region, Unit, User
from jinmu.core.permissions import has_action


def admin_region(user: User) -> Region | None:
    """The region a security administrator administers (their own, or their unit's)."""
    if not has_action(user, "core.change_user"):
        return None
    region: Region | None = user.region
    if region is None and user.unit is not None:
        region = user.unit.region
    return region


def admin_prefix(user: User) -> str:
    """The code prefix of what the user administers; 403 for anyone but a security
    administrator with a region (三员分立: nobody else manages accounts and roles)."""
    region = admin_region(user)
    if region is None:
        raise PermissionDenied(_("Only the security administrator manages the organisation."))
    return region.scope_prefix


def in_prefix(code: str | None, prefix: str) -> bool:
    """True when a region code lies inside the prefix (GB/T 2260 nesting)."""
    return bool(code) and str(code).startswith(prefix)


def regions_for(user: User) -> QuerySet[Region]:
    """Regions inside the administrator's region (their own included)."""
    return Region.objects.filter(code__startswith=admin_prefix(user))


def units_for(user: User) -> QuerySet[Unit]:
    """Units that belong to a region inside the administrator's region."""
    return Unit.objects.filter(region__code__startswith=admin_prefix(user))


def users_for(user: User) -> QuerySet[User]:
    """Accounts whose region (or, without one, whose unit's region) lies inside the
    administrator's region."""
    prefix = admin_prefix(user)
    return User.objects.filter(
        Q(region__code__startswith=prefix)
        | Q(region__isnull=True, unit__region__code__startswith=prefix)
    )


def search_users(user: User, q: str, role: str) -> QuerySet[User]:
    """The administrator's accounts matching `q` (username or name) and holding `role` (any
    role when it is not one)."""
    users = users_for(user).select_related("unit", "region")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if role in Role.values:
        # Roles are a JSON list, and SQLite has no JSON containment: filter the ids in Python
        # (a region has hundreds of accounts, not millions).
        users = users.filter(pk__in=[u.pk for u in users.only("pk", "roles") if role in u.roles])
    return users


def search_units(user: User, q: str) -> QuerySet[Unit]:
    """The administrator's units whose name or short name contains `q`."""
    units = units_for(user).select_related("parent", "town_region", "region")
    if q:
        units = units.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    return units


def search_regions(user: User, q: str) -> QuerySet[Region]:
    """The administrator's regions whose code starts with `q` or whose name contains it."""
    regions = regions_for(user).select_related("parent")
    if q:
        regions = regions.filter(Q(code__startswith=q) | Q(name__icontains=q))
    return regions
