"""Problem pool services: due dates on the working calendar, default owner, claim, resolve."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from jinmu.core.models import AuditLog, WorkdayOverride
from jinmu.core.services import StaleObjectError
from jinmu.core.tests.factories import UnitFactory
from jinmu.problems import services
from jinmu.problems.choices import ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.tests.factories import ProjectFactory

NATIONAL_DAY_EVE = dt.date(2026, 9, 30)  # Wednesday before the 2026 National Day week


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def project(world: Any) -> Any:
    return ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)


def raise_one(world: Any, project: Any, persona: str = "town_a", **kwargs: Any) -> Problem:
    kwargs.setdefault("today", dt.date(2026, 11, 25))
    kwargs.setdefault("title", "施工用电未接通")
    kwargs.setdefault("category", "energy")
    return services.raise_problem(actor=world.user(persona), project=project, **kwargs)


def test_default_due_date_skips_the_national_day_holiday(world: Any, project: Any) -> None:
    # 10 working days after 2026-09-30: 10-01..10-07 are holidays, Saturday 10-10 is a
    # working day (调休): 10-08, 09, 10, 12, 13, 14, 15, 16, 19, 20 → 2026-10-20
    problem = raise_one(world, project, today=NATIONAL_DAY_EVE)
    assert problem.due_on == dt.date(2026, 10, 20)
    # counting weekdays only would have given 2026-10-14
    assert services.default_due_date(world.town_a.code, NATIONAL_DAY_EVE).uncovered_years == set()


def test_county_override_moves_the_due_date(world: Any, project: Any) -> None:
    # the county declares Monday 2026-10-19 a day off (e.g. a local festival)
    WorkdayOverride.objects.create(
        region=world.county, date=dt.date(2026, 10, 19), is_workday=False
    )
    assert raise_one(world, project, today=NATIONAL_DAY_EVE).due_on == dt.date(2026, 10, 21)


def test_year_beyond_the_holiday_data_is_reported(world: Any) -> None:
    due = services.default_due_date(world.town_a.code, dt.date(2031, 3, 3))
    assert due.day == dt.date(2031, 3, 17)  # weekdays only
    assert 2031 in due.uncovered_years


def test_problem_defaults_and_audit(world: Any, project: Any) -> None:
    problem = raise_one(world, project)
    assert problem.owner_unit == world.town_a_unit
    assert problem.source == ProblemSource.MANUAL
    assert problem.status == ProblemStatus.OPEN
    assert problem.region_id == world.town_a.code
    assert problem.raised_on == dt.date(2026, 11, 25)
    assert AuditLog.objects.filter(
        content_type__model="problem", object_id=str(problem.pk)
    ).exists()


def test_bad_problem_is_refused_field_by_field(world: Any, project: Any) -> None:
    with pytest.raises(ValidationError) as info:
        raise_one(world, project, title="", category="weather", due_on=dt.date(2026, 11, 1))
    assert set(info.value.message_dict) == {"title", "category", "due_on"}
    assert not Problem.objects.exists()


def test_problem_outside_ones_scope_is_refused(world: Any, project: Any) -> None:
    for persona in ("town_b", "bank", "enterprise"):
        with pytest.raises(PermissionDenied):
            raise_one(world, project, persona=persona)


def test_owner_unit_claims_and_resolves(world: Any, project: Any) -> None:
    problem = raise_one(world, project)
    town_a = world.user("town_a")
    # another unit cannot take it on
    assert not services.can_claim(world.user("department"), problem)
    with pytest.raises(PermissionDenied):
        services.claim_problem(actor=world.user("department"), problem=problem)
    # the owner unit claims it
    claimed = services.claim_problem(actor=town_a, problem=problem, expected_version=1)
    assert claimed.status == ProblemStatus.CLAIMED
    assert claimed.claimed_by == town_a
    # a second claim is refused with the state it is in
    with pytest.raises(ValidationError) as info:
        services.claim_problem(actor=town_a, problem=problem)
    assert info.value.message_dict["status"] == ["This problem is already Claimed."]
    # resolving needs a resolution
    with pytest.raises(ValidationError) as info:
        services.resolve_problem(actor=town_a, problem=problem, resolution="  ")
    assert "resolution" in info.value.message_dict
    resolved = services.resolve_problem(
        actor=town_a,
        problem=problem,
        resolution="供电公司已架设临时线路",
        today=dt.date(2026, 11, 27),
    )
    assert resolved.status == ProblemStatus.RESOLVED
    assert resolved.resolved_on == dt.date(2026, 11, 27)
    assert resolved.resolution == "供电公司已架设临时线路"
    assert AuditLog.objects.filter(content_type__model="problem").count() == 3


def test_stale_claim_is_refused(world: Any, project: Any) -> None:
    problem = raise_one(world, project)
    services.resolve_problem(actor=world.user("industry"), problem=problem, resolution="已协调")
    with pytest.raises(StaleObjectError):
        services.claim_problem(actor=world.user("town_a"), problem=problem, expected_version=1)


def test_unowned_problem_goes_to_the_unit_that_claims_it(world: Any) -> None:
    project = ProjectFactory(region=world.town_a, responsible_unit=None)
    problem = raise_one(world, project, persona="industry")
    assert problem.owner_unit is None
    services.claim_problem(actor=world.user("department"), problem=problem)
    problem.refresh_from_db()
    assert problem.owner_unit == world.user("department").unit


def test_coordinator_resolves_for_any_unit_but_others_cannot(world: Any, project: Any) -> None:
    problem = raise_one(world, project, owner_unit=UnitFactory(name="自然资源局"))
    assert not services.can_resolve(world.user("town_a"), problem)
    assert not services.can_resolve(world.user("enterprise"), problem)
    with pytest.raises(PermissionDenied):
        services.resolve_problem(actor=world.user("town_a"), problem=problem, resolution="x")
    assert services.can_resolve(world.user("leader"), problem)


def test_overdue(world: Any, project: Any) -> None:
    problem = raise_one(world, project, due_on=dt.date(2026, 12, 1))
    assert not services.is_overdue(problem, dt.date(2026, 12, 1))
    assert services.is_overdue(problem, dt.date(2026, 12, 2))
    problem.status = ProblemStatus.RESOLVED
    assert not services.is_overdue(problem, dt.date(2026, 12, 2))


# --------------------------------------------------------------------------- owner units


@pytest.fixture
def foreign_units(world: Any) -> dict[str, Any]:
    """Units that must never own a problem of 宁津县: another county's department, an
    enterprise, a bank and a disbanded department; and the county leadership, which may."""
    from jinmu.core.choices import RegionLevel, UnitKind
    from jinmu.core.tests.factories import RegionFactory

    qingyun = RegionFactory(
        code="371423", name="庆云县", level=RegionLevel.COUNTY, parent=world.county.parent
    )
    return {
        "other_county": UnitFactory(name="庆云县自然资源局", region=qingyun),
        "enterprise": UnitFactory(name="某某机械有限公司", kind=UnitKind.ENTERPRISE),
        "bank": UnitFactory(name="宁津农商银行", kind=UnitKind.BANK),
        "inactive": UnitFactory(name="原招商局", is_active=False),
        "leadership": UnitFactory(name="县委县政府", kind=UnitKind.LEADERSHIP),
    }


def test_assignable_units_are_the_countys_working_units(
    world: Any, foreign_units: dict[str, Any]
) -> None:
    names = set(services.assignable_units(world.town_a.code).values_list("name", flat=True))
    assert {
        "产业办",
        "健身器材链长办",
        "大曹镇人民政府",
        "健身器材产业园",
        "工业和信息化局",
    } <= names
    assert "县委县政府" in names
    for key in ("other_county", "enterprise", "bank", "inactive"):
        assert foreign_units[key].name not in names
    # a county code and a town code of the county give the same units
    assert set(services.assignable_units(world.county.code)) == set(
        services.assignable_units(world.town_b.code)
    )


@pytest.mark.parametrize("key", ["other_county", "enterprise", "bank", "inactive"])
def test_owner_unit_outside_the_countys_working_units_is_refused(
    world: Any, project: Any, foreign_units: dict[str, Any], key: str
) -> None:
    with pytest.raises(ValidationError) as info:
        raise_one(world, project, owner_unit=foreign_units[key].pk)
    assert set(info.value.message_dict) == {"owner_unit"}
    assert not Problem.objects.exists()


def test_owner_unit_of_the_county_is_accepted(
    world: Any, project: Any, foreign_units: dict[str, Any]
) -> None:
    problem = raise_one(world, project, owner_unit=foreign_units["leadership"])
    assert problem.owner_unit == foreign_units["leadership"]
    assert raise_one(world, project, owner_unit=world.park.pk).owner_unit == world.park


def test_weekly_report_cannot_give_a_problem_to_a_bank(
    world: Any, project: Any, foreign_units: dict[str, Any]
) -> None:
    from jinmu.projects import reporting
    from jinmu.projects.models import WeeklyReport

    def submit(owner: Any) -> WeeklyReport:
        return reporting.submit_report(
            actor=world.user("town_a"),
            project=project,
            week=dt.date(2026, 11, 16),
            invested_this_week="1000000",
            percent_complete=10,
            problems=[{"title": "贷款未放款", "owner_unit": owner.pk}],
            today=dt.date(2026, 11, 25),
        )

    with pytest.raises(ValidationError) as info:
        submit(foreign_units["bank"])
    assert services.unassignable_message() in str(info.value.messages)
    assert not Problem.objects.exists()
    assert not WeeklyReport.objects.exists()
    # the same report with a department of the county goes through
    submit(world.town_a_unit)
    assert Problem.objects.get().owner_unit == world.town_a_unit


# --------------------------------------------------------------------------- park scope


def test_park_sees_problems_of_its_projects_not_of_its_enterprises_elsewhere(
    world: Any,
) -> None:
    from jinmu.enterprises.tests.factories import EnterpriseFactory

    firm = EnterpriseFactory(name="园区健身器材有限公司", park=world.park)
    inside = ProjectFactory(region=world.town_a, park=world.park, enterprise=firm, name="园内项目")
    outside = ProjectFactory(region=world.town_b, enterprise=firm, name="园外项目")
    industry = world.user("industry")
    mine = services.raise_problem(actor=industry, title="园内缺电", project=inside)
    elsewhere = services.raise_problem(actor=industry, title="园外缺地", project=outside)
    loose = services.raise_problem(actor=industry, title="企业融资难", enterprise=firm)

    visible = set(Problem.objects.for_user(world.user("park")))
    assert visible == {mine, loose}
    assert elsewhere not in visible
