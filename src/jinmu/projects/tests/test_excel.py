"""The ledger's Excel doors as a user meets them: export of the filtered list, templates, and
upload → dry-run preview → confirm, for projects and for a week's reports."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinmu.conftest import World
from jinmu.core.models import AuditLog, User
from jinmu.projects import excel, reporting, services
from jinmu.projects.imports import import_projects
from jinmu.projects.models import Project, WeeklyReport
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.projects.weeks import iso_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_rows(content: bytes, sheet: str) -> list[dict[str, Any]]:
    """The data rows of a sheet as dicts keyed by header."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def edit(content: bytes, sheet: str, row: int, header: str, value: Any) -> bytes:
    """The workbook with one cell changed (row 2 is the first data row)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    worksheet = book[sheet]
    headers = [cell.value for cell in worksheet[1]]
    worksheet.cell(row=row, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register(world: World, **data: Any) -> Project:
    """A project registered through the service, as a form would."""
    status = data.pop("status", "started")
    values = {"kind": "key", "level": "county", "region": world.town_a, **data}
    return services.create_project(actor=world.user("industry"), data=values, status=status)


@pytest.fixture
def ledger(world: World) -> list[Project]:
    """Three key projects in town a and b, and an attraction lead in town a."""
    first = register(
        world,
        code="NJ-001",
        name='=HYPERLINK("http://x")项目',  # a name that must never run as a formula
        total_investment=Decimal("123456789.00"),
        responsible_person="张三",
    )
    services.set_year_plan(
        actor=world.user("industry"),
        project=first,
        year=reporting.current_week().year,
        planned_investment=Decimal("50000000"),
    )
    second = register(world, code="NJ-002", name="二号项目", total_investment=Decimal("1"))
    other_town = register(world, code="NJ-003", name="保店镇项目", region=world.town_b)
    lead = register(
        world, code="NJ-ZS-1", name="招商线索", kind="attraction", level="", status="lead"
    )
    return [first, second, other_town, lead]


# -- export --------------------------------------------------------------------------------------


def test_export_then_import_of_the_same_file_changes_nothing_and_an_edit_is_one_update(
    world: World, ledger: list[Project]
) -> None:
    # given: the filtered list of key projects, exported
    response = client_for(world.user("industry")).get(reverse("projects:export"), {"kind": "key"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    content = response.content
    rows = sheet_rows(content, "项目台账")
    assert sorted(row["项目编号"] for row in rows) == ["NJ-001", "NJ-002", "NJ-003"]
    first = next(row for row in rows if row["项目编号"] == "NJ-001")
    assert first["项目名称"] == '\'=HYPERLINK("http://x")项目'  # neutralised
    assert Decimal(str(first["总投资(万元)"])) == Decimal("12345.6789")
    assert first["项目类型"] == "重点项目"
    assert first["状态"] == "在建"
    assert Decimal(str(first["年度计划投资(万元)"])) == Decimal("5000")

    # when: imported back as it is, then with one cell changed
    same = import_projects(actor=world.user("industry"), file=content, dry_run=False)
    changed_file = edit(content, "项目台账", 2 + rows.index(first), "责任人", "王五")
    changed = import_projects(actor=world.user("industry"), file=changed_file, dry_run=False)

    # then
    assert same.ok, same.errors
    assert (len(same.created), len(same.updated), len(same.unchanged)) == (0, 0, 3)
    assert changed.ok, changed.errors
    assert (len(changed.updated), len(changed.unchanged)) == (1, 2)
    assert [(c.column, c.before, c.after) for c in changed.updated[0].changes] == [
        ("责任人", "张三", "王五")
    ]
    project = Project.objects.get(code="NJ-001")
    assert project.responsible_person == "王五"
    assert project.name == '=HYPERLINK("http://x")项目'  # the round trip restores the text


def test_a_town_exports_only_its_own_projects(world: World, ledger: list[Project]) -> None:
    # when
    response = client_for(world.user("town_a")).get(reverse("projects:export"))

    # then
    codes = sorted(row["项目编号"] for row in sheet_rows(response.content, "项目台账"))
    assert codes == ["NJ-001", "NJ-002", "NJ-ZS-1"]


def test_an_invalid_filter_is_refused_rather_than_exporting_another_list(
    world: World, ledger: list[Project]
) -> None:
    # when: town a asks for town b's projects
    response = client_for(world.user("town_a")).get(
        reverse("projects:export"), {"town": world.town_b.code}
    )

    # then
    assert response.status_code == 400


# -- templates -----------------------------------------------------------------------------------


def test_the_project_template_has_a_guide_and_dropdowns(world: World) -> None:
    # when
    response = client_for(world.user("town_a")).get(reverse("projects:template"))

    # then
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:1] == ["项目台账"]
    assert "说明" in book.sheetnames
    header = [cell.value for cell in book["项目台账"][1]]
    assert header == [column.header for column in excel.PROJECT_COLUMNS]
    guide = "\n".join(str(row[0]) for row in book["说明"].iter_rows(values_only=True) if row[0])
    assert "总投资(万元)" in guide
    assert "招商引资" in guide
    validations = book["项目台账"].data_validations.dataValidation
    lists = book["选项"]
    offered = {
        str(lists.cell(row=1, column=c).value): [
            lists.cell(row=r, column=c).value for r in range(2, lists.max_row + 1)
        ]
        for c in range(1, lists.max_column + 1)
    }
    assert [v for v in offered["kind"] if v] == [
        "招商引资",
        "重点项目",
        "技改",
        "专项债",
        "揭榜挂帅",
    ]
    assert [v for v in offered["region"] if v] == ["大曹镇"]  # a town offers only itself
    assert len(validations) >= 6


def test_the_import_pages_offer_their_templates(world: World) -> None:
    # when
    client = client_for(world.user("town_a"))
    projects = client.get(reverse("projects:import"))
    reports = client.get(reverse("projects:report_import"), {"week": "2026-W47"})

    # then
    assert projects.status_code == 200
    assert reverse("projects:template") in projects.content.decode()
    assert reports.status_code == 200
    page = reports.content.decode()
    assert reverse("projects:report_template") in page
    assert 'value="2026-W47"' in page  # the week field keeps the week asked for


def test_templates_are_for_those_who_import(world: World) -> None:
    client = client_for(world.user("enterprise"))
    assert client.get(reverse("projects:template")).status_code == 403
    assert client.get(reverse("projects:report_template")).status_code == 403
    assert client.get(reverse("projects:import")).status_code == 403


def test_the_report_template_lists_the_users_monitored_projects_prefilled(
    world: World, ledger: list[Project]
) -> None:
    # given: last week's report of NJ-001
    week = reporting.current_week()
    previous = week - dt.timedelta(days=7)
    reporting.submit_report(
        actor=world.user("industry"),
        project=ledger[0],
        week=previous,
        invested_this_week=Decimal("2000000"),
        progress_text="桩基完成",
        percent_complete=15,
    )

    # when
    response = client_for(world.user("town_a")).get(
        reverse("projects:report_template"), {"week": iso_label(week)}
    )

    # then: the key projects of town a (the lead is not under weekly scheduling yet)
    assert response.status_code == 200
    rows = sheet_rows(response.content, "周报")
    assert [row["项目编号"] for row in rows] == ["NJ-001", "NJ-002"]
    first = rows[0]
    assert first["周次"] == iso_label(week)
    assert (first["完成百分比"], first["形象进度"]) == (15, "桩基完成")
    assert Decimal(str(first["截至上周累计(万元)"])) == Decimal("200")
    assert first["本周完成投资(万元)"] is None


# -- upload, preview, confirm --------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_upload_shows_a_preview_and_confirm_imports(world: World, media: Path) -> None:
    # given
    content = excel.build_project_template()
    content = edit(content, "项目台账", 2, "项目名称", "新建项目")
    for header, value in (("项目类型", "技改"), ("总投资(万元)", 600), ("技改方向", "智能化")):
        content = edit(content, "项目台账", 2, header, value)
    client = client_for(world.user("industry"))

    # when: checked
    preview = client.post(reverse("projects:import"), {"file": upload("台账.xlsx", content)})

    # then: nothing saved, a preview with a confirm button
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'id="import-preview"' in page
    assert "新建项目" in page
    assert "智能化" in page
    assert not Project.objects.exists()
    token = preview.context["token"]

    # when: confirmed
    done = client.post(reverse("projects:import"), {"token": token, "action": "confirm"})

    # then
    assert done.status_code == 302
    assert done["Location"] == reverse("projects:list")
    project = Project.objects.get(name="新建项目")
    assert (project.kind, project.direction, project.total_investment) == (
        "renovation",
        "intelligent",
        Decimal("6000000.00"),
    )
    assert not list(media.glob("imports/*.xlsx"))  # the kept upload is gone
    # the token is spent
    again = client.post(reverse("projects:import"), {"token": token, "action": "confirm"})
    assert again.status_code == 302
    assert Project.objects.filter(name="新建项目").count() == 1


def test_upload_with_errors_lists_them_by_row_and_saves_nothing(world: World, media: Path) -> None:
    # given
    content = excel.build_project_template()
    content = edit(content, "项目台账", 2, "项目名称", "坏项目")
    content = edit(content, "项目台账", 2, "项目类型", "不知道")
    audits = AuditLog.objects.exclude(action="import").count()

    # when
    response = client_for(world.user("industry")).post(
        reverse("projects:import"), {"file": upload("坏.xlsx", content)}
    )

    # then
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert "不知道" in page
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "项目类型")]
    assert not Project.objects.exists()
    # nothing changed: the only new audit row is the refused check itself
    assert AuditLog.objects.exclude(action="import").count() == audits
    assert AuditLog.objects.filter(action="import").count() == 1
    assert not list(media.glob("imports/*.xlsx"))


def test_a_filled_report_template_is_imported_after_the_preview(
    world: World, ledger: list[Project], media: Path
) -> None:
    # given: this week's template of town a, with NJ-001 filled in and NJ-002 left out
    week = iso_label(reporting.current_week())
    client = client_for(world.user("town_a"))
    template = client.get(reverse("projects:report_template"), {"week": week}).content
    filled = edit(template, "周报", 2, "本周完成投资(万元)", 35.5)
    filled = edit(filled, "周报", 2, "完成百分比", 10)
    book = openpyxl.load_workbook(io.BytesIO(filled))
    book["周报"].delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)

    # when
    preview = client.post(
        reverse("projects:report_import"), {"file": upload("周报.xlsx", buffer.getvalue())}
    )
    assert preview.status_code == 200, preview.context and preview.context.get("errors")
    assert not WeeklyReport.objects.exists()
    done = client.post(
        reverse("projects:report_import"),
        {"token": preview.context["token"], "action": "confirm"},
    )

    # then
    assert done.status_code == 302
    report = WeeklyReport.objects.get()
    assert (report.project.code, report.invested_this_week, report.percent_complete) == (
        "NJ-001",
        Decimal("355000.00"),
        10,
    )


def test_a_report_upload_for_a_project_of_another_town_is_not_found(
    world: World, ledger: list[Project], media: Path
) -> None:
    # given
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["项目编号", "周次", "本周完成投资(万元)", "完成百分比"])
    sheet.append(["NJ-003", iso_label(reporting.current_week()), 1, 1])
    buffer = io.BytesIO()
    book.save(buffer)

    # when
    response = client_for(world.user("town_a")).post(
        reverse("projects:report_import"), {"file": upload("周报.xlsx", buffer.getvalue())}
    )

    # then
    assert response.status_code == 422
    assert "保店镇项目" not in response.content.decode()
    assert [(e.row, e.column) for e in response.context["errors"]] == [(2, "项目编号")]


def test_a_project_without_number_round_trips_by_name_and_kind(
    world: World, ledger: list[Project]
) -> None:
    # given: a project with no number, exported by its town
    ProjectFactory(name="无编号", region=world.town_a)
    response = client_for(world.user("town_a")).get(reverse("projects:export"))

    # when
    result = import_projects(actor=world.user("town_a"), file=response.content, dry_run=True)

    # then: matched by name and kind, so nothing is created
    assert result.ok, result.errors
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 0, 4)


def test_a_file_that_is_no_workbook_is_refused_as_a_whole(world: World, media: Path) -> None:
    # when
    response = client_for(world.user("industry")).post(
        reverse("projects:import"), {"file": upload("台账.xlsx", b"name,kind\nx,key\n")}
    )

    # then
    assert response.status_code == 422
    assert [(e.row, e.code) for e in response.context["errors"]] == [(None, "not_xlsx")]
    assert '<td class="text-nowrap">—</td>' in response.content.decode()
