"""The weekly bulletin (周调度通报): content computed from the ledger, the Word and Excel files read
back, the `jinmu report weekly` command, and the page's scoping and downloads."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from jinmu.core.tests.factories import UnitFactory
from jinmu.problems.choices import ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.bulletin import (
    DOCX_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    WeeklyBulletin,
    weekly_bulletin,
    write_docx,
    write_xlsx,
)
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project, StatusChange
from jinmu.projects.tests.factories import ProjectFactory, ReportFactory, YearPlanFactory

TODAY = dt.date(2026, 11, 26)  # Thursday of 2026-W48
W46 = dt.date(2026, 11, 9)
W47 = dt.date(2026, 11, 16)  # Monday; its reports are due Friday 2026-11-20
W48 = dt.date(2026, 11, 23)
LONG_AGO = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
RED_REASON = "Planned start 2026-06-01 passed 5 months ago and works have not started (red)."
YELLOW_REASON = "62.00% of this year's planned investment done against 87.99% due: 25.99 behind."
GREEN_REASON = "The report for week 2026-W47 is in."

pytestmark = pytest.mark.django_db


def _reason(rule: str, light: str, text: str) -> dict[str, Any]:
    return {"rule": rule, "light": light, "text": text, "inputs": {}}


def _history(project: Project, *steps: tuple[str, dt.date]) -> None:
    """Write the project's status history: each step moves it to a status on a day."""
    previous = ""
    for status, day in steps:
        StatusChange.objects.create(
            project=project, from_status=previous, to_status=status, changed_on=day
        )
        previous = status


def _registered_long_ago(*projects: Project) -> None:
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(created_at=LONG_AGO)


def _problem(project: Project, title: str, unit: Any, **extra: Any) -> Problem:
    values: dict[str, Any] = {
        "region": project.region,
        "project": project,
        "title": title,
        "source": ProblemSource.WEEKLY_REPORT,
        "owner_unit": unit,
        "raised_on": dt.date(2026, 11, 10),
        "status": ProblemStatus.OPEN,
    }
    values.update(extra)
    return Problem.objects.create(**values)


@pytest.fixture
def county(world: Any) -> dict[str, Any]:
    """A small county: five monitored projects in two towns, one not monitored, reports for
    2026-W47 (one missing, one late), a new start, and problems held by two units."""
    land = UnitFactory(name="自然资源局")
    a, b = world.town_a, world.town_b
    red = ProjectFactory(
        name="红灯项目甲",
        region=a,
        responsible_unit=world.town_a_unit,
        status=ProjectStatus.PREPARING,
        light="red",
        light_reasons=[
            _reason("report", "green", GREEN_REASON),
            _reason("start", "red", RED_REASON),
        ],
    )
    yellow = ProjectFactory(
        name="黄灯项目乙",
        region=b,
        responsible_unit=world.town_b_unit,
        light="yellow",
        light_reasons=[_reason("schedule", "yellow", YELLOW_REASON)],
    )
    missing = ProjectFactory(
        name="缺报项目丁",
        region=b,
        responsible_unit=world.town_b_unit,
        light="grey",
        light_reasons=[_reason("report", "grey", "No weekly report for week 2026-W47.")],
    )
    started = ProjectFactory(
        name="新开工项目戊", region=a, light="green", actual_start=dt.date(2026, 11, 18)
    )
    late = ProjectFactory(
        name="技改项目丙",
        region=a,
        kind=ProjectKind.RENOVATION,
        level="",
        total_investment=Decimal("50000000"),
        light="green",
    )
    lead = ProjectFactory(
        name="线索项目己",
        region=a,
        kind=ProjectKind.ATTRACTION,
        level="",
        status=ProjectStatus.LEAD,
        light="",
    )
    # Registered long before the week (created_at is the real time of the test run).
    Project.objects.update(created_at=LONG_AGO)
    # A project registered after the week's deadline owes no report for it.
    newcomer = ProjectFactory(name="新登记项目庚", region=b, light="grey")
    Project.objects.filter(pk=newcomer.pk).update(
        created_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    )

    YearPlanFactory(project=red, planned_investment=Decimal("100000000"))
    YearPlanFactory(
        project=yellow,
        planned_investment=Decimal("200000000"),
        monthly_shares=[0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1],
    )
    YearPlanFactory(project=late, planned_investment=Decimal("40000000"))
    YearPlanFactory(project=red, year=2025, planned_investment=Decimal("900000000"))

    ReportFactory(
        project=red,
        week=W47,
        invested_this_week=Decimal("2000000"),
        year_invested=Decimal("40000000"),
    )
    # A later week's report is not part of the W47 bulletin.
    ReportFactory(
        project=red,
        week=W48,
        invested_this_week=Decimal("59000000"),
        year_invested=Decimal("99000000"),
    )
    ReportFactory(
        project=yellow,
        week=W47,
        invested_this_week=Decimal("3000000"),
        year_invested=Decimal("60000000"),
    )
    # The missing project's latest report in the year is for W46.
    ReportFactory(
        project=missing,
        week=W46,
        invested_this_week=Decimal("500000"),
        year_invested=Decimal("5000000"),
    )
    # Last year's figure does not count for this year.
    ReportFactory(
        project=started,
        week=dt.date(2025, 12, 22),
        invested_this_week=Decimal("7000000"),
        year_invested=Decimal("70000000"),
    )
    ReportFactory(
        project=started,
        week=W47,
        invested_this_week=Decimal("1000000"),
        year_invested=Decimal("1000000"),
    )
    ReportFactory(
        project=late,
        week=W47,
        invested_this_week=Decimal("1234567.89"),
        year_invested=Decimal("10000000"),
        is_late=True,
        submitted_at=dt.datetime(2026, 11, 21, 2, 30, tzinfo=dt.UTC),
    )
    # The yellow project entered "under construction" during the week.
    _history(
        yellow,
        (ProjectStatus.PREPARING, dt.date(2026, 1, 5)),
        (ProjectStatus.STARTED, dt.date(2026, 11, 17)),
    )
    # A start in another week is not new.
    _history(
        late,
        (ProjectStatus.PREPARING, dt.date(2026, 1, 5)),
        (ProjectStatus.STARTED, dt.date(2026, 11, 5)),
    )

    _problem(red, "用地指标未落实", land, due_on=dt.date(2026, 11, 20))
    _problem(
        missing,
        "规划许可待批",
        land,
        due_on=dt.date(2026, 12, 1),
        status=ProblemStatus.CLAIMED,
    )
    _problem(yellow, "电力增容未完成", world.industry_office)
    # Resolved after the week: it was still open at its end.
    _problem(
        started,
        "施工用水未接通",
        world.industry_office,
        status=ProblemStatus.RESOLVED,
        resolved_on=dt.date(2026, 11, 25),
        due_on=dt.date(2026, 11, 19),
    )
    # Resolved within the week, and raised after it: not in the bulletin.
    _problem(
        red,
        "已解决的道路问题",
        land,
        status=ProblemStatus.RESOLVED,
        resolved_on=dt.date(2026, 11, 18),
    )
    _problem(yellow, "下周才提出的问题", land, raised_on=dt.date(2026, 11, 24))
    return {
        "land": land,
        "red": red,
        "yellow": yellow,
        "missing": missing,
        "started": started,
        "late": late,
        "lead": lead,
        "newcomer": newcomer,
    }


def _bulletin(world: Any, **kwargs: Any) -> WeeklyBulletin:
    options: dict[str, Any] = {"region_code": world.county.code, "week": W47, "today": TODAY}
    options.update(kwargs)
    with translation.override("en"):
        return weekly_bulletin(**options)


def docx_lines(source: Any) -> list[str]:
    """Paragraphs and table rows of a .docx in document order (cells joined by ' | ')."""
    document = Document(source)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
        else:
            lines.append(block.text)
    return lines


def _index(lines: list[str], text: str) -> int:
    for number, line in enumerate(lines):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in the document:\n" + "\n".join(lines))


# --------------------------------------------------------------------------- content


def test_totals_by_kind_with_plans_year_to_date_and_the_week(world: Any, county: Any) -> None:
    bulletin = _bulletin(world)
    assert bulletin.week == W47
    assert bulletin.as_of == dt.date(2026, 11, 22)
    assert bulletin.title == (
        "宁津县 key projects weekly bulletin, week 47 of 2026 (11/16 – 11/22)"
    )
    key, renovation = bulletin.totals
    assert key.kind == ProjectKind.KEY
    # red, yellow, missing (grey) and started. The newcomer, registered after the week's
    # deadline, owed no report and has no plan nor report: it is not in the year's figures;
    # the lead is not monitored.
    assert (key.count, key.monitored, key.reported) == (4, 4, 3)
    assert key.total_investment == Decimal("1200000000")
    # This year's plans only (the 2025 plan of the red project is left out).
    assert key.planned_year == Decimal("300000000")
    # Latest report of 2026 up to W47: 40M (not W48's 99M) + 60M + 5M (W46) + 1M (not 2025's).
    assert key.completed_year == Decimal("106000000")
    assert key.completed_week == Decimal("6000000")
    assert key.completion_percent == Decimal("35.33")
    # 序时 on 2026-11-22: the plain plan 326/365, the phased one 0.8 + 0.1 × 22/30, weighted.
    assert key.expected_percent == Decimal("87.99")
    assert renovation.kind == ProjectKind.RENOVATION
    assert (renovation.count, renovation.monitored, renovation.reported) == (1, 1, 1)
    assert renovation.completed_week == Decimal("1234567.89")
    assert renovation.expected_percent == Decimal("89.32")
    assert renovation.completion_percent == Decimal("25.00")
    overall = bulletin.overall
    assert (overall.count, overall.monitored, overall.reported) == (5, 5, 4)
    assert overall.total_investment == Decimal("1250000000")
    assert overall.planned_year == Decimal("340000000")
    assert overall.completed_year == Decimal("116000000")
    assert overall.completed_week == Decimal("7234567.89")
    # (300M × 0.879939 + 40M × 0.893151) / 340M
    assert overall.expected_percent == Decimal("88.15")


def test_new_starts_lights_problems_missing_and_late(world: Any, county: Any) -> None:
    bulletin = _bulletin(world)
    assert [(s.name, s.started_on) for s in bulletin.new_starts] == [
        ("黄灯项目乙", dt.date(2026, 11, 17)),
        ("新开工项目戊", dt.date(2026, 11, 18)),
    ]
    assert [p.name for p in bulletin.red] == ["红灯项目甲"]
    # Only the rules that are not green, worst first.
    assert bulletin.red[0].reasons == [RED_REASON]
    assert bulletin.red[0].town == "大曹镇"
    assert [p.name for p in bulletin.yellow] == ["黄灯项目乙"]
    assert bulletin.yellow[0].reasons == [YELLOW_REASON]

    groups = {g.unit_name: g for g in bulletin.problems_by_unit}
    assert set(groups) == {"自然资源局", "产业办"}
    land = groups["自然资源局"]
    assert [p.title for p in land.problems] == ["用地指标未落实", "规划许可待批"]
    assert (land.count, land.overdue) == (2, 1)
    assert land.problems[0].project_name == "红灯项目甲"
    assert land.problems[0].due_on == dt.date(2026, 11, 20)
    office = groups["产业办"]
    assert sorted(p.title for p in office.problems) == ["施工用水未接通", "电力增容未完成"]
    assert office.overdue == 1
    assert (bulletin.problem_count, bulletin.overdue_count) == (4, 2)

    # The newcomer registered after the deadline is not missing; the lead is not monitored.
    assert [
        (g.town, g.responsible_unit, [p.name for p in g.projects]) for g in bulletin.missing
    ] == [("保店镇", "保店镇人民政府", ["缺报项目丁"])]
    assert [r.name for r in bulletin.late] == ["技改项目丙"]
    # 02:30 UTC is 10:30 in Asia/Shanghai.
    assert bulletin.late[0].submitted_at.strftime("%Y-%m-%d %H:%M") == "2026-11-21 10:30"


def test_town_user_sees_only_its_town(world: Any, county: Any) -> None:
    bulletin = _bulletin(world, region_code=world.town_a.code, user=world.user("town_a"))
    assert bulletin.region_name == "大曹镇"
    assert bulletin.scope_note == ""
    assert bulletin.overall.count == 3
    assert [p.name for p in bulletin.red] == ["红灯项目甲"]
    assert bulletin.yellow == []
    assert bulletin.missing == []
    titles = {p.title for g in bulletin.problems_by_unit for p in g.problems}
    assert titles == {"用地指标未落实", "施工用水未接通"}


def test_queries_do_not_grow_with_the_county(world: Any, county: Any) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            _bulletin(world)
        return len(context.captured_queries)

    small = count()
    for i in range(12):
        project = ProjectFactory(name=f"扩充项目{i}", region=world.town_b, light="red")
        YearPlanFactory(project=project)
        ReportFactory(project=project, week=W47)
        _problem(project, f"扩充问题{i}", UnitFactory(name=f"扩充单位{i}"))
    assert count() == small <= 12


def test_future_week_and_unknown_region_are_refused(world: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="has not begun"):
        _bulletin(world, week=dt.date(2026, 11, 30))
    with pytest.raises(ValidationError, match="Unknown region"):
        _bulletin(world, region_code="999999")


# --------------------------------------------------------------------------- Word and Excel


def test_docx_read_back(world: Any, county: Any, tmp_path: Path) -> None:
    bulletin = _bulletin(world)
    path = tmp_path / "bulletin.docx"
    with translation.override("en"):
        write_docx(bulletin, path)
    document = Document(str(path))
    title = document.paragraphs[0]
    assert title.text == "宁津县 key projects weekly bulletin, week 47 of 2026 (11/16 – 11/22)"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.bold
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"

    lines = docx_lines(str(path))
    text = "\n".join(lines)
    # Sections numbered 一、二、…
    for heading in (
        "一、Overview",
        "二、New starts this week",
        # The week has ended: the lights shown are today's, and dated so.
        "三、Red and yellow projects (lights as of 2026-11-26)",
        "四、Unresolved problems by unit",
        "五、Missing and late reports",
    ):
        assert heading in lines
    note = lines[_index(lines, "三、Red and yellow projects") + 1]
    assert note == (
        "Lights are not kept week by week: the red and yellow projects below are those of "
        "2026-11-26, when this bulletin was generated, not those at the end of week 2026-W47."
    )
    # Totals: the key projects' row and the total row (亿元 and 万元, two decimals).
    assert "Key project | 4 | 4 | 12.00 | 3.00 | 1.06 | 35.33% | 87.99% | 600.00" in lines, text
    assert "All kinds | 5 | 5 | 12.50 | 3.40 | 1.16 | 34.12% | 88.15% | 723.46" in lines
    assert "5 projects were under weekly scheduling" in text
    assert "This year's figures cover 5 projects" in text
    # Header rows are repeated on every page.
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[0].cells[0].text == "Kind"
    # New starts.
    assert _index(lines, "新开工项目戊") > _index(lines, "二、New starts this week")
    # The red project with its reason, under the red sub-heading.
    red_row = lines[_index(lines, "红灯项目甲 | 大曹镇")]
    assert RED_REASON in red_row
    assert GREEN_REASON not in red_row
    assert _index(lines, "（一）Red projects") < _index(lines, "红灯项目甲 | 大曹镇")
    assert _index(lines, "（二）Yellow projects") < _index(lines, "黄灯项目乙 | 保店镇")
    # Problems grouped under their unit (units with more overdue, then more problems first;
    # here a tie, so by name).
    office = _index(lines, "1. 产业办（2）")
    land = _index(lines, "2. 自然资源局（2）")
    for title_text in ("电力增容未完成", "施工用水未接通"):
        assert office < _index(lines, f"| {title_text} |") < land
    for title_text in ("用地指标未落实", "规划许可待批"):
        assert land < _index(lines, f"| {title_text} |")
    assert "已解决的道路问题" not in text
    assert "下周才提出的问题" not in text
    assert (
        "| 用地指标未落实 | 红灯项目甲 | 2026-11-10 | 2026-11-20 | Awaiting claim, overdue" in text
    )
    # Missing and late reports.
    missing = _index(lines, "（一）Missing reports")
    assert "保店镇 | 保店镇人民政府 | 1 | 缺报项目丁" in lines[missing:]
    assert "新登记项目庚" not in text
    assert _index(lines, "技改项目丙 | 大曹镇") > _index(lines, "（二）Late reports")


def test_docx_in_chinese_site_language_keeps_data(world: Any, county: Any) -> None:
    """Whatever the language, names, figures and reasons are the ledger's."""
    with translation.override("zh-hans"):
        bulletin = weekly_bulletin(region_code=world.county.code, week=W47, today=TODAY)
        stream = io.BytesIO()
        write_docx(bulletin, stream)
    stream.seek(0)
    text = "\n".join(docx_lines(stream))
    assert "宁津县" in text.splitlines()[0]
    assert "2026" in text.splitlines()[0]
    for expected in ("红灯项目甲", RED_REASON, "缺报项目丁", "用地指标未落实", "12.00", "35.33%"):
        assert expected in text


def test_xlsx_read_back(world: Any, county: Any, tmp_path: Path) -> None:
    bulletin = _bulletin(world)
    path = tmp_path / "bulletin.xlsx"
    with translation.override("en"):
        write_xlsx(bulletin, path)
    book = load_workbook(path)
    assert book.sheetnames == [
        "Overview",
        "New starts",
        "Red and yellow",
        "Problems",
        "Missing reports",
        "Late reports",
    ]
    overview = book["Overview"]
    assert overview["A1"].value == bulletin.title
    rows = list(overview.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Kind")
    assert overview.cell(row=header + 1, column=1).font.bold
    assert rows[header][:3] == ("Kind", "Projects", "Under weekly scheduling")
    key = rows[header + 1]
    # Amounts are numbers in 万元.
    assert key[:6] == ("Key project", 4, 4, 120000, 30000, 10600)
    assert key[6] == pytest.approx(35.33)
    assert key[7] == pytest.approx(87.99)
    assert key[8] == 600
    assert key[9] == 3
    total = rows[header + 3]
    assert total[0] == "All kinds"
    assert total[8] == pytest.approx(723.46)
    assert overview.cell(row=header + 4, column=1).font.bold

    starts = [row[0] for row in book["New starts"].iter_rows(min_row=3, values_only=True)]
    assert starts == ["黄灯项目乙", "新开工项目戊"]
    sheet = book["Red and yellow"]
    assert sheet["A1"].value == "三、Red and yellow projects (lights as of 2026-11-26)"
    assert sheet["A2"].value.startswith("Lights are not kept week by week")
    flagged = list(sheet.iter_rows(min_row=4, values_only=True))
    assert flagged[0][:2] == ("Red", "红灯项目甲")
    assert flagged[0][5] == RED_REASON
    assert flagged[1][:2] == ("Yellow", "黄灯项目乙")
    problems = list(book["Problems"].iter_rows(min_row=3, values_only=True))
    by_unit = {(row[0], row[1]) for row in problems}
    assert by_unit == {
        ("自然资源局", "用地指标未落实"),
        ("自然资源局", "规划许可待批"),
        ("产业办", "电力增容未完成"),
        ("产业办", "施工用水未接通"),
    }
    assert book["Problems"]["A2"].font.bold
    missing = list(book["Missing reports"].iter_rows(min_row=3, values_only=True))
    assert missing == [("保店镇", "保店镇人民政府", "缺报项目丁")]
    late = list(book["Late reports"].iter_rows(min_row=3, values_only=True))
    assert late[0][0] == "技改项目丙"
    assert late[0][3] == dt.datetime(2026, 11, 21, 10, 30)


# --------------------------------------------------------------------------- command


@pytest.fixture
def pinned_today(monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def test_command_writes_docx(world: Any, county: Any, tmp_path: Path, pinned_today: None) -> None:
    path = tmp_path / "通报.docx"
    out = io.StringIO()
    with translation.override("en"):
        call_command("report", "weekly", "--week", "2026-W47", "--out", str(path), stdout=out)
    assert "2026-W47" in out.getvalue()
    lines = docx_lines(str(path))
    assert lines[0].startswith("宁津县 key projects weekly bulletin, week 47 of 2026")
    assert any("红灯项目甲" in line for line in lines)


def test_command_writes_xlsx_and_defaults_to_current_week(
    world: Any, county: Any, tmp_path: Path, pinned_today: None
) -> None:
    path = tmp_path / "out.bin"
    with translation.override("en"):
        call_command(
            "report", "weekly", "--out", str(path), "--format", "xlsx", "--region", "371422"
        )
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert "week 48 of 2026" in book.worksheets[0]["A1"].value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W60"], "no week 60"),
        (["--week", "next week"], "ISO week"),
        (["--week", "2026-W49"], "has not begun"),
        (["--week", "2026-W47", "--region", "999999"], "Unknown region"),
    ],
)
def test_command_refuses_bad_input(
    world: Any, tmp_path: Path, pinned_today: None, args: list[str], message: str
) -> None:
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("report", "weekly", *args, "--out", str(tmp_path / "x.docx"))
    assert not (tmp_path / "x.docx").exists()


def test_command_needs_a_format_and_a_single_county(
    world: Any, tmp_path: Path, pinned_today: None
) -> None:
    from jinmu.core.tests.factories import RegionFactory

    with pytest.raises(CommandError, match="format"):
        call_command("report", "weekly", "--week", "2026-W47", "--out", str(tmp_path / "x.pdf"))
    RegionFactory(code="371423", name="庆云县", parent=world.county.parent)
    with pytest.raises(CommandError, match="--region"):
        call_command("report", "weekly", "--week", "2026-W47", "--out", str(tmp_path / "x.docx"))


# --------------------------------------------------------------------------- page


def test_page_shows_the_county_bulletin(client: Any, world: Any, county: Any) -> None:
    client.force_login(world.user("industry"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (
        "红灯项目甲",
        RED_REASON,
        "黄灯项目乙",
        "缺报项目丁",
        "用地指标未落实",
        "自然资源局",
    ):
        assert expected in html
    assert reverse("projects:bulletin_docx") + "?week=2026-W47" in html
    assert reverse("projects:bulletin_xlsx") + "?week=2026-W47" in html
    assert 'type="week"' in html


def test_page_for_a_town_user_shows_only_its_town(client: Any, world: Any, county: Any) -> None:
    client.force_login(world.user("town_a"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "大曹镇" in html
    assert "红灯项目甲" in html
    assert "新开工项目戊" in html
    for hidden in ("黄灯项目乙", "缺报项目丁", "规划许可待批", "电力增容未完成"):
        assert hidden not in html


@pytest.mark.parametrize("persona", ["bank", "enterprise", "judge", "auditor"])
def test_page_and_downloads_refused_outside_government_scope(
    client: Any, world: Any, persona: str
) -> None:
    client.force_login(world.user(persona))
    for name in ("projects:bulletin", "projects:bulletin_docx", "projects:bulletin_xlsx"):
        assert client.get(reverse(name), {"week": "2026-W47"}).status_code == 403


def test_page_needs_login(client: Any, world: Any) -> None:
    response = client.get(reverse("projects:bulletin"))
    assert response.status_code == 302


def test_page_refuses_a_bad_or_future_week(client: Any, world: Any, pinned_today: None) -> None:
    client.force_login(world.user("leader"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W60"})
    assert response.status_code == 400
    assert response.context["form"].errors["week"]
    assert response.context["bulletin"] is None
    assert "projects:bulletin_docx" not in response.content.decode()
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W49"})
    assert response.status_code == 400
    assert response.context["form"].errors["week"]
    response = client.get(reverse("projects:bulletin_docx"), {"week": "2026-W60"})
    assert response.status_code == 400


def test_page_defaults_to_the_current_week(client: Any, world: Any, pinned_today: None) -> None:
    client.force_login(world.user("leader"))
    response = client.get(reverse("projects:bulletin"))
    assert response.status_code == 200
    assert response.context["bulletin"].week == W48
    assert 'value="2026-W48"' in response.content.decode()


def test_downloads_have_the_right_type_and_content(client: Any, world: Any, county: Any) -> None:
    client.force_login(world.user("town_a"))
    response = client.get(reverse("projects:bulletin_docx"), {"week": "2026-W47"})
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "2026-W47.docx" in response["Content-Disposition"]
    text = "\n".join(docx_lines(io.BytesIO(response.content)))
    assert "大曹镇" in text.splitlines()[0]
    assert "红灯项目甲" in text
    assert "黄灯项目乙" not in text

    response = client.get(reverse("projects:bulletin_xlsx"), {"week": "2026-W47"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = load_workbook(io.BytesIO(response.content))
    # The red and yellow sheet: heading, the note on today's lights, then the table.
    names = [row[1] for row in book.worksheets[2].iter_rows(min_row=4, values_only=True)]
    assert names == ["红灯项目甲"]


def test_park_bulletin_covers_its_projects_wherever_they_are_sited(
    client: Any, world: Any, county: Any, pinned_today: None
) -> None:
    """A park's projects may lie outside the park's town: the bulletin keeps them all and names
    the county, with the park as its scope note."""
    inside = ProjectFactory(
        name="园区红灯项目",
        region=world.town_a,
        park=world.park,
        light="red",
        light_reasons=[_reason("start", "red", RED_REASON)],
    )
    outside = ProjectFactory(
        name="园区外镇项目",
        region=world.town_b,
        responsible_unit=world.town_b_unit,
        park=world.park,
        light="yellow",
        light_reasons=[_reason("schedule", "yellow", YELLOW_REASON)],
    )
    _registered_long_ago(inside, outside)
    YearPlanFactory(project=outside, planned_investment=Decimal("50000000"))
    ReportFactory(project=outside, week=W47, year_invested=Decimal("20000000"))

    bulletin = _bulletin(world, user=world.user("park"))
    assert bulletin.region_name == "宁津县"
    assert bulletin.title.startswith("宁津县 key projects weekly bulletin")
    assert bulletin.scope_note == "健身器材产业园"
    assert [p.name for p in bulletin.red] == ["园区红灯项目"]
    assert [p.name for p in bulletin.yellow] == ["园区外镇项目"]
    overall = bulletin.overall
    assert (overall.count, overall.monitored, overall.reported) == (2, 2, 1)
    assert overall.planned_year == Decimal("50000000")
    assert overall.completed_year == Decimal("20000000")
    assert [(g.town, [p.name for p in g.projects]) for g in bulletin.missing] == [
        ("大曹镇", ["园区红灯项目"])
    ]

    client.force_login(world.user("park"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.context["bulletin"].region_name == "宁津县"
    html = response.content.decode()
    assert "健身器材产业园" in html
    assert "园区红灯项目" in html
    assert "园区外镇项目" in html
    assert "红灯项目甲" not in html
    assert "黄灯项目乙" not in html
    response = client.get(reverse("projects:bulletin_docx"), {"week": "2026-W47"})
    lines = docx_lines(io.BytesIO(response.content))
    assert lines[0].startswith(bulletin.title.split(" ")[0])
    assert "（健身器材产业园）" in lines
    assert any("园区外镇项目" in line for line in lines)


def test_chain_office_bulletin_names_the_county(client: Any, world: Any, county: Any) -> None:
    from jinmu.chains.tests.factories import ChainFactory

    ours = ChainFactory(office=world.chain_office)
    theirs = ChainFactory(office=world.other_chain_office)
    on_chain = ProjectFactory(
        name="链上黄灯项目",
        region=world.town_b,
        chain=ours,
        light="yellow",
        light_reasons=[_reason("schedule", "yellow", YELLOW_REASON)],
    )
    other = ProjectFactory(name="他链红灯项目", region=world.town_a, chain=theirs, light="red")
    _registered_long_ago(on_chain, other)
    client.force_login(world.user("chain"))
    response = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert response.status_code == 200
    bulletin = response.context["bulletin"]
    assert (bulletin.region_name, bulletin.scope_note) == ("宁津县", "健身器材链长办")
    assert [p.name for p in bulletin.yellow] == ["链上黄灯项目"]
    assert bulletin.red == []
    assert bulletin.overall.monitored == 1
    html = response.content.decode()
    assert "链上黄灯项目" in html
    for hidden in ("他链红灯项目", "红灯项目甲", "黄灯项目乙"):
        assert hidden not in html


# --------------------------------------------------------------------------- history


def test_year_figures_keep_projects_that_left_weekly_scheduling(world: Any, county: Any) -> None:
    """A key project that went from 竣工 into production in October keeps its plan and what
    it completed in the year's figures; it owed no report for the week."""
    producing = ProjectFactory(
        name="投产项目辛",
        region=world.town_a,
        status=ProjectStatus.PRODUCING,
        light="",
        total_investment=Decimal("200000000"),
    )
    _history(
        producing,
        (ProjectStatus.PREPARING, dt.date(2026, 1, 5)),
        (ProjectStatus.STARTED, dt.date(2026, 3, 2)),
        (ProjectStatus.COMPLETED, dt.date(2026, 9, 1)),
        (ProjectStatus.PRODUCING, dt.date(2026, 10, 12)),
    )
    YearPlanFactory(project=producing, planned_investment=Decimal("60000000"))
    ReportFactory(project=producing, week=dt.date(2026, 10, 5), year_invested=Decimal("58000000"))
    # Reported this year without a plan, since terminated: in the figures too.
    dropped = ProjectFactory(
        name="终止项目壬", region=world.town_b, status=ProjectStatus.TERMINATED, light=""
    )
    ReportFactory(project=dropped, week=dt.date(2026, 2, 2), year_invested=Decimal("3000000"))
    # Finished last year: nothing this year, not in the figures.
    old = ProjectFactory(
        name="去年投产项目", region=world.town_b, status=ProjectStatus.PRODUCING, light=""
    )
    YearPlanFactory(project=old, year=2025)
    ReportFactory(project=old, week=dt.date(2025, 12, 22), year_invested=Decimal("90000000"))
    _registered_long_ago(producing, dropped, old)

    bulletin = _bulletin(world)
    key = bulletin.totals[0]
    # The fixture's four (see above) plus the producing and the terminated project.
    assert (key.count, key.monitored, key.reported) == (6, 4, 3)
    assert key.total_investment == Decimal("1700000000")
    assert key.planned_year == Decimal("360000000")
    assert key.completed_year == Decimal("167000000")
    missing = [p.name for g in bulletin.missing for p in g.projects]
    assert missing == ["缺报项目丁"]
    # Its light is blank today, and a blank light is never listed.
    assert "投产项目辛" not in [p.name for p in [*bulletin.red, *bulletin.yellow]]


def test_who_owed_a_report_follows_the_status_history(world: Any, county: Any) -> None:
    """Who owed a report for a past week is decided as it stood at that week's deadline."""
    w46_due, w47_due = dt.date(2026, 11, 13), dt.date(2026, 11, 20)  # the Fridays
    # Went into production between W46's and W47's deadlines: owed W46, not W47.
    moved = ProjectFactory(
        name="十月投产项目",
        region=world.town_b,
        responsible_unit=world.town_b_unit,
        status=ProjectStatus.PRODUCING,
        light="",
    )
    _history(
        moved,
        (ProjectStatus.PREPARING, dt.date(2026, 1, 5)),
        (ProjectStatus.STARTED, dt.date(2026, 3, 2)),
        (ProjectStatus.COMPLETED, dt.date(2026, 9, 1)),
        (ProjectStatus.PRODUCING, w46_due + dt.timedelta(days=3)),
    )
    # Signed (and so monitored) between the deadlines: owed W47, not W46.
    signed = ProjectFactory(
        name="新签约项目",
        region=world.town_b,
        responsible_unit=world.town_b_unit,
        kind=ProjectKind.ATTRACTION,
        level="",
        status=ProjectStatus.SIGNED,
        light="grey",
    )
    _history(
        signed,
        (ProjectStatus.LEAD, dt.date(2026, 9, 1)),
        (ProjectStatus.ASSESSING, dt.date(2026, 9, 3)),
        (ProjectStatus.NEGOTIATING, dt.date(2026, 10, 1)),
        (ProjectStatus.SIGNED, w46_due + dt.timedelta(days=5)),
    )
    # In production since after W47's deadline: owed both weeks.
    recent = ProjectFactory(
        name="本周投产项目",
        region=world.town_b,
        responsible_unit=world.town_b_unit,
        status=ProjectStatus.PRODUCING,
        light="",
    )
    _history(
        recent,
        (ProjectStatus.PREPARING, dt.date(2026, 1, 5)),
        (ProjectStatus.STARTED, dt.date(2026, 3, 2)),
        (ProjectStatus.PRODUCING, w47_due + dt.timedelta(days=4)),
    )
    _registered_long_ago(moved, signed, recent)
    ReportFactory(project=recent, week=W46, is_late=True)

    w47 = _bulletin(world)
    w47_missing = {p.name for g in w47.missing for p in g.projects}
    assert w47_missing == {"缺报项目丁", "新签约项目", "本周投产项目"}
    assert {r.name for r in w47.late} == {"技改项目丙"}
    assert w47.overall.monitored == 7

    w46 = _bulletin(world, week=W46)
    w46_missing = {p.name for g in w46.missing for p in g.projects}
    assert {"十月投产项目"} <= w46_missing
    assert "新签约项目" not in w46_missing
    assert "本周投产项目" not in w46_missing
    # Reported for W46, after its deadline: late for W46 though not monitored now.
    assert [r.name for r in w46.late] == ["本周投产项目"]
    key = w46.totals[0]
    # red, yellow, missing, started, moved and recent; the newcomer was not yet registered.
    assert (key.monitored, key.reported) == (6, 2)
    assert w46.overall.monitored == 7
    assert w46.lights_of_today


def test_lights_of_the_running_week_are_not_dated(world: Any, county: Any) -> None:
    """While the week runs, the lights are the week's: no date, no note."""
    bulletin = _bulletin(world, week=W48)
    assert bulletin.as_of == TODAY
    assert not bulletin.lights_of_today
    stream = io.BytesIO()
    with translation.override("en"):
        write_docx(bulletin, stream)
    lines = docx_lines(io.BytesIO(stream.getvalue()))
    assert "三、Red and yellow projects" in lines
    assert not any("Lights are not kept" in line for line in lines)


def test_page_dates_the_lights_of_a_past_week(
    client: Any, world: Any, county: Any, pinned_today: None
) -> None:
    client.force_login(world.user("industry"))
    with translation.override("en"):
        html = client.get(
            reverse("projects:bulletin"), {"week": "2026-W47"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        current = client.get(
            reverse("projects:bulletin"), {"week": "2026-W48"}, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert 'id="lights-note"' in html
    assert "2026-11-26" in html
    assert 'id="lights-note"' not in current
