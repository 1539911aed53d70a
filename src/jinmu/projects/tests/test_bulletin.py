"""The weekly bulletin (周调度通报): content computed from the ledger, the Word and Excel files read
back, the `jinmu report weekly` command, and the page's scoping and downloads."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from docx import Document

from jinmu.core.tests.factories import UnitFactory
from jinmu.problems.choices import ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.bulletin import (
    WeeklyBulletin,
    weekly_bulletin,
    write_docx,
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


# --------------------------------------------------------------------------- command


@pytest.fixture
def pinned_today(monkeypatch: Any) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


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
