"""The roles page: what each role may do is data the security administrator changes, audited,
within 三员分立."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from jinmu.core.choices import AuditAction, Role
from jinmu.core.models import AuditLog, User
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.organisation import roles

OTHER_PERSONAS = [
    "admin", "auditor", "leader", "industry", "chain", "department", "town_a", "enterprise",
    "bank", "judge",
]  # fmt: skip


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _grants(grid: roles.Grid, *, drop: tuple[str, str] | None = None) -> list[str]:
    """The form's checked boxes for the grid as it is, less `drop` (role, permission)."""
    values = []
    for row in grid.rows:
        for role in row.held:
            if not row.editable or Role(role) in roles.FIXED_ROLES:
                continue
            if drop == (role, row.permission):
                continue
            values.append(f"{role}:{row.permission}")
    return values


def test_the_page_shows_each_role_and_what_it_may_do(world: Any) -> None:
    # when
    response = _client(world.user("security")).get(reverse("organisation:roles"))
    # then every role is a column and the defaults are ticked
    body = response.content.decode()
    assert response.status_code == 200
    for label in ("乡镇/园区", "产业办", "安全管理员", "审计管理员"):
        assert label in body
    box = 'value="town:enterprises.change_enterprise"'
    assert f'{box} aria-label="town:enterprises.change_enterprise" checked' in body
    # and the administrators' columns cannot be ticked
    assert 'value="security_admin:' not in body
    assert 'value="audit_admin:' not in body


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
def test_no_other_role_reads_or_changes_the_roles(world: Any, persona: str) -> None:
    client = _client(world.user(persona))
    assert client.get(reverse("organisation:roles")).status_code == 403
    assert client.post(reverse("organisation:roles"), {"digest": "x"}).status_code == 403


def test_taking_a_permission_from_a_role_changes_what_its_users_may_do(world: Any) -> None:
    # given a town user may edit enterprises
    EnterpriseFactory(region=world.town_a, name="宁津县示例五金有限公司")
    town = world.user("town_a")
    assert town.has_perm("enterprises.change_enterprise")
    grid = roles.role_grid()
    # when the security administrator unticks it for towns
    response = _client(world.user("security")).post(
        reverse("organisation:roles"),
        {
            "digest": grid.digest,
            "grant": _grants(grid, drop=("town", "enterprises.change_enterprise")),
        },
    )
    # then it is saved, audited with what changed, and towns no longer edit enterprises
    assert response.status_code == 302
    town = User.objects.get(pk=town.pk)
    assert not town.has_perm("enterprises.change_enterprise")
    assert town.has_perm("enterprises.view_enterprise")
    entry = AuditLog.objects.get(action=AuditAction.PERMISSION_CHANGE)
    assert entry.detail == {
        "role": "town",
        "added": [],
        "removed": ["enterprises.change_enterprise"],
    }
    assert entry.actor == world.user("security")
    # and the enterprise page no longer offers the town an edit
    assert _client(town).get(reverse("enterprises:create")).status_code == 403


def test_a_stale_page_is_refused_with_409(world: Any) -> None:
    # given the page was opened, then someone else saved
    grid = roles.role_grid()
    roles.set_role_permissions(
        actor=world.user("security"),
        wanted={"bank": {"enterprises.view_enterprise"}},
        expected_digest=grid.digest,
    )
    # when the old page is saved
    response = _client(world.user("security")).post(
        reverse("organisation:roles"), {"digest": grid.digest, "grant": _grants(grid)}
    )
    # then nothing is overwritten
    assert response.status_code == 409
    assert "其他人已在此期间修改了角色权限" in response.content.decode()
    assert Group.objects.get(name="bank").permissions.filter(codename="view_enterprise").exists()


def test_administrator_roles_and_account_permissions_cannot_be_granted(world: Any) -> None:
    grid = roles.role_grid()
    with pytest.raises(ValidationError, match="固定"):
        roles.set_role_permissions(
            actor=world.user("security"),
            wanted={"security_admin": {"enterprises.view_enterprise"}},
            expected_digest=grid.digest,
        )
    response = _client(world.user("security")).post(
        reverse("organisation:roles"),
        {"digest": grid.digest, "grant": [*_grants(grid), "industry_office:core.change_user"]},
    )
    assert response.status_code == 400
    assert not User.objects.get(pk=world.user("industry").pk).has_perm("core.change_user")
    assert not AuditLog.objects.filter(action=AuditAction.PERMISSION_CHANGE).exists()


def test_only_permissions_that_govern_something_are_offered(world: Any) -> None:
    # A chain node follows its chain's permissions: a box for it would change nothing.
    permissions = {row.permission for row in roles.role_grid().rows}
    assert "chains.change_chain" in permissions
    assert "chains.delete_chain" in permissions
    assert "chains.change_chainnode" not in permissions
    assert "projects.change_milestone" not in permissions
