"""The audit log's filter form: bad values are field errors (page and export), good ones filter."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction, UnitKind
from jinmu.core.forms_audit import AuditFilterForm
from jinmu.core.models import Unit
from jinmu.core.services import save_object

EXPORT = "/audit/export/"


def _field_errors(html: str, name: str) -> list[str]:
    """The error lines drawn in the column of the field with id `audit-<name>`."""
    column = html.split(f'for="audit-{name}"', 1)[1]
    column = re.split(r'<div class="col-|</form>', column, maxsplit=1)[0]
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', column)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"action": "no-such-action"}, "action", "请从列表中选择操作类型。"),
        ({"from": "2026/01/02"}, "from", "日期请按YYYY-MM-DD格式填写（您填写的是“2026/01/02”）。"),
        ({"to": "2026-02-30"}, "to", "日期请按YYYY-MM-DD格式填写（您填写的是“2026-02-30”）。"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to", "结束日期早于开始日期。"),
    ],
)
def test_a_bad_filter_is_an_error_on_its_field_and_lists_nothing(
    client: Any, world: Any, params: dict[str, str], field: str, message: str
) -> None:
    # given a row the filters would otherwise show
    save_object(Unit(region=world.county, name="错误样例", kind=UnitKind.DEPARTMENT), actor=None)
    client.force_login(world.user("auditor"))
    # when
    page = client.get(reverse("audit_log"), params)
    export = client.get(EXPORT, params)
    # then the page says what is wrong beside the field, in Chinese, and lists nothing
    html = page.content.decode()
    assert page.status_code == 400
    assert _field_errors(html, field) == [message]
    assert "错误样例" not in html
    # and the export refuses with the same message
    assert export.status_code == 400
    assert export.content.decode() == message


@pytest.mark.parametrize("params", [{"from": "0001-01-01"}, {"to": "9999-12-31"}])
def test_the_calendars_first_and_last_days_bound_nothing(
    client: Any, world: Any, params: dict[str, str]
) -> None:
    save_object(Unit(region=world.county, name="边界样例", kind=UnitKind.DEPARTMENT), actor=None)
    client.force_login(world.user("auditor"))
    page = client.get(reverse("audit_log"), params)
    assert page.status_code == 200
    assert "边界样例" in page.content.decode()


def test_q_finds_objects_by_part_of_their_name_and_users_by_their_whole_name(
    client: Any, world: Any
) -> None:
    # given
    save_object(Unit(region=world.county, name="查找样例", kind=UnitKind.DEPARTMENT), actor=None)
    record_event(action=AuditAction.LOGIN_FAILED, actor=None, actor_name="ghost-user")
    client.force_login(world.user("auditor"))
    # when
    by_object = client.get(reverse("audit_log"), {"q": " 查找 "}).content.decode()
    by_user = client.get(reverse("audit_log"), {"q": "ghost-user"}).content.decode()
    by_part_of_user = client.get(reverse("audit_log"), {"q": "ghost"}).content.decode()
    # then
    assert "查找样例" in by_object
    assert "ghost-user" not in by_object
    assert "ghost-user" in by_user
    assert "查找样例" not in by_user
    assert "ghost-user" not in by_part_of_user


def test_the_form_keeps_the_query_parameters_and_the_fields_ids() -> None:
    form = AuditFilterForm({"q": "x", "action": "download", "from": "2026-01-02", "to": ""})
    assert form.is_valid(), form.errors
    assert list(form.fields) == ["q", "action", "from", "to"]
    assert [field.id_for_label for field in form] == [
        "audit-q",
        "audit-action",
        "audit-from",
        "audit-to",
    ]
