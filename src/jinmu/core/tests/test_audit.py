"""Audit rows for every write, and who may read them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from jinmu.core.choices import AuditAction, UnitKind
from jinmu.core.middleware import current_request_id
from jinmu.core.models import AuditLog, Unit
from jinmu.core.services import StaleObjectError, delete_object, save_object


def test_create_update_delete_each_write_one_row_with_before_and_after(world: Any) -> None:
    # given
    actor = world.user("admin")
    unit = Unit(region=world.county, name="统计局", kind=UnitKind.DEPARTMENT)
    token = current_request_id.set("req-123")
    try:
        # when
        save_object(unit, actor=actor)
        unit.short_name = "统计"
        save_object(unit, actor=actor, expected_version=1)
        delete_object(unit, actor=actor, expected_version=2)
    finally:
        current_request_id.reset(token)
    # then
    rows = list(AuditLog.objects.filter(object_repr="统计局").order_by("id"))
    assert [r.action for r in rows] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert rows[0].before is None
    assert rows[0].after["name"] == "统计局"
    assert rows[1].before["short_name"] == ""
    assert rows[1].after["short_name"] == "统计"
    assert rows[1].after["version"] == 2
    assert rows[2].before["short_name"] == "统计"
    assert rows[2].after is None
    assert all(r.actor == actor and r.request_id == "req-123" for r in rows)
    assert all(r.region_id == "371422" for r in rows)


def test_stale_version_is_refused_and_nothing_changes(world: Any) -> None:
    # given two people opened version 1
    unit = save_object(
        Unit(region=world.county, name="财政局", kind=UnitKind.DEPARTMENT), actor=None
    )
    first = Unit.objects.get(pk=unit.pk)
    second = Unit.objects.get(pk=unit.pk)
    first.short_name = "财政"
    save_object(first, actor=world.user("admin"), expected_version=1)
    before = AuditLog.objects.count()
    # when the second saves on top of the old version
    second.short_name = "另一个"
    with pytest.raises(StaleObjectError) as info:
        save_object(second, actor=world.user("admin"), expected_version=1)
    # then
    assert "重新" in str(info.value.messages[0])
    unit.refresh_from_db()
    assert unit.short_name == "财政"
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("auditor", 200),
        ("leader", 200),
        ("admin", 403),
        ("security", 403),
        ("industry", 403),
        ("town_a", 403),
        ("enterprise", 403),
    ],
)
def test_audit_log_readable_only_by_audit_admin_and_leader(
    client: Any, world: Any, persona: str, status: int
) -> None:
    # given
    save_object(Unit(region=world.county, name="审计样例", kind=UnitKind.DEPARTMENT), actor=None)
    client.force_login(world.user(persona))
    # when
    response = client.get(reverse("audit_log"))
    # then
    assert response.status_code == status
    if status == 200:
        assert "审计样例" in response.content.decode()
