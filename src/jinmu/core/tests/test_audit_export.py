"""The audit log page (events shown with their labels and detail, filters) and its export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction, UnitKind
from jinmu.core.models import AuditLog, Unit
from jinmu.core.services import save_object

EXPORT = "/audit/export/"


def _sheet(response: Any) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _today() -> str:
    return timezone.localdate().isoformat()


def test_audit_admin_exports_a_period_with_every_column(client: Any, world: Any) -> None:
    # given a row change and an event today
    save_object(Unit(region=world.county, name="导出样例", kind=UnitKind.DEPARTMENT), actor=None)
    record_event(
        action=AuditAction.EXPORT,
        actor=world.user("industry"),
        detail={"path": "/enterprises/export.xlsx", "rows": 3},
    )
    auditor = world.user("auditor")
    client.force_login(auditor)
    # when
    response = client.get(EXPORT, {"from": _today(), "to": _today()})
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _sheet(response)
    header, body = rows[0], rows[1:]
    assert len(header) == 15
    assert len(body) == 2
    objects = [row[7] for row in body]
    assert "导出样例" in objects
    event = next(row for row in body if row[2] == world.user("industry").username)
    assert "/enterprises/export.xlsx" in event[9]
    assert all(len(row[14]) == 64 for row in body)
    # and the export itself is audited
    audit = AuditLog.objects.filter(action=AuditAction.EXPORT, actor=auditor).get()
    assert audit.detail["rows"] == 2
    assert audit.detail["filters"] == {"from": _today(), "to": _today()}
    assert audit.detail["format"] == "xlsx"


def test_export_leaves_out_rows_outside_the_period(client: Any, world: Any) -> None:
    # given
    save_object(Unit(region=world.county, name="今天的", kind=UnitKind.DEPARTMENT), actor=None)
    client.force_login(world.user("auditor"))
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    # when
    response = client.get(EXPORT, {"from": yesterday, "to": yesterday})
    # then
    assert response.status_code == 200
    assert len(_sheet(response)) == 1


@pytest.mark.parametrize("persona", ["admin", "security", "industry", "town_a"])
def test_export_is_refused_to_those_who_may_not_read_the_log(
    client: Any, world: Any, persona: str
) -> None:
    client.force_login(world.user(persona))
    assert client.get(EXPORT).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_bad_date_is_a_400_with_a_message(client: Any, world: Any) -> None:
    client.force_login(world.user("auditor"))
    assert client.get(EXPORT, {"from": "2026-13-01"}).status_code == 400
    page = client.get(reverse("audit_log"), {"from": "yesterday"})
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.content.decode()


def test_page_shows_events_with_their_label_and_detail_and_filters_by_action(
    client: Any, world: Any
) -> None:
    # given a sign-in event (no object) and a row change
    record_event(
        action=AuditAction.DOWNLOAD,
        actor=world.user("industry"),
        detail={"path": "/projects/bulletin/x.docx", "format": "docx"},
    )
    save_object(Unit(region=world.county, name="过滤样例", kind=UnitKind.DEPARTMENT), actor=None)
    client.force_login(world.user("auditor"))
    # when
    everything = client.get(reverse("audit_log")).content.decode()
    downloads = client.get(reverse("audit_log"), {"action": "download"}).content.decode()
    # then
    assert 'data-action="download"' in everything
    assert "/projects/bulletin/x.docx" in everything
    assert str(AuditAction.DOWNLOAD.label) in everything
    assert "过滤样例" in everything
    assert "过滤样例" not in downloads
    assert "/projects/bulletin/x.docx" in downloads


def test_page_filters_by_date_range(client: Any, world: Any) -> None:
    # given
    save_object(Unit(region=world.county, name="范围样例", kind=UnitKind.DEPARTMENT), actor=None)
    client.force_login(world.user("auditor"))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    # when
    today = client.get(reverse("audit_log"), {"from": _today(), "to": _today()})
    later = client.get(reverse("audit_log"), {"from": tomorrow})
    # then
    assert "范围样例" in today.content.decode()
    assert "范围样例" not in later.content.decode()


def test_events_of_no_region_are_shown_to_the_auditor(client: Any, world: Any) -> None:
    # given a failed sign-in under a name nobody has (no user, so no region)
    record_event(
        action=AuditAction.LOGIN_FAILED, actor=None, actor_name="ghost-user", detail={"why": "x"}
    )
    client.force_login(world.user("auditor"))
    # when
    page = client.get(reverse("audit_log"), {"action": "login_failed"})
    # then
    assert "ghost-user" in page.content.decode()
