"""What each role may do, as data: the role groups' permissions, read as a grid and changed by
the security administrator (audited).

三员分立: the three administrator roles are fixed (nobody edits them, so no administrator can
grant itself or another administrator anything), and the permissions that manage accounts,
regions, tokens and the audit log are never granted to a business role here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction, Role
from jinmu.core.permissions import ROLE_PERMISSIONS, ensure_role_groups, has_action
from jinmu.core.services import StaleObjectError
from jinmu.core.types import User

# Roles whose permissions are fixed (三员分立).
FIXED_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# Apps whose permissions business roles may be given here; `core.view_unit` is the one core
# permission a business role uses (the directory of units to route work to).
BUSINESS_APPS = ("enterprises", "chains", "projects", "problems", "targets")
_EXTRA_BUSINESS = ("core.view_unit",)


@dataclass(frozen=True)
class Row:
    """One permission of the grid: its name, how it reads, and which roles hold it."""

    permission: str
    label: str
    model: str
    held: frozenset[str]
    editable: bool


@dataclass(frozen=True)
class Grid:
    """Roles × permissions as the groups hold them now, and a digest of that state."""

    roles: tuple[Role, ...]
    rows: tuple[Row, ...]
    digest: str


def _name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def is_business(permission: str) -> bool:
    """Whether a business role may be given this permission on this page."""
    return permission.split(".", 1)[0] in BUSINESS_APPS or permission in _EXTRA_BUSINESS


def _label(permission: Permission) -> str:
    action = permission.codename.rsplit("_", 1)[0]
    verbs = {
        "view": _("View"),
        "add": _("Add"),
        "change": _("Change"),
        "delete": _("Delete"),
        "report": _("Report"),
        "approve": _("Approve"),
        "override": _("Set the light by hand"),
        "curate": _("Keep curated lists"),
        "export": _("Export"),
        "claim": _("Claim and resolve for the own unit"),
        "coordinate": _("Resolve for any unit"),
        "keep_responsible": _("Change and report the projects the own unit answers for"),
    }
    return str(verbs.get(action, permission.name))


def _candidates() -> list[Permission]:
    """Every permission the table uses, plus the other permissions of the business models the
    table governs. Rows that hang off those (a chain's nodes, a project's milestones) follow
    their parent's permissions, so theirs are not offered: ticking them would change nothing."""
    wanted = set().union(*ROLE_PERMISSIONS.values())
    rows = list(
        Permission.objects.select_related("content_type").order_by(
            "content_type__app_label", "content_type__model", "codename"
        )
    )
    governed = {p.content_type_id for p in rows if _name(p) in wanted and is_business(_name(p))}
    return [p for p in rows if _name(p) in wanted or p.content_type_id in governed]


def role_grid() -> Grid:
    """The grid as the groups hold it (a missing group is created with its defaults first)."""
    ensure_role_groups()
    held: dict[str, set[str]] = {}
    for name, app_label, codename in Group.objects.filter(
        name__in=[str(r) for r in Role]
    ).values_list("name", "permissions__content_type__app_label", "permissions__codename"):
        if codename:
            held.setdefault(f"{app_label}.{codename}", set()).add(name)
    rows = []
    for permission in _candidates():
        name = _name(permission)
        model = permission.content_type.model_class()
        rows.append(
            Row(
                permission=name,
                label=_label(permission),
                model=str(model._meta.verbose_name) if model else permission.content_type.model,
                held=frozenset(held.get(name, set())),
                editable=is_business(name),
            )
        )
    state = ";".join(f"{row.permission}={','.join(sorted(row.held))}" for row in rows)
    return Grid(
        roles=tuple(Role),
        rows=tuple(rows),
        digest=hashlib.sha256(state.encode()).hexdigest()[:32],
    )


@transaction.atomic
def set_role_permissions(
    *,
    actor: User,
    wanted: dict[str, set[str]],
    expected_digest: str,
    request: HttpRequest | None = None,
) -> dict[str, dict[str, list[str]]]:
    """Give each business role exactly the business permissions in `wanted` (role → names);
    fixed roles and non-business permissions are refused. Returns what changed per role."""
    if not has_action(actor, "auth.change_group"):
        raise PermissionDenied(_("Only the security administrator changes what roles may do."))
    # Lock the groups so two administrators saving at once cannot both pass the digest check.
    list(Group.objects.select_for_update().filter(name__in=[str(r) for r in Role]))
    grid = role_grid()
    if expected_digest != grid.digest:
        raise StaleObjectError(
            {"__all__": _("Someone changed the roles' permissions meanwhile; reload the page.")}
        )
    errors = [
        _("The permissions of %(role)s are fixed.") % {"role": Role(role).label}
        for role in wanted
        if role in FIXED_ROLES
    ]
    errors += [
        _("%(permission)s cannot be given to a business role here.") % {"permission": name}
        for names in wanted.values()
        for name in names
        if not is_business(name)
    ]
    unknown = [role for role in wanted if role not in Role.values]
    errors += [_("Unknown role: %(role)s.") % {"role": role} for role in unknown]
    if errors:
        raise ValidationError(errors)
    by_name = {_name(p): p for p in _candidates()}
    changes: dict[str, dict[str, list[str]]] = {}
    for role in Role:
        if role in FIXED_ROLES or str(role) not in wanted:
            continue
        group = Group.objects.get(name=str(role))
        now = {row.permission for row in grid.rows if str(role) in row.held}
        business_now = {p for p in now if is_business(p)}
        target = set(wanted[str(role)])
        added, removed = sorted(target - business_now), sorted(business_now - target)
        if not added and not removed:
            continue
        group.permissions.add(*(by_name[p] for p in added if p in by_name))
        group.permissions.remove(*(by_name[p] for p in removed if p in by_name))
        changes[str(role)] = {"added": added, "removed": removed}
        record_event(
            action=AuditAction.PERMISSION_CHANGE,
            actor=actor,
            request=request,
            obj=group,
            detail={"role": str(role), "added": added, "removed": removed},
        )
    return changes
