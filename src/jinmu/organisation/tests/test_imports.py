"""Excel import of units and users, and the import of an official list of divisions: dry run,
all-or-nothing, every bad row reported by row and column, in Chinese."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jinmu.conftest import World
from jinmu.core.choices import Role, UnitKind
from jinmu.core.models import Region, Unit, User
from jinmu.organisation import imports

DATA = Path(__file__).parent / "data"
PREFIX = "371422"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _workbook(kind: str, rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = imports.SHEETS[kind]
    sheet.append([c.header for c in imports.COLUMNS[kind]])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _client(world: World) -> Client:
    client = Client()
    client.force_login(world.user("security"))
    return client


UNITS = [
    ["宁津县科学技术局", "科技局", "职能部门", "", ""],
    ["宁津县人民法院", "法院", "法院", "", ""],
    ["开发区", "开发区", "园区", "", "大曹镇"],
    ["电梯专班", "", "链长办", "产业办", ""],
]


def test_units_are_checked_then_imported(world: World) -> None:
    # given
    client = _client(world)
    upload = SimpleUploadedFile("units.xlsx", _workbook(imports.UNITS, UNITS))
    # when the file is checked
    response = client.post(reverse("organisation:import"), {"kind": "units", "file": upload})
    # then nothing is saved yet, and a preview lists the four units
    assert response.status_code == 200
    assert response.context["result"].dry_run
    assert len(response.context["result"].created) == 4
    assert not Unit.objects.filter(name="宁津县人民法院").exists()
    # when confirmed
    token = response.context["token"]
    response = client.post(reverse("organisation:import"), {"token": token, "action": "confirm"})
    # then
    assert response.status_code == 302
    court = Unit.objects.get(name="宁津县人民法院")
    assert court.kind == UnitKind.COURT
    assert Unit.objects.get(name="开发区").town_region == world.town_a
    assert Unit.objects.get(name="电梯专班").parent == world.industry_office


def test_importing_the_same_units_again_changes_nothing(world: World) -> None:
    # given
    imports.import_units(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(imports.UNITS, UNITS),
        dry_run=False,
    )
    # when
    result = imports.import_units(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(imports.UNITS, UNITS),
        dry_run=False,
    )
    # then
    assert result.ok
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 0, 4)


def test_every_bad_unit_row_is_reported_and_nothing_saved(world: World) -> None:
    # given
    rows = [
        ["宁津县统计局", "统计局", "职能部门", "", ""],
        ["", "", "职能部门", "", ""],
        ["某镇政府", "", "乡镇（街道）", "", ""],
        ["宁津县医院", "", "医院", "", ""],
        ["保店园区", "", "园区", "", "不存在镇"],
    ]
    client = _client(world)
    upload = SimpleUploadedFile("units.xlsx", _workbook(imports.UNITS, rows))
    # when
    response = client.post(reverse("organisation:import"), {"kind": "units", "file": upload})
    # then
    assert response.status_code == 422
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert errors == {(3, "单位名称"), (4, "所在乡镇"), (5, "类别"), (6, "所在乡镇")}
    html = response.content.decode()
    assert "“医院”不是有效选项" in html
    assert not Unit.objects.filter(name="宁津县科学技术局").exists()


USERS = [
    ["dept-stats-1", "王统计", "科技局", "职能部门", "", "", "13800000000", "", "Stats#Start2026"],
    ["town-dacao-9", "赵镇长", "大曹镇人民政府", "乡镇/园区", "", "", "", "", "Dacao#Start2026"],
]


def test_users_are_imported_with_their_units_and_roles(world: World) -> None:
    # given
    imports.import_units(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(imports.UNITS, UNITS),
        dry_run=False,
    )
    # when
    result = imports.import_users(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(imports.USERS, USERS),
        dry_run=False,
    )
    # then
    assert result.ok, result.errors
    stats = User.objects.get(username="dept-stats-1")
    assert (stats.unit.name, stats.roles) == ("宁津县科学技术局", [Role.DEPARTMENT])
    assert stats.check_password("Stats#Start2026")
    assert stats.password_changed_at is None
    town = User.objects.get(username="town-dacao-9")
    assert (town.unit, town.region_id) == (world.town_a_unit, "371422105")


def test_a_dry_run_of_users_saves_nothing(world: World) -> None:
    # when
    result = imports.import_users(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(imports.USERS, USERS[1:]),
        dry_run=True,
    )
    # then
    assert result.ok
    assert len(result.created) == 1
    assert not User.objects.filter(username="town-dacao-9").exists()


def test_every_bad_user_row_is_reported(world: World) -> None:
    # given
    rows = [
        ["two-hats", "", "", "系统管理员、审计管理员", "", "", "", "", "Two#Hats2026x"],
        ["weak", "", "产业办", "产业办", "", "", "", "", "123"],
        ["far", "", "产业办", "产业办", "370000", "", "", "", "Far#Away2026x"],
        ["nobody", "", "不存在", "无此角色", "", "", "", "", "No#Body2026xx"],
        ["dup", "", "产业办", "产业办", "", "", "", "", "Dup#Licate2026"],
        ["DUP", "", "产业办", "产业办", "", "", "", "", "Dup#Licate2026"],
        ["nopass", "", "产业办", "产业办", "", "", "", "", ""],
    ]
    # when
    result = imports.import_users(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(imports.USERS, rows),
        dry_run=False,
    )
    # then
    errors = {(e.row, e.column) for e in result.errors}
    assert (2, "角色") in errors  # 三员分立
    assert (4, "所在区划") in errors  # above the administrator's region
    assert (5, "单位") in errors
    assert (5, "角色") in errors
    assert (6, "用户名") in errors
    assert (7, "用户名") in errors
    assert (3, "初始密码") in errors
    assert (8, "初始密码") in errors
    assert not User.objects.filter(username__in=["two-hats", "weak", "far", "dup"]).exists()


def test_a_weak_initial_password_is_reported_on_its_row(world: World) -> None:
    # when
    result = imports.import_users(
        actor=world.user("security"),
        prefix=PREFIX,
        rows_or_file=_workbook(
            imports.USERS, [["weak", "", "产业办", "产业办", "", "", "", "", "123"]]
        ),
        dry_run=True,
    )
    # then
    assert {(e.row, e.column) for e in result.errors} == {(2, "初始密码")}


def test_the_templates_have_the_columns_and_dropdowns(world: World) -> None:
    # when
    response = _client(world).get(reverse("organisation:template", args=["units"]))
    # then
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook[imports.SHEETS["units"]]
    assert [c.value for c in sheet[1]] == [c.header for c in imports.UNIT_COLUMNS]
    assert "大曹镇" in [c.value for c in workbook["选项"]["B"]]


# -- the official list of divisions --------------------------------------------------------------


def test_the_official_list_is_checked_then_imported_within_the_region(world: World) -> None:
    # given 大曹镇 and 保店镇 exist with made-up codes; the list has 4 towns of 宁津县
    client = _client(world)
    upload = SimpleUploadedFile("list.txt", (DATA / "divisions-sample.txt").read_bytes())
    # when
    response = client.post(reverse("organisation:region_import"), {"file": upload})
    # then
    result = response.context["result"]
    assert response.status_code == 200
    assert [o.key for o in result.created] == ["371422001", "371422002"]
    assert [o.key for o in result.updated] == ["371422104", "371422105"]  # official now
    assert result.outside == 6  # the province's other lines are skipped
    assert not Region.objects.filter(code="371422001").exists()
    response = client.post(
        reverse("organisation:region_import"),
        {"token": response.context["token"], "action": "confirm"},
    )
    assert response.status_code == 302
    assert Region.objects.get(code="371422001").parent_id == "371422"
    assert not Region.objects.get(code="371422105").is_demo_code
    assert not Region.objects.filter(code="371423").exists()


def test_every_bad_line_of_a_list_is_reported(world: World) -> None:
    # given
    content = (
        "371422 宁津县\n37142210 坏码镇\n371422106000\n371422107000 相衙镇\n371422107 相衙镇\n"
        "371422108001000 过长\n"
    ).encode()
    # when
    response = _client(world).post(
        reverse("organisation:region_import"), {"file": SimpleUploadedFile("l.txt", content)}
    )
    # then
    assert response.status_code == 422
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert errors == {(2, "代码"), (3, "名称"), (4, "代码"), (5, "代码"), (6, "代码")}
    assert not Region.objects.filter(code="371422107").exists()
