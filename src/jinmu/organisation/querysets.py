"""What the security administrator may manage: the regions, units and users of their region.

The security administrator reads no business data (their domain scope is NONE in
`jinmu.core.scoping`); these querysets are the only rows they see, and anything outside their
region is absent (a 404 on its page).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from jinmu.core.models import Region, Unit, User
from jinmu.core.permissions import has_action


def admin_region(user: Any) -> Region | None:
    """The region a security administrator administers (their own, or their unit's)."""
    if not has_action(user, "core.change_user"):
        return None
    region: Region | None = user.region
    if region is None and user.unit is not None:
        region = user.unit.region
    return region


def admin_prefix(user: Any) -> str:
    """The code prefix of what the user administers; 403 for anyone but a security
    administrator with a region (三员分立: nobody else manages accounts and roles)."""
    region = admin_region(user)
    if region is None:
        raise PermissionDenied(_("Only the security administrator manages the organisation."))
    return region.scope_prefix


def in_prefix(code: str | None, prefix: str) -> bool:
    """True when a region code lies inside the prefix (GB/T 2260 nesting)."""
    return bool(code) and str(code).startswith(prefix)


def regions_for(user: Any) -> QuerySet[Region]:
    """Regions inside the administrator's region (their own included)."""
    return Region.objects.filter(code__startswith=admin_prefix(user))


def units_for(user: Any) -> QuerySet[Unit]:
    """Units that belong to a region inside the administrator's region."""
    return Unit.objects.filter(region__code__startswith=admin_prefix(user))


def users_for(user: Any) -> QuerySet[User]:
    """Accounts whose region (or, without one, whose unit's region) lies inside the
    administrator's region."""
    prefix = admin_prefix(user)
    return User.objects.filter(
        Q(region__code__startswith=prefix)
        | Q(region__isnull=True, unit__region__code__startswith=prefix)
    )
