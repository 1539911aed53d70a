"""The demo's project ledger: the article's figures, every stage and light, consistent reports."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jinmu.chains.queries import node_gaps
from jinmu.core.models import AuditLog, User
from jinmu.demo import DEFAULT_ENTERPRISES, DEFAULT_SEED, DemoSummary, build_demo
from jinmu.enterprises.choices import EnterpriseScale
from jinmu.enterprises.models import Enterprise
from jinmu.problems.choices import UNRESOLVED, ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects import approvals, leads, reporting
from jinmu.projects.bulletin import weekly_bulletin
from jinmu.projects.choices import (
    LIFECYCLES,
    MONITORED,
    Light,
    PlanState,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Purpose,
    RenovationDirection,
)
from jinmu.projects.lights import compute_light
from jinmu.projects.models import (
    YI,
    ApprovalItem,
    Baseline,
    Milestone,
    Project,
    ProjectTag,
    ProjectYearPlan,
    WeeklyReport,
)
from jinmu.projects.planning import baseline_snapshot
from jinmu.projects.weeks import latest_due_week, monday_of

# A Wednesday: last week's reports are due, this week's are coming in.
DAY = dt.date(2026, 11, 18)
DUE_WEEK = dt.date(2026, 11, 9)
COUNTY = "371422"
ALL_LIGHTS = {Light.GREEN, Light.YELLOW, Light.RED, Light.GREY}


def _county_keys() -> Any:
    return Project.objects.filter(kind=ProjectKind.KEY, level=ProjectLevel.COUNTY)


def _monitored() -> list[Project]:
    return [p for p in Project.objects.all() if p.status in MONITORED[p.kind]]


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The full demo (3,000 firms) built once for the class, rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo(seed=DEFAULT_SEED, enterprises=DEFAULT_ENTERPRISES, today=DAY)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestFullDemo:
    """What the demo county's ledger holds on a fixed day."""

    def test_45_county_key_projects_total_exactly_291_3_yi(self) -> None:
        # when the demo is built (fixture); then
        keys = _county_keys()
        assert keys.count() == 45
        assert keys.aggregate(total=Sum("total_investment"))["total"] == Decimal("29130000000")
        assert keys.filter(total_investment__gte=10 * YI).count() >= 3
        assert Project.objects.filter(kind=ProjectKind.KEY, level=ProjectLevel.CITY).exists()
        assert Project.objects.filter(kind=ProjectKind.KEY, level=ProjectLevel.PROVINCE).exists()
        for project in keys.select_related("responsible_unit", "leader", "chain", "node"):
            assert project.responsible_unit is not None, project.name
            assert project.leader is not None, project.name
            assert project.responsible_person
            assert project.node is None or project.node.chain_id == project.chain_id
        chains = set(keys.exclude(chain=None).values_list("chain__name", flat=True))
        assert {"健身器材", "电梯", "实木家具", "智能装备", "网带网链", "农机"} <= chains
        assert keys.exclude(enterprise=None).count() >= 25
        plans = ProjectYearPlan.objects.filter(project__in=keys, year=DAY.year)
        assert plans.count() == 45
        started = keys.exclude(actual_start=None)
        registered = started.exclude(statistics_registered_on=None)
        assert registered.count() >= 0.8 * started.count()
        assert keys.filter(status=ProjectStatus.PREPARING, planned_start__gt=DAY).exists()

    def test_the_three_named_attraction_projects_fill_gaps_of_their_chains(self) -> None:
        # then each is an attraction project aimed at a node the gap analysis flags
        expected = {"常州姆驰": "健身器材", "浙江武义": "健身器材", "沈阳蓝光": "电梯"}
        for investor, chain in expected.items():
            project = Project.objects.select_related("chain", "node").get(investor=investor)
            assert project.kind == ProjectKind.ATTRACTION
            assert project.purpose == Purpose.FILL
            assert project.chain is not None
            assert project.chain.name == chain
            assert project.node is not None
            assert project.node.chain_id == project.chain_id
            gap = next(g for g in node_gaps(project.chain) if g.node.pk == project.node.pk)
            assert gap.is_gap, project.name
            assert project.status in MONITORED[ProjectKind.ATTRACTION]
            assert project.light in ALL_LIGHTS
        named = Project.objects.filter(investor__in=expected)
        assert dict(named.values_list("investor", "node__name")) == {
            "常州姆驰": "电机与驱动",
            "浙江武义": "控制板与显示屏",
            "沈阳蓝光": "曳引机",
        }

    def test_attraction_pipeline_has_every_stage_and_the_article_targets(self) -> None:
        # then
        projects = Project.objects.filter(kind=ProjectKind.ATTRACTION)
        assert projects.count() >= 40
        assert projects.filter(total_investment__gte=YI).count() >= 35
        assert projects.filter(total_investment__gte=10 * YI).count() >= 3
        assert set(projects.values_list("status", flat=True)) == set(
            LIFECYCLES[ProjectKind.ATTRACTION]
        )
        assert projects.filter(status=ProjectStatus.TERMINATED).count() >= 2
        origins = Counter(projects.values_list("origin_province", flat=True))
        assert origins["山东省"] <= 0.2 * projects.count()
        assert {"江苏省", "浙江省", "广东省", "辽宁省", "北京市"} <= set(origins)
        for project in projects:
            assert project.investor
            assert project.referrer
            assert project.origin_city
            assert project.lead_registered_on is not None
            assert project.chain_id is not None
            assert project.node_id is not None
        owners = projects.exclude(lead_owner=None).values_list("lead_owner__username", flat=True)
        assert set(owners) <= set(User.objects.values_list("username", flat=True))
        states = Counter(
            leads.lead_state(leads.lead_deadlines(p, today=DAY))
            for p in projects.filter(status__in=leads.OPEN_STATES)
        )
        assert states[leads.OVERDUE] >= 2
        assert states[leads.DUE] >= 2
        signed = projects.exclude(signed_on=None)
        for project in signed:
            assert project.lead_registered_on is not None
            assert project.signed_on is not None
            assert project.lead_registered_on <= project.signed_on <= DAY

    def test_120_renovations_of_above_scale_firms_leave_some_firms_without(self) -> None:
        # then
        renovations = Project.objects.filter(kind=ProjectKind.RENOVATION)
        assert renovations.count() == 120
        assert renovations.filter(total_investment__gte=Decimal("5000000")).count() >= 100
        assert set(renovations.values_list("direction", flat=True)) == set(
            RenovationDirection.values
        )
        owners = set(renovations.values_list("enterprise_id", flat=True))
        above = set(
            Enterprise.objects.filter(scale=EnterpriseScale.ABOVE).values_list("pk", flat=True)
        )
        assert owners <= above
        assert len(above - owners) >= 20
        for project in renovations:
            assert project.equipment_investment is not None
            assert project.total_investment is not None
            assert project.equipment_investment <= project.total_investment

    def test_bonds_and_challenges_span_their_lifecycles(self) -> None:
        # then
        bonds = Project.objects.filter(kind=ProjectKind.BOND)
        assert bonds.count() >= 10
        assert len(set(bonds.values_list("status", flat=True))) >= 6
        for bond in bonds:
            assert bond.bond_requested is not None
            assert bond.coverage_ratio is not None
            assert Decimal("1.3") <= bond.coverage_ratio <= Decimal("2.1")
            if bond.bond_issued is not None:
                assert bond.bond_issued <= bond.bond_requested
            if bond.bond_disbursed is not None:
                assert bond.bond_issued is not None
                assert bond.bond_disbursed <= bond.bond_issued
        assert bonds.exclude(bond_disbursed=None).count() >= 3
        challenges = Project.objects.filter(kind=ProjectKind.CHALLENGE)
        assert challenges.count() >= 3
        assert challenges.values("status").distinct().count() == challenges.count()
        reviewed = challenges.exclude(review_score=None)
        assert reviewed.count() >= 2
        for challenge in reviewed:
            scores = list(challenge.reviews.values_list("score", flat=True))
            average = sum(scores, Decimal(0)) / len(scores)
            assert challenge.review_score == average.quantize(Decimal("0.01"))
            assert challenge.solver
            assert challenge.enterprise_id
            assert challenge.reward

    def test_the_shuang_shi_list_holds_about_ten_projects(self) -> None:
        # then
        shuang_shi = ProjectTag.objects.get(name="双十项目库")
        assert 8 <= shuang_shi.projects.count() <= 12
        assert ProjectTag.objects.count() >= 2

    def test_battle_maps_are_approved_with_baselines_some_replanned_some_late(self) -> None:
        # then every key project and every big attraction project under way has a plan
        planned = Project.objects.filter(kind=ProjectKind.KEY) | Project.objects.filter(
            kind=ProjectKind.ATTRACTION,
            status__in=(ProjectStatus.STARTED, ProjectStatus.COMPLETED),
            total_investment__gte=YI,
        )
        for project in planned:
            milestones = list(project.milestones.select_related("owner_unit"))
            assert 5 <= len(milestones) <= 8, project.name
            assert all(m.owner_unit is not None for m in milestones)
            assert all(m.planned_start <= m.planned_end for m in milestones)
            assert project.plan_state in (PlanState.APPROVED, PlanState.REPLANNING)
            first = project.baselines.get(number=1)
            assert [e["id"] for e in first.milestones] == [m.pk for m in milestones]
        replanned = Baseline.objects.filter(number=2)
        assert replanned.count() >= 3
        for baseline in replanned:
            assert baseline.reason
            milestones = list(baseline.project.milestones.select_related("owner_unit"))
            assert baseline.milestones == baseline_snapshot(milestones)
            assert baseline.project.baselines.get(number=1).milestones != baseline.milestones
        pending = Project.objects.filter(plan_state=PlanState.REPLANNING)
        assert pending.count() == 1
        assert pending.get().replan_reason
        late = Milestone.objects.filter(planned_end__lt=DAY, actual_end=None)
        assert late.values("project").distinct().count() >= 5

    def test_approvals_show_land_to_start_and_title_on_delivery_both_ways(self) -> None:
        # then
        keys = Project.objects.filter(kind=ProjectKind.KEY)
        kinds = set(ApprovalItem.objects.filter(project__in=keys).values_list("kind", flat=True))
        assert {"land", "planning", "construction", "environment", "title"} <= kinds
        verdicts = [approvals.verdicts(p, today=DAY) for p in keys.exclude(actual_start=None)]
        start_states = Counter(v[0].state for v in verdicts)
        title_states = Counter(v[1].state for v in verdicts)
        assert start_states["achieved"] >= 5
        assert start_states["late"] >= 5
        assert title_states["achieved"] >= 5
        assert title_states["late"] + title_states["waiting"] >= 5

    def test_twenty_weeks_of_reports_with_gaps_and_late_ones(self) -> None:
        # then
        weeks = sorted(set(WeeklyReport.objects.values_list("week", flat=True)))
        assert latest_due_week(DAY, 5) == DUE_WEEK
        assert weeks[-1] == monday_of(DAY)  # early reporters of the week under way
        assert weeks[-21:-1] == [DUE_WEEK - dt.timedelta(weeks=i) for i in range(19, -1, -1)]
        assert WeeklyReport.objects.filter(is_late=True).count() >= 100
        assert WeeklyReport.objects.filter(is_late=True, week=DUE_WEEK).exists()
        missing = [p for p in _monitored() if not p.reports.filter(week=DUE_WEEK).exists()]
        assert 5 <= len(missing) <= 40
        for report in WeeklyReport.objects.filter(week__gte=DUE_WEEK - dt.timedelta(weeks=2)):
            submitted = timezone.localtime(report.submitted_at).date()
            assert report.week <= submitted <= DAY
            assert report.is_late == (submitted > report.week + dt.timedelta(days=4))

    def test_derived_report_figures_are_what_the_report_service_computes(self) -> None:
        # then the running sums and the project's figures follow every report
        by_project: dict[int, list[WeeklyReport]] = defaultdict(list)
        for report in WeeklyReport.objects.order_by("project_id", "week"):
            by_project[report.project_id].append(report)
        projects = Project.objects.in_bulk(list(by_project))
        for pk, reports in by_project.items():
            total = Decimal(0)
            years: Counter[int] = Counter()
            percent = 0
            for report in reports:
                year = reporting.iso_year(report.week)
                total += report.invested_this_week
                years[year] += int(report.invested_this_week * 100)
                assert report.cumulative_invested == total
                assert report.year_invested * 100 == years[year]
                assert report.percent_complete >= percent
                percent = report.percent_complete
            project, last = projects[pk], reports[-1]
            assert project.invested_total == last.cumulative_invested
            assert project.invested_year == last.year_invested
            assert project.invested_year_of == reporting.iso_year(last.week)
            assert project.percent_complete == last.percent_complete
            assert project.last_report_week == last.week
        assert sum(reporting.rederive(p) for p in projects.values()) == 0

    def test_every_monitored_project_has_a_light_and_every_colour_appears(self) -> None:
        # then
        for project in Project.objects.all():
            monitored = project.status in MONITORED[project.kind]
            assert (project.light != "") == monitored, project.name
            if monitored:
                assert project.light_computed_on == DAY
                assert project.light == compute_light(project, today=DAY).light, project.name
        assert set(_county_keys().values_list("light", flat=True)) == ALL_LIGHTS
        for kind in (ProjectKind.ATTRACTION, ProjectKind.RENOVATION):
            lights = set(
                Project.objects.filter(kind=kind).exclude(light="").values_list("light", flat=True)
            )
            assert {Light.GREEN, Light.YELLOW, Light.RED} <= lights, kind

    def test_problems_raised_in_reports_have_owners_and_due_dates(self) -> None:
        # then
        problems = Problem.objects.select_related("report", "owner_unit")
        assert problems.count() >= 30
        for problem in problems:
            assert problem.source == ProblemSource.WEEKLY_REPORT
            assert problem.report is not None
            assert problem.project_id == problem.report.project_id
            assert problem.owner_unit is not None
            assert problem.due_on is not None
            assert problem.due_on > problem.raised_on
        owners = set(problems.values_list("owner_unit__short_name", flat=True))
        assert {"自然资源局", "行政审批局", "供电公司"} <= owners
        assert problems.filter(status=ProblemStatus.RESOLVED).exclude(resolution="").exists()
        assert problems.filter(status__in=UNRESOLVED, due_on__lt=DAY).count() >= 5
        assert problems.filter(status__in=UNRESOLVED, due_on__gte=DAY).exists()

    def test_the_current_weeks_bulletin_has_data(self) -> None:
        # when
        bulletin = weekly_bulletin(region_code=COUNTY, week=DAY, today=DAY)
        last_week = weekly_bulletin(region_code=COUNTY, week=DUE_WEEK, today=DAY)
        # then
        assert bulletin.week == monday_of(DAY)
        assert bulletin.overall.reported > 0
        assert bulletin.overall.completed_week > 0
        assert bulletin.overall.planned_year > 0
        assert bulletin.red
        assert bulletin.yellow
        assert bulletin.problems_by_unit
        assert last_week.overall.reported >= 0.85 * last_week.overall.monitored
        assert last_week.missing
        assert last_week.late

    def test_seed_rows_are_audited_with_one_summary_row_per_model(self, demo: DemoSummary) -> None:
        # then
        for model in (Project, WeeklyReport, Milestone, Baseline, Problem):
            rows = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(model))
            assert rows.count() == 1, model
            entry = rows.get()
            assert entry.object_id == "*"
            assert entry.after is not None
            assert entry.after["rows"] == model.objects.count()
            assert demo.created[model._meta.label] == model.objects.count()

    def test_rows_added_after_the_demo_get_fresh_ids(self) -> None:
        # given the ids the demo assigned itself (PostgreSQL: the sequences must follow)
        tops = {
            model: max(model.objects.values_list("pk", flat=True))
            for model in (Project, Milestone, WeeklyReport, Problem)
        }
        # when the ledger grows through the ORM
        project = Project.objects.create(
            region_id=COUNTY, name="新项目", kind=ProjectKind.KEY, level=ProjectLevel.COUNTY
        )
        milestone = Milestone.objects.create(
            project=project, region_id=COUNTY, name="开工", planned_start=DAY, planned_end=DAY
        )
        report = WeeklyReport.objects.create(
            project=project,
            region_id=COUNTY,
            week=DUE_WEEK,
            invested_this_week=Decimal(0),
            percent_complete=0,
            submitted_at=timezone.now(),
        )
        problem = Problem.objects.create(
            region_id=COUNTY, title="问题", source=ProblemSource.MANUAL, raised_on=DAY
        )
        # then
        assert project.pk > tops[Project]
        assert milestone.pk > tops[Milestone]
        assert report.pk > tops[WeeklyReport]
        assert problem.pk > tops[Problem]

    def test_the_demo_enterprise_user_sees_its_own_projects(self) -> None:
        # given
        user = User.objects.get(username="enterprise")
        # when
        visible = Project.objects.for_user(user)
        # then
        assert set(visible.values_list("kind", flat=True)) >= {
            ProjectKind.KEY,
            ProjectKind.RENOVATION,
        }
        assert set(visible.values_list("enterprise_id", flat=True)) == {user.enterprise_id}


def _fingerprint() -> str:
    rows = list(
        Project.objects.order_by("code").values_list(
            "code", "name", "status", "total_investment", "light", "invested_total"
        )
    )
    reports = WeeklyReport.objects.aggregate(n=Sum("invested_this_week"))
    return hashlib.sha256(repr((rows, reports)).encode()).hexdigest()


@pytest.mark.django_db
def test_same_seed_and_day_give_the_same_ledger() -> None:
    # given two builds with the same seed and day, and one with another seed (each rolled back)
    def build(seed: int) -> tuple[str, Decimal]:
        with transaction.atomic():
            build_demo(seed=seed, enterprises=300, today=DAY)
            keys = _county_keys().aggregate(total=Sum("total_investment"))["total"]
            fingerprint = _fingerprint()
            transaction.set_rollback(True)
        return fingerprint, keys

    # when
    first, second, other = build(5), build(5), build(6)
    # then
    assert first == second
    assert first[0] != other[0]
    assert first[1] == other[1] == Decimal("29130000000")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day",
    [
        dt.date(2026, 1, 5),  # a Monday in the first week of the year
        dt.date(2026, 3, 14),  # a Saturday: this week's reports are due
        dt.date(2026, 7, 1),
        dt.date(2027, 12, 30),  # the last days of a year
    ],
)
def test_every_light_colour_appears_on_any_day(day: dt.date) -> None:
    # when the demo is built on that day
    build_demo(seed=DEFAULT_SEED, enterprises=300, today=day)
    # then
    keys = _county_keys()
    assert keys.count() == 45
    assert keys.aggregate(total=Sum("total_investment"))["total"] == Decimal("29130000000")
    assert set(keys.values_list("light", flat=True)) == ALL_LIGHTS
    due = latest_due_week(day, 5)
    for project in _monitored():
        assert project.light in ALL_LIGHTS
    facts = (
        "actual_start",
        "actual_completion",
        "statistics_registered_on",
        "signed_on",
        "lead_registered_on",
        "lead_owner_named_on",
        "lead_assessed_on",
        "lead_feedback_on",
        "lead_followed_up_on",
    )
    for project in Project.objects.all():
        assert timezone.localtime(project.created_at).date() <= day
        for name in facts:
            value = getattr(project, name)
            assert value is None or value <= day, (project.name, name)
    assert not Milestone.objects.filter(actual_end__gt=day).exists()
    assert not Milestone.objects.filter(actual_start__gt=day).exists()
    assert not ApprovalItem.objects.filter(actual_on__gt=day).exists()
    reported = WeeklyReport.objects.filter(week=due).count()
    assert reported >= 0.8 * len(_monitored())
    assert not WeeklyReport.objects.filter(week__gt=monday_of(day)).exists()
    assert not WeeklyReport.objects.filter(submitted_at__date__gt=day).exists()
    assert all(p.planned_investment > 0 for p in ProjectYearPlan.objects.all())
