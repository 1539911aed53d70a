"""Excel import of the enterprise register: rows stored with their places and money, all or
nothing, dry run and idempotence, scope and permission."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinmu.conftest import World
from jinmu.core.models import AuditLog
from jinmu.enterprises.imports import import_annual_figures, import_enterprises
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.enterprises.tests.excel_helpers import (
    FIGURE_HEADERS,
    XLSX,
    enterprise_row,
    error_codes,
    errors_at,
    figures_row,
    workbook,
    wrong_check_character,
)
from jinmu.enterprises.tests.factories import EnterpriseFactory, make_uscc

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
