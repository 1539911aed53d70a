"""Weekly reports: prefill, derived totals (late inserts too), refusals, late flag, photos'
EXIF, problems raised in a report, missing and late lists, and the light that follows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jinmu.core.models import AuditLog, Region
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.problems.choices import ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects import lights, reporting
from jinmu.projects.choices import Light, ProjectKind, ProjectStatus
from jinmu.projects.models import LedgerSettings, Project, ReportPhoto, WeeklyReport
from jinmu.projects.tests import reporting_support as support
from jinmu.projects.tests.factories import MilestoneFactory, ProjectFactory
from jinmu.projects.tests.reporting_support import (
    TODAY,
    W45,
    W46,
    W47,
    W48,
    WAN,
    jpeg,
    refused,
    submit,
)

english = support.english
media = support.media
project = support.project


# --------------------------------------------------------------------------- prefill


def test_prefill_takes_last_report_and_the_plans_milestones(world: Any, project: Project) -> None:
    # given a report for W46 and milestones around W48
    submit(world, project, W46, "50", 20, progress_text="主体三层封顶", today=dt.date(2026, 11, 13))
    due = MilestoneFactory(
        project=project,
        name="设备进场",
        planned_start=dt.date(2026, 11, 1),
        planned_end=dt.date(2026, 11, 27),
    )
    overdue = MilestoneFactory(
        project=project,
        name="钢结构吊装",
        planned_start=dt.date(2026, 10, 1),
        planned_end=dt.date(2026, 11, 10),
    )
    MilestoneFactory(
        project=project,
        name="竣工验收",
        planned_start=dt.date(2026, 12, 1),
        planned_end=dt.date(2027, 3, 1),
    )
    MilestoneFactory(
        project=project,
        name="基础施工",
        planned_start=dt.date(2026, 3, 1),
        planned_end=dt.date(2026, 6, 1),
        actual_end=dt.date(2026, 6, 1),
    )
    # when
    start = reporting.prefill(project, "2026-W48")
    # then last week's figures come back, only the changes are asked
    assert start["week"] == W48
    assert start["week_label"] == "2026-W48"
    assert start["percent_complete"] == 20
    assert start["progress_text"] == "主体三层封顶"
    assert start["cumulative_before"] == Decimal("500000.00")
    assert start["last_invested_this_week"] == Decimal("500000.00")
    assert start["existing"] is None
    assert start["milestones_due"] == [due]
    assert start["milestones_open"] == [overdue, due]


def test_prefill_of_a_first_report_starts_empty(world: Any, project: Project) -> None:
    start = reporting.prefill(project, W48)
    assert start["previous"] is None
    assert start["percent_complete"] == 0
    assert start["progress_text"] == ""
    assert start["cumulative_before"] == 0


def test_prefill_shows_an_existing_report(world: Any, project: Project) -> None:
    report = submit(world, project, W48)
    assert reporting.prefill(project, W48)["existing"] == report


# --------------------------------------------------------------------------- derived figures


def test_cumulative_and_yearly_figures_are_derived(world: Any, project: Project) -> None:
    # when three weeks are reported (this week's figures only)
    submit(world, project, W45, "100", 10, today=dt.date(2026, 11, 6))
    submit(world, project, W46, "50.5", 15, today=dt.date(2026, 11, 13))
    last = submit(world, project, W47, "0", 15, today=dt.date(2026, 11, 20))
    # then the running totals are derived
    rows = list(WeeklyReport.objects.filter(project=project).order_by("week"))
    assert [r.cumulative_invested for r in rows] == [
        Decimal("1000000.00"),
        Decimal("1505000.00"),
        Decimal("1505000.00"),
    ]
    assert [r.year_invested for r in rows] == [r.cumulative_invested for r in rows]
    assert last.cumulative_invested == Decimal("1505000.00")
    # and the project follows the latest week
    project.refresh_from_db()
    assert project.invested_total == Decimal("1505000.00")
    assert project.invested_year == Decimal("1505000.00")
    assert project.invested_year_of == 2026
    assert project.percent_complete == 15
    assert project.last_report_week == W47


def test_late_report_for_an_earlier_week_recomputes_the_later_rows(
    world: Any, project: Project
) -> None:
    # given W45 and W47 reported, W46 missing
    submit(world, project, W45, "100", 10, today=dt.date(2026, 11, 6))
    submit(world, project, W47, "20", 30, today=dt.date(2026, 11, 20))
    # when W46 comes in late
    late = submit(world, project, W46, "30", 20, today=dt.date(2026, 11, 25))
    # then it slots in and W47's totals include it
    assert late.cumulative_invested == Decimal("1300000.00")
    assert late.is_late
    w47 = WeeklyReport.objects.get(project=project, week=W47)
    assert w47.cumulative_invested == Decimal("1500000.00")
    assert w47.year_invested == Decimal("1500000.00")
    project.refresh_from_db()
    assert project.invested_total == Decimal("1500000.00")
    assert project.last_report_week == W47
    assert project.percent_complete == 30


def test_late_report_percent_must_fit_between_its_neighbours(world: Any, project: Project) -> None:
    submit(world, project, W45, "1", 10, today=dt.date(2026, 11, 6))
    submit(world, project, W47, "1", 30, today=dt.date(2026, 11, 20))
    errors = refused(lambda: submit(world, project, W46, "1", 35))
    assert "30%" in errors["percent_complete"][0]
    assert "2026-W47" in errors["percent_complete"][0]
    assert not WeeklyReport.objects.filter(week=W46).exists()


def test_yearly_figure_restarts_with_the_iso_year(world: Any, project: Project) -> None:
    # 2026-W01 begins on Monday 2025-12-29 and counts for 2026
    submit(world, project, "2025-W52", "40", 10, today=dt.date(2025, 12, 26))
    first = submit(world, project, "2026-W01", "15", 12, today=dt.date(2026, 1, 2))
    assert first.week == dt.date(2025, 12, 29)
    assert first.cumulative_invested == Decimal("550000.00")
    assert first.year_invested == Decimal("150000.00")
    project.refresh_from_db()
    assert project.invested_year == Decimal("150000.00")
    assert project.invested_year_of == 2026


def test_cumulative_figure_may_be_given_instead(world: Any, project: Project) -> None:
    # given 150万 reported so far
    submit(world, project, W46, "150", 10, today=dt.date(2026, 11, 13))
    # when the cumulative 180万 is typed for W47 (an Excel import)
    report = reporting.submit_report(
        actor=world.user("town_a"),
        project=project,
        week=W47,
        cumulative_invested=Decimal("1800000"),
        progress_text="",
        percent_complete=12,
        today=dt.date(2026, 11, 20),
    )
    # then this week's figure is the difference
    assert report.invested_this_week == Decimal("300000.00")
    assert report.cumulative_invested == Decimal("1800000.00")


def test_cumulative_figure_that_goes_down_is_refused(world: Any, project: Project) -> None:
    submit(world, project, W46, "150", 10, today=dt.date(2026, 11, 13))
    errors = refused(
        lambda: reporting.submit_report(
            actor=world.user("town_a"),
            project=project,
            week=W47,
            cumulative_invested="1200000",
            progress_text="",
            percent_complete=12,
            today=dt.date(2026, 11, 20),
        )
    )
    message = errors["cumulative_invested"][0]
    assert "cannot be lower" in message
    assert "150.00万元" in message
    assert "2026-W46" in message
    assert WeeklyReport.objects.filter(project=project).count() == 1


def test_late_cumulative_figure_may_not_exceed_the_following_weeks(
    world: Any, project: Project
) -> None:
    # given W45 = 100万 and W47 = 50万 more, so 150万 by W47; W46 missing
    submit(world, project, W45, "100", 10, today=dt.date(2026, 11, 6))
    submit(world, project, W47, "50", 20, today=dt.date(2026, 11, 20))

    def late_cumulative(wan: str) -> WeeklyReport:
        return reporting.submit_report(
            actor=world.user("town_a"),
            project=project,
            week=W46,
            cumulative_invested=Decimal(wan) * WAN,
            percent_complete=15,
            today=TODAY,
        )

    # when W46 comes late saying 200万 by then: more than the 150万 reported by W47
    errors = refused(lambda: late_cumulative("200"))
    message = errors["cumulative_invested"][0]
    assert "cannot exceed the following week's" in message
    assert "150.00万元" in message
    assert "2026-W47" in message
    assert not WeeklyReport.objects.filter(week=W46).exists()
    # but 120万 by W46 fits: W47 keeps its own 50万 and its running total moves up
    late = late_cumulative("120")
    assert late.invested_this_week == Decimal("200000.00")
    assert list(
        WeeklyReport.objects.filter(project=project)
        .order_by("week")
        .values_list("cumulative_invested", flat=True)
    ) == [Decimal("1000000.00"), Decimal("1200000.00"), Decimal("1700000.00")]


def test_cumulative_and_this_week_must_agree(world: Any, project: Project) -> None:
    submit(world, project, W46, "150", 10, today=dt.date(2026, 11, 13))
    errors = refused(
        lambda: submit(world, project, W47, "20", 12, cumulative_invested=Decimal("1800000"))
    )
    assert "does not match" in errors["cumulative_invested"][0]


# --------------------------------------------------------------------------- refusals


def test_week_in_the_future_is_refused(world: Any, project: Project) -> None:
    errors = refused(lambda: submit(world, project, "2026-W49"))
    assert "2026-W49 has not begun" in errors["week"][0]
    assert not WeeklyReport.objects.exists()


def test_duplicate_week_is_refused(world: Any, project: Project) -> None:
    submit(world, project, W48)
    errors = refused(lambda: submit(world, project, "2026-W48", persona="industry"))
    assert errors["week"] == ["“大曹镇健身器材产业园” already has a report for 2026-W48."]
    assert WeeklyReport.objects.count() == 1


def test_unreadable_week_is_refused(world: Any, project: Project) -> None:
    errors = refused(lambda: submit(world, project, "week 48"))
    assert "ISO week" in errors["week"][0]


@pytest.mark.parametrize(
    ("wan", "message"),
    [("-1", "cannot be negative"), ("0.0000001", "at most two decimals"), (None, "0 if none")],
)
def test_bad_investment_is_refused(
    world: Any, project: Project, wan: str | None, message: str
) -> None:
    errors = refused(lambda: submit(world, project, W48, wan))
    assert message in errors["invested_this_week"][0]


@pytest.mark.parametrize("percent", [-1, 101, None, "half"])
def test_percent_outside_0_100_is_refused(world: Any, project: Project, percent: Any) -> None:
    errors = refused(lambda: submit(world, project, W48, "1", percent))
    assert "percent_complete" in errors


def test_percent_going_down_is_refused(world: Any, project: Project) -> None:
    submit(world, project, W47, "1", 40, today=dt.date(2026, 11, 20))
    errors = refused(lambda: submit(world, project, W48, "1", 35))
    assert errors["percent_complete"] == [
        "The percent complete cannot go down: 40% was reported for 2026-W47. If that was wrong, "
        "ask the ledger keeper to correct it."
    ]


def test_every_bad_field_is_named_at_once(world: Any, project: Project) -> None:
    errors = refused(lambda: submit(world, project, "2026-W50", "-5", 120))
    assert set(errors) == {"week", "invested_this_week", "percent_complete"}


def test_project_not_under_weekly_scheduling_is_refused(world: Any) -> None:
    lead = ProjectFactory(
        region=world.town_a, kind=ProjectKind.ATTRACTION, level="", status=ProjectStatus.LEAD
    )
    errors = refused(lambda: submit(world, lead, W48))
    assert "not under weekly scheduling" in errors["__all__"][0]


@pytest.mark.parametrize("persona", ["town_b", "bank", "judge", "auditor", "enterprise"])
def test_reporting_outside_ones_projects_is_refused(
    world: Any, project: Project, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        submit(world, project, W48, persona=persona)
    assert not WeeklyReport.objects.exists()


def test_enterprise_reports_its_own_project_only(world: Any, project: Project) -> None:
    own = EnterpriseFactory()
    user = world.user("enterprise")
    user.enterprise = own
    user.save()
    project.enterprise = own
    project.save()
    other = ProjectFactory(region=world.town_a, enterprise=EnterpriseFactory())
    assert submit(world, project, W48, persona="enterprise").submitted_by == user
    with pytest.raises(PermissionDenied):
        submit(world, other, W48, persona="enterprise")


def test_nothing_is_stored_when_a_problem_row_is_bad(
    world: Any, project: Project, media: Path
) -> None:
    # given a good report with a photo, a good problem and a problem without a title
    problems = [{"title": "用电报装慢", "category": "energy"}, {"title": " ", "category": "land"}]
    # when
    errors = refused(lambda: submit(world, project, W48, problems=problems, photos=[jpeg()]))
    # then the bad row is named and nothing is left behind, not even the file
    assert errors["problems"] == ["Problem 2: Say what the problem is."]
    assert not WeeklyReport.objects.exists()
    assert not Problem.objects.exists()
    assert not ReportPhoto.objects.exists()
    assert not AuditLog.objects.filter(content_type__model="weeklyreport").exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_a_file_that_is_no_picture_is_refused(world: Any, project: Project) -> None:
    fake = SimpleUploadedFile("progress.jpg", b"not an image at all", content_type="image/jpeg")
    errors = refused(lambda: submit(world, project, W48, photos=[fake]))
    assert errors["photos"] == ["“progress.jpg” is not a picture."]


def test_too_many_photos_are_refused(world: Any, project: Project) -> None:
    errors = refused(
        lambda: submit(
            world, project, W48, photos=[jpeg() for _ in range(reporting.MAX_PHOTOS + 1)]
        )
    )
    assert "At most 9 photos" in errors["photos"][0]


# --------------------------------------------------------------------------- late flag


def test_report_is_late_after_the_due_day(world: Any, project: Project) -> None:
    # due Friday 2026-11-20 for W47
    on_time = submit(world, project, W47, today=dt.date(2026, 11, 20))
    assert not on_time.is_late
    other = ProjectFactory(region=world.town_a)
    late = submit(world, other, W47, today=dt.date(2026, 11, 21))
    assert late.is_late


def test_due_day_comes_from_the_regions_settings(world: Any, project: Project) -> None:
    # the county wants reports on Wednesdays
    LedgerSettings.objects.create(region=Region.objects.get(code="371422"), report_due_weekday=3)
    assert submit(world, project, W48, today=dt.date(2026, 11, 26)).is_late
    other = ProjectFactory(region=world.town_a)
    assert not submit(world, other, W48, today=dt.date(2026, 11, 25)).is_late


# --------------------------------------------------------------------------- effects


def test_finished_milestones_get_their_actual_end(world: Any, project: Project) -> None:
    this_week = MilestoneFactory(
        project=project, planned_start=dt.date(2026, 10, 1), planned_end=dt.date(2026, 11, 27)
    )
    last_week = MilestoneFactory(
        project=project, planned_start=dt.date(2026, 10, 1), planned_end=dt.date(2026, 11, 20)
    )
    submit(world, project, W48, completed_milestones=[this_week.pk])
    submit(world, project, W47, completed_milestones=[last_week], percent=5)
    this_week.refresh_from_db()
    last_week.refresh_from_db()
    assert this_week.actual_end == TODAY  # reported within its week: today
    assert last_week.actual_end == dt.date(2026, 11, 22)  # a late report: the week's Sunday


def test_milestone_of_another_project_is_refused(world: Any, project: Project) -> None:
    foreign = MilestoneFactory(project=ProjectFactory(region=world.town_b))
    errors = refused(lambda: submit(world, project, W48, completed_milestones=[foreign.pk]))
    assert errors["completed_milestones"] == ["Choose milestones of this project."]


def test_report_is_audited(world: Any, project: Project) -> None:
    report = submit(world, project, W48)
    entry = AuditLog.objects.get(content_type__model="weeklyreport", object_id=str(report.pk))
    assert entry.actor == world.user("town_a")
    assert entry.after["invested_this_week"] == "100000.00"


def test_report_turns_a_grey_light_green(world: Any, project: Project) -> None:
    # given a project registered long ago whose W47 report (due 2026-11-20) is missing
    Project.objects.filter(pk=project.pk).update(created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    project.refresh_from_db()
    submit(world, project, W46, today=dt.date(2026, 11, 13))
    lights.refresh_light(project, today=TODAY)
    project.refresh_from_db()
    assert project.light == Light.GREY
    # when W47 is reported (late)
    submit(world, project, W47, percent=12)
    # then the light is recomputed at once
    project.refresh_from_db()
    assert project.light == Light.GREEN
    assert project.light_computed_on == TODAY


def test_problems_in_a_report_become_tracked_problems(world: Any, project: Project) -> None:
    # given an enterprise behind the project and the county's land bureau
    from jinmu.core.tests.factories import UnitFactory

    land_bureau = UnitFactory(name="自然资源局")
    project.enterprise = EnterpriseFactory()
    project.save()
    # when the report names two problems, one for a chosen unit and date
    report = submit(
        world,
        project,
        W48,
        problems=[
            {"title": "施工用电未接通", "category": "energy"},
            {
                "title": "土地证未办理",
                "category": "land",
                "owner_unit": land_bureau.pk,
                "due_on": "2026-12-31",
            },
        ],
    )
    # then each is tracked from the report with an owner and a due date
    power, land = Problem.objects.filter(report=report).order_by("pk")
    assert power.source == ProblemSource.WEEKLY_REPORT
    assert power.status == ProblemStatus.OPEN
    assert power.project == project
    assert power.enterprise == project.enterprise
    assert power.region_id == world.town_a.code
    assert power.owner_unit == world.town_a_unit  # the responsible unit by default
    assert power.due_on == dt.date(2026, 12, 9)  # 10 working days after Wednesday 11-25
    assert power.raised_by == world.user("town_a")
    assert land.owner_unit == land_bureau
    assert land.due_on == dt.date(2026, 12, 31)


def test_problem_with_an_unknown_unit_is_refused(world: Any, project: Project) -> None:
    errors = refused(
        lambda: submit(world, project, W48, problems=[{"title": "缺工", "owner_unit": 999999}])
    )
    assert errors["problems"] == ["Problem 1: Choose an existing unit."]


# --------------------------------------------------------------------------- missing and late


def test_missing_and_late_reports_of_a_week(world: Any, project: Project) -> None:
    # given, for W47 (due 2026-11-20): one on time, one late, one missing, one not monitored,
    # one registered after the deadline, one in another town
    early = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    on_time = project
    late = ProjectFactory(region=world.town_a, name="迟报项目")
    missing = ProjectFactory(region=world.town_a, name="漏报项目")
    finished = ProjectFactory(region=world.town_a, status=ProjectStatus.PRODUCING)
    newcomer = ProjectFactory(region=world.town_a, name="新项目")
    elsewhere = ProjectFactory(region=world.town_b, name="保店项目")
    Project.objects.exclude(pk=newcomer.pk).update(created_at=early)
    Project.objects.filter(pk=newcomer.pk).update(
        created_at=dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.UTC)
    )
    submit(world, on_time, W47, today=dt.date(2026, 11, 19))
    submit(world, late, W47, today=dt.date(2026, 11, 23))
    town_a = Project.objects.for_user(world.user("town_a"))
    # when / then
    assert list(reporting.missing_reports(town_a, W47, due_weekday=5)) == [missing]
    assert {p.pk for p in reporting.missing_reports(Project.objects.all(), "2026-W47")} == {
        missing.pk,
        newcomer.pk,
        elsewhere.pk,
    }
    assert [r.project for r in reporting.late_reports(town_a, W47)] == [late]
    assert reporting.report_counts(town_a, W47, due_weekday=5) == {
        "expected": 3,
        "submitted": 2,
        "on_time": 1,
        "late": 1,
        "missing": 1,
    }
    assert finished not in reporting.missing_reports(Project.objects.all(), W47)


def test_rederive_repairs_totals(world: Any, project: Project) -> None:
    submit(world, project, W46, "10", today=dt.date(2026, 11, 13))
    submit(world, project, W47, "20", today=dt.date(2026, 11, 20))
    WeeklyReport.objects.update(cumulative_invested=0, year_invested=0)
    assert reporting.rederive(project) == 2
    assert list(
        WeeklyReport.objects.order_by("week").values_list("cumulative_invested", flat=True)
    ) == [Decimal("100000.00"), Decimal("300000.00")]


def test_a_problem_for_a_unit_outside_the_county_is_refused_by_row(
    world: Any, project: Project
) -> None:
    """A bank cannot own a problem: the report is refused under `problems`, naming the row."""
    from jinmu.core.choices import UnitKind
    from jinmu.core.tests.factories import UnitFactory

    bank = UnitFactory(name="某银行宁津支行", kind=UnitKind.BANK)
    with pytest.raises(ValidationError) as refused:
        submit(
            world,
            project,
            "2026-W47",
            problems=[{"title": "贷款审批慢", "owner_unit": bank.pk}],
        )
    assert "problems" in refused.value.message_dict
    assert refused.value.message_dict["problems"][0].startswith(
        translation.gettext("Problem %(n)s: %(message)s").split("%")[0]
    )
    assert not WeeklyReport.objects.filter(project=project).exists()
    assert not Problem.objects.exists()
