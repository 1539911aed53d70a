"""What each role may do: one table of role → Django permissions.

Scoping (`jinmu.core.scoping`) decides *where* a user reads and writes (a town, a chain, one
enterprise); this table decides *what* they may do there. The table is the default: each role is
a Django group of the same name holding these permissions (created by migration
`core.0012_role_groups` and restored by `jinmu load_reference`), so a county can change what a
role may do as data. A role whose group does not exist falls back to this table.

Permissions are `app_label.action_model` (Django's view/add/change/delete plus the actions the
programme needs: report, approve, override, curate, export, claim, coordinate). Querysets take the
action: `Project.objects.for_user(user, "report")` is the projects the user may report for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinmu.core.choices import Role

if TYPE_CHECKING:  # core.models imports this module
    from jinmu.core.types import Visitor

# Custom permissions (codename, English name) per model; the models declare them in Meta.
ENTERPRISE_ACTIONS = (("export_enterprise", "Can export enterprises"),)
PROJECT_ACTIONS = (
    ("report_project", "Can file weekly reports of projects"),
    ("approve_project", "Can approve battle maps and re-plans"),
    ("override_project", "Can set a project's light by hand"),
    ("curate_project", "Can keep curated project lists"),
    ("export_project", "Can export projects and bulletins"),
    ("keep_responsible_project", "Can change and report the projects the own unit answers for"),
)
PROBLEM_ACTIONS = (
    ("claim_problem", "Can claim and resolve problems of the own unit"),
    ("coordinate_problem", "Can resolve any problem"),
)
TARGET_ACTIONS = (
    ("report_target", "Can report values of reported indicators"),
    ("export_target", "Can export the target board"),
)
AUDIT_ACTIONS = (("export_auditlog", "Can export the audit log"),)

_BUSINESS_VIEW = frozenset(
    {
        "enterprises.view_enterprise",
        "chains.view_chain",
        "projects.view_project",
        "problems.view_problem",
        "targets.view_target",
        "core.view_unit",
    }
)
_STAFF_COMMON = _BUSINESS_VIEW | {
    "enterprises.export_enterprise",
    "projects.export_project",
    "problems.add_problem",
    "problems.claim_problem",
    "targets.export_target",
}
_KEEPER = {
    "projects.add_project",
    "projects.change_project",
    "projects.report_project",
}
_SUPERVISOR = {
    "projects.approve_project",
    "projects.override_project",
    "problems.coordinate_problem",
}
# The industry office runs the programme; the system administrator (configuration) may do the
# same, as before this table existed.
_PROGRAMME_OFFICE = frozenset(
    _STAFF_COMMON
    | _KEEPER
    | _SUPERVISOR
    | {
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "chains.change_chain",
        "projects.curate_project",
        "targets.add_target",
        "targets.change_target",
        "targets.delete_target",
        "targets.report_target",
    }
)

# The default table. One test per cell checks it (core/tests/test_permissions.py), and the doors
# that use each permission are tested in their apps.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: _PROGRAMME_OFFICE,
    # 三员分立: the security administrator keeps users, units, regions and tokens and reads no
    # business data; the audit administrator reads the audit log only.
    Role.SECURITY_ADMIN: frozenset(
        {
            "core.view_region",
            "core.add_region",
            "core.change_region",
            "core.view_unit",
            "core.add_unit",
            "core.change_unit",
            "core.view_user",
            "core.add_user",
            "core.change_user",
            "core.view_apitoken",
            "core.delete_apitoken",
            "auth.view_group",
            "auth.change_group",
        }
    ),
    Role.AUDIT_ADMIN: frozenset({"core.view_auditlog", "core.export_auditlog"}),
    Role.COUNTY_LEADER: frozenset(
        _STAFF_COMMON | _SUPERVISOR | {"core.view_auditlog", "core.export_auditlog"}
    ),
    Role.INDUSTRY_OFFICE: _PROGRAMME_OFFICE,
    Role.CHAIN_OFFICE: frozenset(_STAFF_COMMON | _KEEPER | {"chains.change_chain"}),
    # A department adds projects; it changes and reports only those it is responsible for
    # (the project queryset narrows `change` and `report` to them).
    Role.DEPARTMENT: frozenset(
        _STAFF_COMMON
        | {"projects.add_project", "projects.keep_responsible_project", "targets.report_target"}
    ),
    Role.TOWN: frozenset(
        _STAFF_COMMON | _KEEPER | {"enterprises.add_enterprise", "enterprises.change_enterprise"}
    ),
    # An enterprise user reads its own enterprise and projects, reports for its projects and
    # raises problems about them; it reads no chain map and no targets.
    Role.ENTERPRISE: frozenset(
        {
            "core.view_unit",
            "enterprises.view_enterprise",
            "enterprises.export_enterprise",
            "projects.view_project",
            "projects.report_project",
            "problems.view_problem",
            "problems.add_problem",
        }
    ),
    Role.BANK: frozenset(),
    Role.JUDGE: frozenset(),
}


def role_permissions(roles: list[str] | tuple[str, ...] | set[str]) -> set[str]:
    """The permissions of a set of roles: their groups' where a group exists, else the table's."""
    from django.contrib.auth.models import Group

    wanted = [str(role) for role in roles if role in ROLE_PERMISSIONS]
    if not wanted:
        return set()
    found: dict[str, set[str]] = {}
    rows = Group.objects.filter(name__in=wanted).values_list(
        "name", "permissions__content_type__app_label", "permissions__codename"
    )
    for name, app_label, codename in rows:
        perms = found.setdefault(name, set())
        if codename:
            perms.add(f"{app_label}.{codename}")
    result: set[str] = set()
    for role in wanted:
        result |= found[role] if role in found else set(ROLE_PERMISSIONS[role])
    return result


def has_action(user: Visitor | None, permission: str) -> bool:
    """True if the signed-in, active user's roles grant `permission` ("app.action_model")."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_perm(permission))


def ensure_role_groups(*, reset: bool = False) -> int:
    """Create each role's group with the default permissions (all of them again when `reset`);
    returns the number of groups created or reset."""
    from django.contrib.auth.models import Group, Permission

    changed = 0
    for role, perms in ROLE_PERMISSIONS.items():
        group, created = Group.objects.get_or_create(name=str(role))
        if not created and not reset:
            continue
        wanted = [p.split(".", 1) for p in perms]
        rows = [
            p
            for p in Permission.objects.filter(codename__in=[c for _, c in wanted]).select_related(
                "content_type"
            )
            if [p.content_type.app_label, p.codename] in wanted
        ]
        group.permissions.set(rows)
        changed += 1
    return changed


def require_action(user: Visitor | None, permission: str, message: str = "") -> None:
    """403 (PermissionDenied with `message`) unless the user's roles grant `permission`."""
    from django.core.exceptions import PermissionDenied

    if not has_action(user, permission):
        raise PermissionDenied(message)
