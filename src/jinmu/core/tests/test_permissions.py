"""The role → permission table: one test per cell, groups as data, and the doors that ask."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission

from jinmu.core.choices import Role
from jinmu.core.permissions import ROLE_PERMISSIONS, ensure_role_groups
from jinmu.core.tests.factories import user_with

# What each role may do, written out as the programme describes it (domain.md's roles): one
# column per role, ✓ where the role holds the permission. The table in jinmu.core.permissions
# must say exactly this.
_ROLES = (
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
    Role.COUNTY_LEADER,
    Role.INDUSTRY_OFFICE,
    Role.CHAIN_OFFICE,
    Role.DEPARTMENT,
    Role.TOWN,
    Role.ENTERPRISE,
    Role.BANK,
    Role.JUDGE,
)
GRID = """
permission                          sys sec aud ldr ind chn dpt twn ent bnk jdg
enterprises.view_enterprise          ✓   .   .   ✓   ✓   ✓   ✓   ✓   ✓   .   .
enterprises.add_enterprise           ✓   .   .   .   ✓   .   .   ✓   .   .   .
enterprises.change_enterprise        ✓   .   .   .   ✓   .   .   ✓   .   .   .
enterprises.export_enterprise        ✓   .   .   ✓   ✓   ✓   ✓   ✓   ✓   .   .
chains.view_chain                    ✓   .   .   ✓   ✓   ✓   ✓   ✓   .   .   .
chains.change_chain                  ✓   .   .   .   ✓   ✓   .   .   .   .   .
projects.view_project                ✓   .   .   ✓   ✓   ✓   ✓   ✓   ✓   .   .
projects.add_project                 ✓   .   .   .   ✓   ✓   ✓   ✓   .   .   .
projects.change_project              ✓   .   .   .   ✓   ✓   .   ✓   .   .   .
projects.keep_responsible_project    .   .   .   .   .   .   ✓   .   .   .   .
projects.report_project              ✓   .   .   .   ✓   ✓   .   ✓   ✓   .   .
projects.approve_project             ✓   .   .   ✓   ✓   .   .   .   .   .   .
projects.override_project            ✓   .   .   ✓   ✓   .   .   .   .   .   .
projects.curate_project              ✓   .   .   .   ✓   .   .   .   .   .   .
projects.export_project              ✓   .   .   ✓   ✓   ✓   ✓   ✓   .   .   .
problems.view_problem                ✓   .   .   ✓   ✓   ✓   ✓   ✓   ✓   .   .
problems.add_problem                 ✓   .   .   ✓   ✓   ✓   ✓   ✓   ✓   .   .
problems.claim_problem               ✓   .   .   ✓   ✓   ✓   ✓   ✓   .   .   .
problems.coordinate_problem          ✓   .   .   ✓   ✓   .   .   .   .   .   .
targets.view_target                  ✓   .   .   ✓   ✓   ✓   ✓   ✓   .   .   .
targets.add_target                   ✓   .   .   .   ✓   .   .   .   .   .   .
targets.change_target                ✓   .   .   .   ✓   .   .   .   .   .   .
targets.delete_target                ✓   .   .   .   ✓   .   .   .   .   .   .
targets.report_target                ✓   .   .   .   ✓   .   ✓   .   .   .   .
targets.export_target                ✓   .   .   ✓   ✓   ✓   ✓   ✓   .   .   .
core.view_auditlog                   .   .   ✓   ✓   .   .   .   .   .   .   .
core.export_auditlog                 .   .   ✓   ✓   .   .   .   .   .   .   .
core.view_unit                       ✓   ✓   .   ✓   ✓   ✓   ✓   ✓   ✓   .   .
core.add_unit                        .   ✓   .   .   .   .   .   .   .   .   .
core.change_unit                     .   ✓   .   .   .   .   .   .   .   .   .
core.view_region                     .   ✓   .   .   .   .   .   .   .   .   .
core.add_region                      .   ✓   .   .   .   .   .   .   .   .   .
core.change_region                   .   ✓   .   .   .   .   .   .   .   .   .
core.view_user                       .   ✓   .   .   .   .   .   .   .   .   .
core.add_user                        .   ✓   .   .   .   .   .   .   .   .   .
core.change_user                     .   ✓   .   .   .   .   .   .   .   .   .
core.view_apitoken                   .   ✓   .   .   .   .   .   .   .   .   .
core.delete_apitoken                 .   ✓   .   .   .   .   .   .   .   .   .
auth.view_group                      .   ✓   .   .   .   .   .   .   .   .   .
auth.change_group                    .   ✓   .   .   .   .   .   .   .   .   .
"""


def _cells() -> list[tuple[str, Role, bool]]:
    lines = [line.split() for line in GRID.strip().splitlines()[1:]]
    return [
        (cells[0], role, mark == "✓")
        for cells in lines
        for role, mark in zip(_ROLES, cells[1:], strict=True)
    ]


CELLS = _cells()


@pytest.mark.parametrize(
    ("permission", "role", "granted"), CELLS, ids=[f"{r.value}-{p}" for p, r, _ in CELLS]
)
@pytest.mark.django_db
def test_each_cell_of_the_table(permission: str, role: Role, granted: bool) -> None:
    # given a user holding just this role
    user = user_with(role, username=f"cell-{role.value}")
    # then the role holds the permission exactly where the grid says so
    assert user.has_perm(permission) is granted


def test_the_grid_lists_every_permission_the_table_grants() -> None:
    granted = set().union(*ROLE_PERMISSIONS.values())
    assert granted == {permission for permission, _, _ in CELLS}


def test_no_administrator_holds_business_or_another_administrators_permissions() -> None:
    # 三员分立: system, security and audit administrators do not share a permission
    system, security, audit = (
        ROLE_PERMISSIONS[Role.SYSTEM_ADMIN],
        ROLE_PERMISSIONS[Role.SECURITY_ADMIN],
        ROLE_PERMISSIONS[Role.AUDIT_ADMIN],
    )
    assert not security & audit
    assert not {p for p in security if not p.startswith(("core.", "auth."))}
    assert not {p for p in audit if not p.startswith("core.")}
    assert not system & {p for p in security | audit if p != "core.view_unit"}


@pytest.mark.django_db
def test_roles_are_groups_whose_permissions_the_county_can_change() -> None:
    # given the role groups as the migrations leave them
    ensure_role_groups(reset=True)
    town = user_with(Role.TOWN, username="t-town-group")
    assert town.has_perm("enterprises.change_enterprise")
    # when the county takes enterprise editing away from towns (data, not code)
    group = Group.objects.get(name=Role.TOWN.value)
    group.permissions.remove(
        Permission.objects.get(content_type__app_label="enterprises", codename="change_enterprise")
    )
    # then a town user no longer holds it (a fresh read of the user)
    town = type(town).objects.get(pk=town.pk)
    assert not town.has_perm("enterprises.change_enterprise")
    assert town.has_perm("enterprises.view_enterprise")


@pytest.mark.django_db
def test_groups_hold_the_default_table_after_a_reset() -> None:
    # when the groups are reset to the defaults
    ensure_role_groups(reset=True)
    # then each group holds exactly the table's permissions
    for role, permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=str(role))
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(permissions), role


@pytest.mark.django_db
def test_an_inactive_user_holds_nothing() -> None:
    user = user_with(Role.INDUSTRY_OFFICE, username="t-gone", is_active=False)
    assert not user.has_perm("projects.view_project")


def test_permission_of_a_child_row_is_its_parents(world: Any) -> None:
    from jinmu.chains.models import ChainNode
    from jinmu.enterprises.models import Qualification
    from jinmu.projects.models import Milestone

    assert Milestone.objects.all().permission_for("report") == "projects.report_project"
    assert ChainNode.objects.all().permission_for("change") == "chains.change_chain"
    assert Qualification.objects.all().permission_for("view") == "enterprises.view_enterprise"


@pytest.mark.django_db
def test_a_role_stripped_of_view_sees_nothing_though_its_scope_would(world: Any) -> None:
    from jinmu.enterprises.tests.factories import EnterpriseFactory

    # given an enterprise the town sees
    EnterpriseFactory(region=world.town_a, name="宁津县大曹示例机械有限公司")
    user = world.user("town_a")
    from jinmu.enterprises.models import Enterprise

    assert Enterprise.objects.for_user(user).exists()
    # when the county's town group loses view_enterprise
    ensure_role_groups(reset=True)
    Group.objects.get(name=Role.TOWN.value).permissions.remove(
        Permission.objects.get(content_type__app_label="enterprises", codename="view_enterprise")
    )
    user = type(user).objects.get(pk=user.pk)
    # then the register is empty for the town user
    assert not Enterprise.objects.for_user(user).exists()


@pytest.mark.django_db
def test_the_migrations_leave_each_role_a_group_holding_the_table() -> None:
    # The migrated database (no reset): the migration's frozen copy still says what the table
    # says; a change to the table needs a migration that changes existing groups too.
    for role, permissions in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=str(role))
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(permissions), role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "permission"),
    [
        ("enterprises:export", "enterprises.export_enterprise"),
        ("projects:export", "projects.export_project"),
        ("projects:bulletin_docx", "projects.export_project"),
        ("projects:bulletin_xlsx", "projects.export_project"),
        ("targets:export", "targets.export_target"),
    ],
)
def test_each_export_asks_for_its_permission(
    client: Any, world: Any, url_name: str, permission: str
) -> None:
    from django.urls import reverse

    ensure_role_groups(reset=True)
    client.force_login(world.user("town_a"))
    # given the town may export by default
    assert client.get(reverse(url_name)).status_code == 200
    # when the county takes exporting away from towns
    app_label, codename = permission.split(".")
    Group.objects.get(name=Role.TOWN.value).permissions.remove(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    # then the same download is refused
    assert client.get(reverse(url_name)).status_code == 403
