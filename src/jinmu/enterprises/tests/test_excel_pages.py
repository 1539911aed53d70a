"""Excel pages of the enterprise register: upload safety, the import page (preview, confirm,
cancel), templates, export of the filtered list, and scale."""

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
from jinmu.enterprises import excel
from jinmu.enterprises.imports import import_annual_figures, import_enterprises
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.enterprises.tests.excel_helpers import (
    ENTERPRISE_HEADERS,
    FIGURE_HEADERS,
    XLSX,
    enterprise_row,
    exported,
    figures_row,
    workbook,
    wrong_check_character,
)
from jinmu.enterprises.tests.factories import AnnualFiguresFactory, EnterpriseFactory, make_uscc

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
