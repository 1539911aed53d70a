"""Excel round trip of the enterprise register: template, import (dry run, all-or-nothing,
idempotent, scoped) and export of the filtered list."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinmu.conftest import World
from jinmu.core.models import AuditLog
from jinmu.core.validators import USCC_ALPHABET
from jinmu.enterprises import excel
from jinmu.enterprises.imports import ImportResult, import_annual_figures, import_enterprises
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.enterprises.tests.factories import AnnualFiguresFactory, EnterpriseFactory, make_uscc

ENTERPRISE_HEADERS = [column.header for column in excel.ENTERPRISE_COLUMNS]
FIGURE_HEADERS = [column.header for column in excel.FIGURE_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(
    rows: list[dict[str, Any]], headers: list[str] | None = None, sheet: str = "企业名录"
) -> bytes:
    """An .xlsx with a header row and one row per dict (keys are headers)."""
    headers = headers or ENTERPRISE_HEADERS
    book = openpyxl.Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(headers)
    for row in rows:
        worksheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def enterprise_row(n: int, **cells: Any) -> dict[str, Any]:
    """A valid enterprise row; keyword names are headers."""
    row: dict[str, Any] = {
        "统一社会信用代码": make_uscc(n),
        "企业名称": f"宁津导入测试有限公司{n}",
        "所在乡镇": "大曹镇",
        "行业代码": "C3311",
        "规模": "规上",
        "状态": "在营",
        "成立日期": dt.date(2015, 3, 8),
    }
    row.update(cells)
    return row


def figures_row(code: str, **cells: Any) -> dict[str, Any]:
    """A valid figures row for 2024; keyword names are headers."""
    row: dict[str, Any] = {
        "统一社会信用代码": code,
        "年度": 2024,
        "营业收入(万元)": 3000,
        "实缴税金(万元)": 120.5,
        "从业人员": 120,
        "科技人员": 12,
    }
    row.update(cells)
    return row


def wrong_check_character(code: str) -> tuple[str, str]:
    """The code with a wrong last character, and the right one."""
    right = code[-1]
    wrong = next(ch for ch in USCC_ALPHABET if ch != right)
    return code[:-1] + wrong, right


def errors_at(result: ImportResult) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in result.errors}


def error_codes(result: ImportResult) -> dict[tuple[int | None, str], str]:
    return {(error.row, error.column): error.code for error in result.errors}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# -- import: happy path, money, update -----------------------------------------------------------


def test_import_creates_enterprises_with_places_and_audits_them(world: World) -> None:
    # given
    data = workbook(
        [
            enterprise_row(
                1, 所在园区="健身器材产业园", 曾用名="旧名一、旧名二", 联系电话=13800000000
            ),
            enterprise_row(2, 所在乡镇="保店镇", 行业代码="33", 规模="规下"),
            enterprise_row(3, 行业代码="C3311 金属结构制造", 所在乡镇="371422104"),
        ]
    )

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    assert result.ok, result.errors
    assert [outcome.row for outcome in result.created] == [2, 3, 4]
    first = Enterprise.objects.get(uscc=make_uscc(1))
    assert first.region_id == world.town_a.code
    assert first.park == world.park
    assert first.industry_id == "C3311"
    assert first.scale == "above"
    assert first.status == "operating"
    assert first.former_names == ["旧名一", "旧名二"]
    assert first.contact_phone == "13800000000"
    assert first.founded_on == dt.date(2015, 3, 8)
    second = Enterprise.objects.get(uscc=make_uscc(2))
    assert (second.region_id, second.industry_id, second.scale) == (
        world.town_b.code,
        "C33",
        "below",
    )
    third = Enterprise.objects.get(uscc=make_uscc(3))
    assert (third.industry_id, third.region_id) == ("C3311", world.town_b.code)
    assert AuditLog.objects.filter(action="create").count() == 3


def test_figures_import_stores_money_in_yuan_exactly(world: World) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    data = workbook(
        [
            figures_row(
                enterprise.uscc,
                **{
                    "营业收入(万元)": "1234.5678",
                    "利润总额(万元)": -12.34,
                    "研发费用(万元)": 0.1,
                    "用地面积(亩)": 35.5,
                },
            )
        ],
        headers=FIGURE_HEADERS,
        sheet="年度数据",
    )

    # when
    result = import_annual_figures(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    assert result.ok, result.errors
    figures = AnnualFigures.objects.get(enterprise=enterprise, year=2024)
    assert figures.operating_revenue == Decimal("12345678.00")
    assert figures.total_profit == Decimal("-123400.00")
    assert figures.rd_expense == Decimal("1000.00")
    assert figures.tax_paid == Decimal("1205000.00")
    assert figures.land_area_mu == Decimal("35.50")
    assert figures.region_id == enterprise.region_id
    assert AuditLog.objects.filter(action="create", object_id=str(figures.pk)).count() == 1


def test_update_changes_only_what_differs_and_audits_it(world: World) -> None:
    # given: an enterprise as it stands, and a row that changes its phone only
    enterprise = EnterpriseFactory(
        uscc=make_uscc(7),
        name="宁津旧电话有限公司",
        region=world.town_a,
        contact_phone="111",
        scale="below",
        status="operating",
    )
    row = {
        "统一社会信用代码": make_uscc(7),
        "企业名称": "宁津旧电话有限公司",
        "所在乡镇": "大曹镇",
        "联系电话": "222",
    }
    data = workbook([row], headers=["统一社会信用代码", "企业名称", "所在乡镇", "联系电话"])

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    assert result.ok, result.errors
    assert len(result.updated) == 1
    assert [(c.column, c.before, c.after) for c in result.updated[0].changes] == [
        ("联系电话", "111", "222")
    ]
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "222"
    assert enterprise.version == 2
    assert (enterprise.scale, enterprise.status) == ("below", "operating")
    log = AuditLog.objects.get(object_id=str(enterprise.pk), action="update")
    assert log.before["contact_phone"] == "111"
    assert log.after["contact_phone"] == "222"
    assert {change["field"] for change in log.changed_fields} == {"contact_phone", "version"}


# -- import: all or nothing ----------------------------------------------------------------------


def test_enterprise_import_with_bad_rows_reports_each_and_stores_nothing(world: World) -> None:
    # given
    bad_code, right_character = wrong_check_character(make_uscc(3))
    data = workbook(
        [
            enterprise_row(1),  # row 2: valid
            enterprise_row(2, 统一社会信用代码=bad_code),  # row 3
            enterprise_row(4),  # row 4: duplicate of row 5
            enterprise_row(4, 企业名称="重复的公司"),  # row 5
            enterprise_row(6, 所在乡镇="不存在镇"),  # row 6
            enterprise_row(7, 企业名称=None),  # row 7
            enterprise_row(8, 行业代码="C9999"),  # row 8
            enterprise_row(9, 所在园区="月球产业园"),  # row 9
            enterprise_row(10, 成立日期="去年春天", 规模="特大"),  # row 10
            enterprise_row(11, 经度=200),  # row 11
        ]
    )

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    codes = error_codes(result)
    assert codes[(3, "统一社会信用代码")] == "check"
    check_message = next(e.message for e in result.errors if e.row == 3)
    assert right_character in check_message
    assert codes[(4, "统一社会信用代码")] == "duplicate"
    assert codes[(5, "统一社会信用代码")] == "duplicate"
    assert "5" in next(e.message for e in result.errors if e.row == 4)
    assert "4" in next(e.message for e in result.errors if e.row == 5)
    assert codes[(6, "所在乡镇")] == "unknown"
    assert codes[(7, "企业名称")] == "required"
    assert codes[(8, "行业代码")] == "unknown_industry"
    assert codes[(9, "所在园区")] == "unknown"
    assert codes[(10, "成立日期")] == "date"
    assert codes[(10, "规模")] == "choice"
    assert codes[(11, "经度")] == "range"
    assert 2 not in {error.row for error in result.errors}
    assert [error.row for error in result.errors] == sorted(e.row or 0 for e in result.errors)
    assert not result.created
    assert Enterprise.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_figures_import_with_bad_rows_reports_each_and_stores_nothing(world: World) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    next_year = dt.date.today().year + 1
    data = workbook(
        [
            figures_row(enterprise.uscc),  # row 2: valid
            figures_row(enterprise.uscc, 年度=2023, **{"营业收入(万元)": -5}),  # row 3
            figures_row(enterprise.uscc, 年度=next_year),  # row 4
            figures_row(make_uscc(999)),  # row 5: no such enterprise
            figures_row(enterprise.uscc),  # row 6: same code and year as row 2
            figures_row(enterprise.uscc, 年度=2022, 从业人员=10, 科技人员=20),  # row 7
            figures_row(enterprise.uscc, 年度=2021, **{"营业收入(万元)": "三千"}),  # row 8
            figures_row(enterprise.uscc, 年度=None),  # row 9
        ],
        headers=FIGURE_HEADERS,
        sheet="年度数据",
    )

    # when
    result = import_annual_figures(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    codes = error_codes(result)
    assert codes[(3, "营业收入(万元)")] == "negative"
    assert codes[(4, "年度")] == "future_year"
    assert codes[(5, "统一社会信用代码")] == "unknown_enterprise"
    assert codes[(2, "年度")] == "duplicate"
    assert codes[(6, "年度")] == "duplicate"
    assert (7, "科技人员") in codes
    assert codes[(8, "营业收入(万元)")] == "number"
    assert codes[(9, "年度")] == "required"
    assert AnnualFigures.objects.count() == 0
    assert AuditLog.objects.count() == 0


def test_missing_required_column_is_reported_on_the_header_row(world: World) -> None:
    # given
    data = workbook([{"企业名称": "甲"}], headers=["企业名称", "地址"])

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    assert (1, "统一社会信用代码") in errors_at(result)
    assert Enterprise.objects.count() == 0


def test_headers_are_matched_tolerantly(world: World) -> None:
    # given: full-width brackets and stray spaces
    enterprise = EnterpriseFactory(region=world.town_a)
    headers = ["统一社会信用代码 ", "年 度", "营业收入（万元）"]
    data = workbook(
        [{"统一社会信用代码 ": enterprise.uscc, "年 度": 2024, "营业收入（万元）": 10}],
        headers=headers,
    )

    # when
    result = import_annual_figures(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    assert result.ok, result.errors
    assert AnnualFigures.objects.get().operating_revenue == Decimal("100000.00")


# -- dry run and idempotence ---------------------------------------------------------------------


def test_dry_run_stores_nothing_and_reports_creates_and_changes(world: World) -> None:
    # given
    EnterpriseFactory(uscc=make_uscc(1), name="旧名称有限公司", region=world.town_a)
    data = workbook([enterprise_row(1, 企业名称="新名称有限公司"), enterprise_row(2)])

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=True)

    # then
    assert result.ok, result.errors
    assert result.dry_run
    assert [outcome.key for outcome in result.created] == [make_uscc(2)]
    changes = {c.column: (c.before, c.after) for c in result.updated[0].changes}
    assert changes["企业名称"] == ("旧名称有限公司", "新名称有限公司")
    assert changes["行业代码"] == ("", "C3311")
    assert Enterprise.objects.count() == 1
    assert Enterprise.objects.get().name == "旧名称有限公司"
    assert AuditLog.objects.count() == 0


def test_reimporting_the_same_files_changes_nothing(world: World) -> None:
    # given: enterprises and figures imported once
    actor = world.user("industry")
    enterprises = workbook([enterprise_row(1, 所在园区="健身器材产业园"), enterprise_row(2)])
    assert import_enterprises(actor=actor, rows_or_file=enterprises, dry_run=False).ok
    figures = workbook(
        [figures_row(make_uscc(1)), figures_row(make_uscc(2), **{"营业收入(万元)": 0.3})],
        headers=FIGURE_HEADERS,
        sheet="年度数据",
    )
    assert import_annual_figures(actor=actor, rows_or_file=figures, dry_run=False).ok
    audit_rows = AuditLog.objects.count()
    versions = sorted(Enterprise.objects.values_list("version", flat=True))

    # when
    again = import_enterprises(actor=actor, rows_or_file=enterprises, dry_run=False)
    figures_again = import_annual_figures(actor=actor, rows_or_file=figures, dry_run=False)

    # then
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 2)
    assert (len(figures_again.created), len(figures_again.updated)) == (0, 0)
    assert len(figures_again.unchanged) == 2
    assert AuditLog.objects.count() == audit_rows
    assert sorted(Enterprise.objects.values_list("version", flat=True)) == versions


def test_import_accepts_plain_dict_rows(world: World) -> None:
    # when
    result = import_enterprises(
        actor=world.user("industry"), rows_or_file=[enterprise_row(1)], dry_run=False
    )

    # then
    assert result.ok, result.errors
    assert Enterprise.objects.filter(uscc=make_uscc(1)).exists()


# -- scope and permission ------------------------------------------------------------------------


def test_town_user_imports_only_in_their_town(world: World) -> None:
    # given: an enterprise of the other town, and rows naming it and the other town
    other = EnterpriseFactory(uscc=make_uscc(5), region=world.town_b, name="保店企业")
    data = workbook(
        [
            enterprise_row(1, 所在乡镇=None),  # row 2: blank means the user's own town
            enterprise_row(2, 所在乡镇="保店镇"),  # row 3: another town
            enterprise_row(5, 所在乡镇="大曹镇"),  # row 4: exists outside the user's scope
        ]
    )

    # when
    result = import_enterprises(actor=world.user("town_a"), rows_or_file=data, dry_run=False)

    # then
    codes = error_codes(result)
    assert codes[(3, "所在乡镇")] == "scope"
    assert codes[(4, "统一社会信用代码")] == "out_of_scope"
    assert "保店企业" not in " ".join(e.message for e in result.errors)
    assert 2 not in {error.row for error in result.errors}
    other.refresh_from_db()
    assert (other.region_id, other.version) == (world.town_b.code, 1)
    assert Enterprise.objects.count() == 1


def test_town_user_blank_town_means_their_own(world: World) -> None:
    # when
    result = import_enterprises(
        actor=world.user("town_a"),
        rows_or_file=workbook([enterprise_row(1, 所在乡镇=None)]),
        dry_run=False,
    )

    # then
    assert result.ok, result.errors
    assert Enterprise.objects.get().region_id == world.town_a.code


def test_park_must_lie_in_the_named_town(world: World) -> None:
    # when: the park is in 大曹镇
    result = import_enterprises(
        actor=world.user("industry"),
        rows_or_file=workbook([enterprise_row(1, 所在乡镇="保店镇", 所在园区="健身器材产业园")]),
        dry_run=False,
    )

    # then
    assert (2, "所在园区") in errors_at(result)


@pytest.mark.parametrize("persona", ["leader", "chain", "department", "enterprise", "auditor"])
def test_read_only_roles_may_not_import(
    world: World, client: Client, persona: str, media: Path
) -> None:
    # given
    client.force_login(world.user(persona))
    upload = SimpleUploadedFile("e.xlsx", workbook([enterprise_row(1)]), content_type=XLSX)

    # when
    page = client.get(reverse("enterprises:import"))
    posted = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})
    template = client.get(reverse("enterprises:template", args=["enterprises"]))

    # then
    assert (page.status_code, posted.status_code, template.status_code) == (403, 403, 403)
    assert Enterprise.objects.count() == 0
    assert not list(media.rglob("*.xlsx"))


def test_anonymous_is_sent_to_sign_in(client: Client, db: Any) -> None:
    for url in (
        reverse("enterprises:import"),
        reverse("enterprises:export"),
        reverse("enterprises:template", args=["figures"]),
    ):
        assert client.get(url).status_code == 302


# -- upload safety through the import ------------------------------------------------------------


def test_zip_bomb_upload_is_refused_and_nothing_stored(
    world: World, client: Client, media: Path
) -> None:
    # given: a sheet member of 300 MB of zeros, about 1.3 MB compressed
    import zipfile

    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(workbook([enterprise_row(1)])))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, base.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(b"\0" * (1 << 20))
    client.force_login(world.user("industry"))
    upload = SimpleUploadedFile("bomb.xlsx", out.getvalue(), content_type=XLSX)

    # when
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})

    # then
    assert response.status_code == 422
    assert response.context["result"].errors[0].code in {"zip_bomb", "too_large_unzipped"}
    assert Enterprise.objects.count() == 0
    assert not list(media.rglob("*.xlsx"))


def test_non_xlsx_upload_is_refused_with_a_message(world: World) -> None:
    # when
    result = import_enterprises(
        actor=world.user("industry"), rows_or_file=b"a,b\n1,2\n", dry_run=True
    )

    # then
    assert [(e.row, e.code) for e in result.errors] == [(None, "not_xlsx")]


# -- the import page: preview, confirm, cancel ---------------------------------------------------


def test_upload_preview_then_confirm_imports_the_stored_file(
    world: World, client: Client, media: Path
) -> None:
    # given
    client.force_login(world.user("industry"))
    upload = SimpleUploadedFile(
        "e.xlsx", workbook([enterprise_row(1), enterprise_row(2)]), content_type=XLSX
    )

    # when: checked
    preview = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})

    # then: a preview, nothing stored yet, the file kept for confirmation
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token
    assert len(preview.context["result"].created) == 2
    assert Enterprise.objects.count() == 0
    assert (media / "imports" / f"{token}.xlsx").is_file()
    assert "import-confirm" in preview.content.decode()

    # when: confirmed
    done = client.post(reverse("enterprises:import"), {"token": token, "action": "confirm"})

    # then
    assert done.status_code == 302
    assert Enterprise.objects.count() == 2
    assert not (media / "imports" / f"{token}.xlsx").exists()
    # and the token cannot be used twice
    client.post(reverse("enterprises:import"), {"token": token, "action": "confirm"})
    assert AuditLog.objects.filter(action="create").count() == 2


def test_preview_token_of_another_user_is_refused(
    world: World, client: Client, media: Path
) -> None:
    # given: the industry office previewed a file
    client.force_login(world.user("industry"))
    upload = SimpleUploadedFile("e.xlsx", workbook([enterprise_row(1)]), content_type=XLSX)
    token = client.post(
        reverse("enterprises:import"), {"kind": "enterprises", "file": upload}
    ).context["token"]

    # when: another editor tries to confirm it
    other = Client()
    other.force_login(world.user("admin"))
    response = other.post(reverse("enterprises:import"), {"token": token, "action": "confirm"})

    # then
    assert response.status_code == 302
    assert Enterprise.objects.count() == 0


def test_cancel_deletes_the_stored_file(world: World, client: Client, media: Path) -> None:
    # given
    client.force_login(world.user("industry"))
    upload = SimpleUploadedFile("e.xlsx", workbook([enterprise_row(1)]), content_type=XLSX)
    token = client.post(
        reverse("enterprises:import"), {"kind": "enterprises", "file": upload}
    ).context["token"]

    # when
    client.post(reverse("enterprises:import"), {"token": token, "action": "cancel"})

    # then
    assert not list((media / "imports").glob("*.xlsx"))
    assert Enterprise.objects.count() == 0


def test_upload_with_errors_shows_the_error_table(
    world: World, client: Client, media: Path
) -> None:
    # given
    client.force_login(world.user("industry"))
    bad_code, _right = wrong_check_character(make_uscc(1))
    upload = SimpleUploadedFile(
        "e.xlsx", workbook([enterprise_row(1, 统一社会信用代码=bad_code)]), content_type=XLSX
    )

    # when
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})

    # then
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "统一社会信用代码" in html
    assert not list(media.rglob("*.xlsx"))


# -- templates -----------------------------------------------------------------------------------


def test_template_round_trip(world: World, client: Client, media: Path) -> None:
    # given: the downloaded templates
    client.force_login(world.user("industry"))
    response = client.get(reverse("enterprises:template", args=["enterprises"]))
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["企业名录"]
    assert [cell.value for cell in sheet[1]] == ENTERPRISE_HEADERS
    assert sheet.max_row == 1  # no example row in the data area
    assert "说明" in book.sheetnames
    assert sheet.data_validations.dataValidation  # dropdowns

    # when: filled in and imported through the page
    sheet.append([enterprise_row(1).get(header) for header in ENTERPRISE_HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("filled.xlsx", buffer.getvalue(), content_type=XLSX)
    preview = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})
    client.post(
        reverse("enterprises:import"), {"token": preview.context["token"], "action": "confirm"}
    )

    # then
    assert Enterprise.objects.filter(uscc=make_uscc(1)).exists()

    # and the same for figures
    response = client.get(reverse("enterprises:template", args=["figures"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["年度数据"]
    assert [cell.value for cell in sheet[1]] == FIGURE_HEADERS
    sheet.append([figures_row(make_uscc(1)).get(header) for header in FIGURE_HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_annual_figures(
        actor=world.user("industry"), rows_or_file=buffer.getvalue(), dry_run=False
    )
    assert result.ok, result.errors
    assert AnnualFigures.objects.get().employees == 120


def test_unknown_template_kind_is_404(world: World, client: Client) -> None:
    client.force_login(world.user("industry"))
    assert client.get(reverse("enterprises:template", args=["projects"])).status_code == 404


# -- export --------------------------------------------------------------------------------------


def exported(response: Any) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_export_neutralises_formula_like_text(world: World, client: Client) -> None:
    # given
    EnterpriseFactory(
        name="=1+1", address="+x", contact_name="-x", legal_representative="@x", region=world.town_a
    )
    client.force_login(world.user("industry"))

    # when
    response = client.get(reverse("enterprises:export"))

    # then
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = {cell.value for cell in cells}
    assert {"'=1+1", "'+x", "'-x", "'@x"} <= values
    assert "=1+1" not in values


def test_export_is_exactly_the_filtered_list(world: World, client: Client) -> None:
    # given
    in_a = [EnterpriseFactory(region=world.town_a) for _ in range(3)]
    EnterpriseFactory(region=world.town_b)
    client.force_login(world.user("industry"))

    # when
    response = client.get(reverse("enterprises:export"), {"town": world.town_a.code})

    # then
    rows = exported(response)
    assert rows[0] == ENTERPRISE_HEADERS
    assert sorted(row[0] for row in rows[1:]) == sorted(e.uscc for e in in_a)
    assert {row[5] for row in rows[1:]} == {"大曹镇"}
    disposition = response["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("企业名录-")
    assert response["Content-Type"].startswith(XLSX)


def test_export_respects_scope(world: World, client: Client) -> None:
    # given
    mine = EnterpriseFactory(region=world.town_a)
    EnterpriseFactory(region=world.town_b)
    client.force_login(world.user("town_a"))

    # when
    rows = exported(client.get(reverse("enterprises:export")))

    # then
    assert [row[0] for row in rows[1:]] == [mine.uscc]


def test_export_then_import_is_a_round_trip(world: World, client: Client) -> None:
    # given
    EnterpriseFactory(
        name="=1+1",
        region=world.town_a,
        park=world.park,
        industry_id="C3311",
        former_names=["甲", "乙"],
        latitude=Decimal("37.650000"),
        longitude=Decimal("116.800000"),
        founded_on=dt.date(2010, 1, 2),
        contact_phone="+86 534 1234567",
        scale="above",
    )
    EnterpriseFactory(region=world.county)
    client.force_login(world.user("industry"))
    content = client.get(reverse("enterprises:export")).content
    audit_rows = AuditLog.objects.count()

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=content, dry_run=False)

    # then
    assert result.ok, result.errors
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 0, 2)
    assert AuditLog.objects.count() == audit_rows


def test_figures_export_row_writes_wan(world: World) -> None:
    # given
    figures = AnnualFiguresFactory(operating_revenue=Decimal("30000000.00"))

    # when
    row = excel.figures_row(figures, figures.enterprise.uscc)

    # then
    assert row[FIGURE_HEADERS.index("营业收入(万元)")] == Decimal("3000")


# -- scale ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 200])
def test_dry_run_queries_do_not_grow_with_rows(
    world: World, count: int, django_assert_max_num_queries: Any
) -> None:
    # given: half the rows update existing enterprises, half create new ones
    for n in range(0, count, 2):
        EnterpriseFactory(uscc=make_uscc(n), region=world.town_a)
    data = workbook([enterprise_row(n, 所在园区="健身器材产业园") for n in range(count)])
    actor = world.user("industry")
    actor.refresh_from_db()

    # when / then: lookups are fetched in bulk, not per row
    with django_assert_max_num_queries(12):
        result = import_enterprises(actor=actor, rows_or_file=data, dry_run=True)
    assert result.ok, result.errors
    assert len(result.created) + len(result.updated) == count


def test_import_service_refuses_read_only_roles(world: World) -> None:
    # when / then
    with pytest.raises(PermissionDenied):
        import_enterprises(
            actor=world.user("leader"), rows_or_file=[enterprise_row(1)], dry_run=False
        )
    with pytest.raises(PermissionDenied):
        import_annual_figures(
            actor=world.user("chain"), rows_or_file=[figures_row(make_uscc(1))], dry_run=False
        )
    assert Enterprise.objects.count() == 0


def test_roles_without_the_register_cannot_export(world: World, client: Client) -> None:
    # given
    EnterpriseFactory(region=world.town_a)
    client.force_login(world.user("security"))

    # then
    assert client.get(reverse("enterprises:export")).status_code == 403


def test_oversized_upload_is_refused_before_it_is_read(
    world: World, client: Client, settings: Any, media: Path
) -> None:
    # given
    settings.JINMU_UPLOAD_MAX_BYTES = 1000
    client.force_login(world.user("industry"))
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"0" * 200_000, content_type=XLSX)

    # when
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})

    # then
    assert response.status_code == 413
    assert response.context["upload_error"]
    assert 'id="upload-error"' in response.content.decode()
    assert not list(media.rglob("*.xlsx"))


def test_import_post_still_needs_the_csrf_token(world: World) -> None:
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("industry"))
    upload = SimpleUploadedFile("e.xlsx", workbook([enterprise_row(1)]), content_type=XLSX)

    # when
    response = client.post(reverse("enterprises:import"), {"kind": "enterprises", "file": upload})

    # then
    assert response.status_code == 403
    assert Enterprise.objects.count() == 0


def test_sheet_without_data_rows_is_an_error(world: World) -> None:
    # when
    result = import_enterprises(
        actor=world.user("industry"), rows_or_file=workbook([]), dry_run=True
    )

    # then
    assert [error.code for error in result.errors] == ["no_rows"]


def test_moving_a_firm_to_another_town_moves_its_figures_and_scope(world: World) -> None:
    # given a firm in 大曹镇 with figures
    enterprise = EnterpriseFactory(uscc=make_uscc(8), name="宁津搬迁有限公司", region=world.town_a)
    figures = AnnualFiguresFactory(enterprise=enterprise)
    row = {"统一社会信用代码": make_uscc(8), "企业名称": "宁津搬迁有限公司", "所在乡镇": "保店镇"}
    data = workbook([row], headers=["统一社会信用代码", "企业名称", "所在乡镇"])

    # when the industry office imports its new town
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then the firm and its figures now belong to 保店镇: the new town sees them, the old not
    assert result.ok, result.errors
    figures.refresh_from_db()
    assert figures.region_id == world.town_b.code
    assert AnnualFigures.objects.for_user(world.user("town_b")).filter(pk=figures.pk).exists()
    assert not AnnualFigures.objects.for_user(world.user("town_a")).filter(pk=figures.pk).exists()
