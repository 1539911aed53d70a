"""Import of the project ledger and of a week's reports: validated, all-or-nothing, every bad
row reported by row and column, dry run, idempotent, scoped."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.conftest import World
from jinmu.core.models import AuditLog
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects import excel, reporting, services
from jinmu.projects.imports import ImportResult, import_projects, import_reports
from jinmu.projects.models import Project, ProjectTag, ProjectYearPlan, StatusChange, WeeklyReport
from jinmu.projects.tests.factories import ProjectFactory

TODAY = dt.date(2026, 11, 25)  # a Wednesday of 2026-W48
PROJECT_HEADERS = [column.header for column in excel.PROJECT_COLUMNS]
REPORT_HEADERS = [column.header for column in excel.REPORT_COLUMNS]


def workbook(
    rows: list[dict[str, Any]], headers: list[str] | None = None, sheet: str = "项目台账"
) -> bytes:
    """An .xlsx with a header row and one row per dict (keys are headers)."""
    headers = headers or PROJECT_HEADERS
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


def key_row(n: int, **cells: Any) -> dict[str, Any]:
    """A valid county key project row; keyword names are headers."""
    row: dict[str, Any] = {
        "项目编号": f"NJ-2026-{n:03d}",
        "项目名称": f"导入测试项目{n}",
        "项目类型": "重点项目",
        "级别": "县级",
        "状态": "在建",
        "乡镇/街道": "大曹镇",
        "总投资(万元)": 30000,
        "年度计划投资(万元)": 8000,
        "计划开工": dt.date(2026, 3, 1),
        "实际开工": dt.date(2026, 3, 15),
    }
    row.update(cells)
    return row


def report_book(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    """A report workbook."""
    return workbook(rows, headers=headers or REPORT_HEADERS, sheet="周报")


def errors_at(result: ImportResult) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in result.errors}


def run_projects(world: World, data: bytes, *, user: str = "industry", dry_run: bool = False):
    return import_projects(actor=world.user(user), file=data, dry_run=dry_run, today=TODAY)


# -- the ledger: creating ------------------------------------------------------------------------


def test_new_projects_are_created_with_yuan_amounts_places_and_lists(world: World) -> None:
    # given
    chain = ChainFactory(name="健身器材")
    node = ChainNodeFactory(chain=chain, name="智能跑步机")
    enterprise = EnterpriseFactory(region=world.town_a, name="宁津健身科技有限公司")
    ProjectTag.objects.create(region=world.county, name="双十")
    data = workbook(
        [
            key_row(
                1,
                **{
                    "总投资(万元)": "12345.6789",
                    "固定资产投资(万元)": 10000.5,
                    "园区": "健身器材产业园",
                    "乡镇/街道": None,
                    "产业链": "健身器材",
                    "链条环节": "智能跑步机",
                    "业主企业": enterprise.uscc,
                    "责任单位": "大曹镇人民政府",
                    "责任人": "张三",
                    "联系电话": 13800000000,
                    "项目清单": "双十",
                },
            ),
            {
                "项目编号": "NJ-ZS-001",
                "项目名称": "浙江武义电梯补芯项目",
                "项目类型": "招商",
                "状态": "在谈",
                "乡镇/街道": "371422104",
                "总投资(万元)": 150000,
                "投资方": "浙江某电梯有限公司",
                "来源地(省)": "浙江省",
                "来源地(市)": "金华市",
                "招商目的": "补链",
                "业主企业": "宁津健身科技有限公司",
            },
        ]
    )

    # when
    result = run_projects(world, data)

    # then
    assert result.ok, result.errors
    assert [outcome.row for outcome in result.created] == [2, 3]
    key = Project.objects.get(code="NJ-2026-001")
    assert key.total_investment == Decimal("123456789.00")
    assert key.fixed_asset_investment == Decimal("100005000.00")
    assert (key.kind, key.level, key.status) == ("key", "county", "started")
    assert key.region_id == world.town_a.code  # the park's town
    assert (key.park, key.chain, key.node, key.enterprise) == (world.park, chain, node, enterprise)
    assert key.responsible_unit == world.town_a_unit
    assert key.responsible_phone == "13800000000"
    assert key.actual_start == dt.date(2026, 3, 15)
    assert [tag.name for tag in key.tags.all()] == ["双十"]
    plan = ProjectYearPlan.objects.get(project=key)
    assert (plan.year, plan.planned_investment) == (2026, Decimal("80000000.00"))
    lead = Project.objects.get(code="NJ-ZS-001")
    assert (lead.kind, lead.status, lead.region_id) == ("attraction", "negotiating", "371422104")
    assert (lead.origin_province, lead.origin_city, lead.purpose) == ("浙江省", "金华市", "fill")
    assert lead.total_investment == Decimal("1500000000.00")
    assert lead.enterprise == enterprise
    assert StatusChange.objects.filter(project=lead, to_status="negotiating").count() == 1
    assert AuditLog.objects.filter(action="create", object_id=str(key.pk)).exists()


def test_a_dry_run_writes_nothing_but_shows_what_would_be_created(world: World) -> None:
    # given
    data = workbook([key_row(1), key_row(2)])
    audits = AuditLog.objects.count()

    # when
    result = run_projects(world, data, dry_run=True)

    # then
    assert result.ok, result.errors
    assert [outcome.key for outcome in result.created] == ["NJ-2026-001", "NJ-2026-002"]
    changes = {change.column: change.after for change in result.created[0].changes}
    assert changes["总投资(万元)"] == "30000"
    assert changes["状态"] == "在建"
    assert Project.objects.count() == 0
    assert ProjectYearPlan.objects.count() == 0
    assert AuditLog.objects.count() == audits


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world: World) -> None:
    # given
    data = workbook([key_row(1), key_row(2, 项目编号=None, 项目名称="无编号项目")])
    first = run_projects(world, data)
    assert first.ok, first.errors
    audits = AuditLog.objects.count()
    versions = sorted(Project.objects.values_list("version", flat=True))

    # when
    second = run_projects(world, data)

    # then
    assert second.ok, second.errors
    assert (len(second.created), len(second.updated), len(second.unchanged)) == (0, 0, 2)
    assert Project.objects.count() == 2
    assert AuditLog.objects.count() == audits
    assert sorted(Project.objects.values_list("version", flat=True)) == versions


# -- the ledger: updating ------------------------------------------------------------------------


def test_a_changed_cell_updates_only_that_field_and_a_next_state_is_a_transition(
    world: World,
) -> None:
    # given: a key project being prepared
    run_projects(world, workbook([key_row(1, 状态="前期", 实际开工=None)]))
    project = Project.objects.get(code="NJ-2026-001")
    assert project.status == "preparing"

    # when: the file moves it on and changes the person in charge
    result = run_projects(world, workbook([key_row(1, 状态="开工", 实际开工=None, 责任人="李四")]))

    # then
    assert result.ok, result.errors
    assert len(result.updated) == 1
    changes = {(c.column, c.before, c.after) for c in result.updated[0].changes}
    assert changes == {("责任人", "", "李四"), ("状态", "前期", "在建")}
    project.refresh_from_db()
    assert (project.status, project.responsible_person) == ("started", "李四")
    assert project.actual_start is not None  # entering 在建 dated the start
    assert StatusChange.objects.filter(project=project, to_status="started").exists()
    # and the blank 实际开工 keeps what the transition filled in: the same file is unchanged
    again = run_projects(world, workbook([key_row(1, 状态="开工", 实际开工=None, 责任人="李四")]))
    assert (len(again.updated), len(again.unchanged)) == (0, 1)


def test_a_status_the_lifecycle_does_not_allow_is_a_row_error(world: World) -> None:
    # given
    run_projects(world, workbook([key_row(1, 状态="前期", 实际开工=None)]))

    # when: 前期 cannot jump to 投产
    result = run_projects(world, workbook([key_row(1, 状态="投产", 实际开工=None, 责任人="李四")]))

    # then
    assert errors_at(result) == {(2, "状态")}
    assert result.errors[0].code == "refused"  # by services.transition, with its message
    project = Project.objects.get(code="NJ-2026-001")
    assert (project.status, project.responsible_person) == ("preparing", "")


def test_the_kind_of_a_project_cannot_change(world: World) -> None:
    # given
    run_projects(world, workbook([key_row(1)]))

    # when
    result = run_projects(world, workbook([key_row(1, 项目类型="技改", 级别=None, 状态="在建")]))

    # then
    assert errors_at(result) == {(2, "项目类型")}
    assert Project.objects.get(code="NJ-2026-001").kind == "key"


# -- the ledger: bad rows ------------------------------------------------------------------------


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(world: World) -> None:
    # given: one good row among bad ones
    data = workbook(
        [
            key_row(1),
            key_row(2, 项目类型="大项目"),
            key_row(3, 状态="发行"),
            key_row(4, **{"乡镇/街道": "不存在镇"}),
            key_row(5, **{"总投资(万元)": -5}),
            key_row(6, 计划开工="2026-13-45"),
            key_row(7, 项目编号="NJ-DUP"),
            key_row(8, 项目编号="NJ-DUP"),
            key_row(9, 投资方="某投资方"),
            key_row(10, 级别=None),
            key_row(11, 实际开工=dt.date(2027, 1, 1)),
        ]
    )

    # when
    result = run_projects(world, data)

    # then
    assert not result.ok
    assert errors_at(result) == {
        (3, "项目类型"),
        (4, "状态"),
        (5, "乡镇/街道"),
        (6, "总投资(万元)"),
        (7, "计划开工"),
        (8, "项目编号"),
        (9, "项目编号"),
        (10, "投资方"),
        (11, "级别"),
        (12, "实际开工"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "大项目" in messages[(3, "项目类型")]
    assert "发行" in messages[(4, "状态")]
    assert "前期" in messages[(4, "状态")]
    assert "不存在镇" in messages[(5, "乡镇/街道")]
    assert "9" in messages[(8, "项目编号")]
    assert "8" in messages[(9, "项目编号")]
    assert [e.row for e in result.errors] == sorted(e.row or 0 for e in result.errors)
    assert Project.objects.count() == 0
    assert ProjectYearPlan.objects.count() == 0
    assert (result.created, result.updated, result.unchanged) == ([], [], [])


def test_a_service_refusal_on_one_row_rolls_back_the_rows_already_applied(world: World) -> None:
    # given: the second row breaks a model rule only the service checks
    data = workbook(
        [key_row(1), key_row(2, **{"固定资产投资(万元)": 40000, "总投资(万元)": 30000})]
    )

    # when
    result = run_projects(world, data)

    # then
    assert errors_at(result) == {(3, "固定资产投资(万元)")}
    assert not Project.objects.exists()


def test_missing_required_column_and_unreadable_file_are_file_errors(world: World) -> None:
    # given
    no_kind = workbook([{"项目名称": "x"}], headers=["项目编号", "项目名称"])

    # when
    missing = run_projects(world, no_kind)
    garbage = run_projects(world, b"not a workbook at all")

    # then
    assert errors_at(missing) == {(1, "项目类型")}
    assert [(e.row, e.code) for e in garbage.errors] == [(None, "not_xlsx")]


# -- the ledger: scope ---------------------------------------------------------------------------


def test_a_town_imports_only_its_own_projects(world: World) -> None:
    # given: a project of town b the town a user cannot see
    hidden = ProjectFactory(code="NJ-B-001", name="保店镇的秘密项目", region=world.town_b)
    data = workbook(
        [
            key_row(1, **{"乡镇/街道": None}),  # their own town by default
            key_row(2, **{"乡镇/街道": "保店镇"}),
            key_row(3, 项目编号="NJ-B-001", 项目名称="改名"),
        ]
    )

    # when
    result = run_projects(world, data, user="town_a")

    # then
    assert errors_at(result) == {(3, "乡镇/街道"), (4, "项目编号")}
    not_yours = next(e for e in result.errors if e.row == 4)
    assert "保店镇的秘密项目" not in not_yours.message
    assert not_yours.code == "not_found"
    hidden.refresh_from_db()
    assert hidden.name == "保店镇的秘密项目"
    assert not Project.objects.filter(code="NJ-2026-001").exists()


def test_only_those_who_register_projects_may_import(world: World) -> None:
    with pytest.raises(PermissionDenied):
        import_projects(actor=world.user("enterprise"), file=workbook([key_row(1)]), dry_run=True)
    with pytest.raises(PermissionDenied):
        import_reports(actor=world.user("leader"), file=report_book([]), dry_run=True)


# -- a week's reports ----------------------------------------------------------------------------

W46, W47, W48 = dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)


@pytest.fixture
def started(world: World) -> Project:
    """A county key project under construction in town a, reported for 2026-W46."""
    project = services.create_project(
        actor=world.user("industry"),
        data={
            "code": "NJ-R-001",
            "name": "周报测试项目",
            "kind": "key",
            "level": "county",
            "region": world.town_a,
            "total_investment": Decimal("300000000"),
        },
        status="started",
    )
    reporting.submit_report(
        actor=world.user("industry"),
        project=project,
        week=W46,
        invested_this_week=Decimal("5000000"),
        progress_text="主体施工",
        percent_complete=20,
        today=TODAY,
    )
    return project


def run_reports(world: World, data: bytes, *, user: str = "industry", **options: Any):
    options.setdefault("dry_run", False)
    return import_reports(actor=world.user(user), file=data, today=TODAY, **options)


def test_the_weekly_figure_is_derived_from_a_cumulative_column(
    world: World, started: Project
) -> None:
    # given: 500万 reported for W46, 800万 to date in W47
    data = report_book(
        [
            {
                "项目编号": "NJ-R-001",
                "周次": "2026-W47",
                "累计完成投资(万元)": 800,
                "完成百分比": "25%",
                "形象进度": "二层封顶",
                "存在问题": "施工用电不足\n缺少技术工人",
            }
        ]
    )

    # when
    result = run_reports(world, data)

    # then
    assert result.ok, result.errors
    report = WeeklyReport.objects.get(project=started, week=W47)
    assert report.invested_this_week == Decimal("3000000.00")
    assert report.cumulative_invested == Decimal("8000000.00")
    assert (report.percent_complete, report.progress_text) == (25, "二层封顶")
    assert sorted(report.problems.values_list("title", flat=True)) == [
        "施工用电不足",
        "缺少技术工人",
    ]
    shown = {c.column: c.after for c in result.created[0].changes}
    assert shown["本周完成投资(万元)"] == "300"


def test_a_cumulative_figure_below_last_week_is_refused(world: World, started: Project) -> None:
    # given
    data = report_book([{"项目编号": "NJ-R-001", "周次": "2026-W47", "累计完成投资(万元)": 400}])

    # when
    result = run_reports(world, data)

    # then
    assert errors_at(result) == {(2, "累计完成投资(万元)")}
    assert "500" in result.errors[0].message
    assert not WeeklyReport.objects.filter(week=W47).exists()


def test_a_future_week_is_refused(world: World, started: Project) -> None:
    # given: W49 starts after TODAY
    data = report_book([{"项目编号": "NJ-R-001", "周次": "2026-W49", "本周完成投资(万元)": 10}])

    # when
    result = run_reports(world, data)

    # then
    assert errors_at(result) == {(2, "周次")}
    assert result.errors[0].code == "future_week"


def test_a_week_already_reported_is_unchanged_when_repeated_and_refused_when_different(
    world: World, started: Project
) -> None:
    # given: the W46 report as it stands, and the same week with another figure
    same = report_book(
        [{"项目编号": "NJ-R-001", "周次": "2026-W46", "本周完成投资(万元)": 500, "完成百分比": 20}]
    )
    other = report_book(
        [{"项目编号": "NJ-R-001", "周次": "2026-W46", "本周完成投资(万元)": 600, "完成百分比": 20}]
    )

    # when
    repeated = run_reports(world, same)
    changed = run_reports(world, other)

    # then
    assert repeated.ok, repeated.errors
    assert (len(repeated.created), len(repeated.unchanged)) == (0, 1)
    assert not repeated.has_changes
    assert errors_at(changed) == {(2, "本周完成投资(万元)")}
    assert changed.errors[0].code == "already_reported"
    assert WeeklyReport.objects.get(project=started, week=W46).invested_this_week == Decimal(
        "5000000.00"
    )


def test_importing_the_same_reports_twice_submits_them_once(world: World, started: Project) -> None:
    # given: the week comes from the import, not from the rows
    data = report_book([{"项目编号": "NJ-R-001", "本周完成投资(万元)": 120.5, "完成百分比": 22}])

    # when
    first = run_reports(world, data, week="2026-W47")
    second = run_reports(world, data, week="2026-W47")

    # then
    assert first.ok, first.errors
    assert len(first.created) == 1
    assert second.ok, second.errors
    assert (len(second.created), len(second.unchanged)) == (0, 1)
    report = WeeklyReport.objects.get(project=started, week=W47)
    assert report.invested_this_week == Decimal("1205000.00")
    assert WeeklyReport.objects.filter(project=started).count() == 2


def test_a_bad_report_row_keeps_every_other_row_out_and_dry_run_saves_nothing(
    world: World, started: Project
) -> None:
    # given: a second project with a good row, and a row naming an unknown project
    other = ProjectFactory(code="NJ-R-002", region=world.town_a, status="started")
    rows = [
        {"项目编号": "NJ-R-002", "周次": "2026-W48", "本周完成投资(万元)": 50, "完成百分比": 5},
        {"项目编号": "NJ-R-001", "周次": "2026-W47", "本周完成投资(万元)": -1, "完成百分比": 30},
        {"项目编号": "NJ-NONE", "周次": "2026-W47", "本周完成投资(万元)": 1, "完成百分比": 30},
        {"项目编号": "NJ-R-002", "周次": "2026-W47"},
    ]

    # when
    bad = run_reports(world, report_book(rows))
    dry = run_reports(world, report_book(rows[:1]), dry_run=True)

    # then
    assert errors_at(bad) == {(3, "本周完成投资(万元)"), (4, "项目编号"), (5, "本周完成投资(万元)")}
    assert dry.ok, dry.errors
    assert len(dry.created) == 1
    assert not WeeklyReport.objects.filter(project=other).exists()


def test_reports_of_projects_out_of_sight_are_not_found(world: World, started: Project) -> None:
    # given: the project lies in town a; town b cannot see it
    data = report_book([{"项目编号": "NJ-R-001", "周次": "2026-W47", "本周完成投资(万元)": 1}])

    # when
    result = run_reports(world, data, user="town_b")

    # then
    assert errors_at(result) == {(2, "项目编号")}
    assert "周报测试项目" not in result.errors[0].message
    assert not WeeklyReport.objects.filter(week=W47).exists()


def test_several_weeks_of_a_project_are_submitted_in_week_order(
    world: World, started: Project
) -> None:
    # given: W48 before W47 in the sheet, both as running totals
    data = report_book(
        [
            {
                "项目编号": "NJ-R-001",
                "周次": "2026-W48",
                "累计完成投资(万元)": 900,
                "完成百分比": 30,
            },
            {
                "项目编号": "NJ-R-001",
                "周次": "2026-W47",
                "累计完成投资(万元)": 800,
                "完成百分比": 25,
            },
        ]
    )

    # when
    result = run_reports(world, data)

    # then
    assert result.ok, result.errors
    assert [outcome.row for outcome in result.created] == [2, 3]
    figures = dict(
        WeeklyReport.objects.filter(project=started).values_list("week", "invested_this_week")
    )
    assert figures == {
        W46: Decimal("5000000.00"),
        W47: Decimal("3000000.00"),
        W48: Decimal("1000000.00"),
    }


def test_a_town_may_name_the_owner_of_its_project_registered_in_another_town(
    world: World,
) -> None:
    # given: a town a project built by a firm of town b (town a cannot see the firm itself)
    firm = EnterpriseFactory(region=world.town_b, name="保店镇电梯有限公司")
    ProjectFactory(code="NJ-A-001", name="电梯项目", region=world.town_a, enterprise=firm)
    data = workbook(
        [key_row(1, 项目编号="NJ-A-001", 项目名称="电梯项目", 业主企业=firm.uscc, 实际开工=None)],
        headers=["项目编号", "项目名称", "项目类型", "级别", "业主企业"],
    )

    # when
    result = run_projects(world, data, user="town_a")

    # then
    assert result.ok, result.errors
    assert len(result.unchanged) == 1
