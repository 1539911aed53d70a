"""Target writes: units, value checks, decomposition sums, drafts, reported values, rights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinmu.chains.tests.factories import ChainFactory
from jinmu.core.models import AuditLog
from jinmu.core.services import StaleObjectError
from jinmu.targets import services
from jinmu.targets.extraction import extract
from jinmu.targets.models import Indicator, ReportedValue, Target

YEAR = 2026


def indicator(code: str) -> Indicator:
    """A catalogue row (loaded by the data migration)."""
    return Indicator.objects.get(code=code)


def high_tech_target(world: Any, **overrides: Any) -> Target:
    """The county's goal of 30 new high-tech enterprises, set by the industry office."""
    data: dict[str, Any] = {
        "indicator": indicator("high-tech-new"),
        "name": "国家级高新技术企业",
        "year": YEAR,
        "value": Decimal(30),
        "bound": "at_least",
        "unit": "家",
        **overrides,
    }
    return services.create_target(actor=world.user("industry"), data=data)


def test_create_target_is_audited_in_the_actors_region(world: Any) -> None:
    target = high_tech_target(world)
    assert target.region_id == world.county.code
    assert target.created_by == world.user("industry")
    assert AuditLog.objects.filter(object_id=str(target.pk), action="create").exists()


def test_unit_that_does_not_fit_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        high_tech_target(world, unit="亿元")
    assert "unit" in error.value.message_dict
    assert not Target.objects.exists()


def test_negative_value_and_bad_range_are_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        high_tech_target(world, value=Decimal(-1))
    assert "value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        high_tech_target(world, bound="range", value_high=Decimal(20))
    assert "value_high" in error.value.message_dict
    assert not Target.objects.exists()


def test_money_in_wan_yuan_is_stored_in_the_indicators_yi_yuan(world: Any) -> None:
    target = services.create_target(
        actor=world.user("industry"),
        data={
            "indicator": indicator("investment-completed"),
            "name": "完成投资",
            "year": YEAR,
            "value": Decimal(50000),
            "bound": "at_least",
            "unit": "万元",
        },
    )
    assert (target.value, target.unit) == (Decimal(5), "亿元")


@pytest.mark.parametrize("persona", ["town_a", "department", "leader", "bank", "chain"])
def test_only_the_industry_office_and_admin_set_targets(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.create_target(
            actor=world.user(persona),
            data={"indicator": indicator("high-tech-new"), "year": YEAR, "value": 1},
        )


def test_admin_may_set_targets(world: Any) -> None:
    target = services.create_target(
        actor=world.user("admin"),
        data={
            "indicator": indicator("cloud-new"),
            "name": "上云企业",
            "year": YEAR,
            "value": 60,
            "bound": "exact",
            "unit": "家",
        },
    )
    assert target.pk


def test_update_checks_version_and_unit(world: Any) -> None:
    target = high_tech_target(world)
    updated = services.update_target(
        actor=world.user("industry"), target=target, data={"value": 35}, expected_version=1
    )
    assert updated.version == 2
    assert Target.objects.get(pk=target.pk).value == 35
    with pytest.raises(StaleObjectError):
        services.update_target(
            actor=world.user("industry"),
            target=Target.objects.get(pk=target.pk),
            data={"value": 40},
            expected_version=1,
        )
    with pytest.raises(ValidationError) as error:
        services.update_target(
            actor=world.user("industry"),
            target=Target.objects.get(pk=target.pk),
            data={"unit": "%"},
            expected_version=2,
        )
    assert "unit" in error.value.message_dict
    assert Target.objects.get(pk=target.pk).unit == "家"


def test_decompose_to_towns_park_and_chain(world: Any) -> None:
    target = high_tech_target(world)
    chain = ChainFactory(office=world.chain_office)
    parts = services.decompose(
        actor=world.user("industry"),
        target=target,
        parts=[
            {"town": world.town_a.code, "value": 10},
            {"town": world.town_b.code, "value": 8},
            {"unit": world.park.pk, "value": 5},
            {"chain": chain.pk, "value": 7},
        ],
    )
    assert [p.value for p in parts] == [10, 8, 5, 7]
    assert parts[0].region == world.town_a
    assert parts[0].responsible_unit == world.town_a_unit
    assert parts[2].responsible_unit == world.park
    assert parts[3].chain == chain
    assert parts[3].responsible_unit == world.chain_office
    assert all(p.parent == target and p.indicator_id == "high-tech-new" for p in parts)
    assert all((p.year, p.unit, p.bound) == (YEAR, "家", "at_least") for p in parts)


def test_parts_exceeding_the_whole_are_refused_and_nothing_stored(world: Any) -> None:
    target = high_tech_target(world)
    with pytest.raises(ValidationError) as error:
        services.decompose(
            actor=world.user("industry"),
            target=target,
            parts=[
                {"town": world.town_a.code, "value": 20},
                {"town": world.town_b.code, "value": 15},
            ],
        )
    assert error.value.message_dict["parts"] == ["各分解部分合计35，超过目标值30。"]
    assert target.parts.count() == 0


def test_parts_count_those_stored_before(world: Any) -> None:
    target = high_tech_target(world)
    services.decompose(
        actor=world.user("industry"),
        target=target,
        parts=[{"town": world.town_a.code, "value": 20}],
    )
    with pytest.raises(ValidationError):
        services.decompose(
            actor=world.user("industry"),
            target=target,
            parts=[{"town": world.town_b.code, "value": 11}],
        )
    assert target.parts.count() == 1


def test_bad_parts_are_refused_field_by_field(world: Any) -> None:
    target = high_tech_target(world)
    with pytest.raises(ValidationError) as error:
        services.decompose(
            actor=world.user("industry"),
            target=target,
            parts=[
                {"town": "999999999", "value": 1},
                {"unit": world.park.pk, "value": "many"},
                {"value": 1},
            ],
        )
    assert set(error.value.message_dict) == {"parts.0.town", "parts.1.value", "parts.2"}
    assert target.parts.count() == 0


def test_non_additive_target_allows_any_sum(world: Any) -> None:
    target = high_tech_target(world, additive=False)
    parts = services.decompose(
        actor=world.user("industry"),
        target=target,
        parts=[
            {"town": world.town_a.code, "value": 30},
            {"town": world.town_b.code, "value": 30},
        ],
    )
    assert len(parts) == 2


def test_raising_a_part_above_the_whole_is_refused(world: Any) -> None:
    target = high_tech_target(world)
    (part,) = services.decompose(
        actor=world.user("industry"),
        target=target,
        parts=[{"town": world.town_a.code, "value": 20}],
    )
    with pytest.raises(ValidationError):
        services.update_target(
            actor=world.user("industry"), target=part, data={"value": 31}, expected_version=1
        )
    assert Target.objects.get(pk=part.pk).value == 20


def test_town_may_not_decompose(world: Any) -> None:
    target = high_tech_target(world)
    with pytest.raises(PermissionDenied):
        services.decompose(
            actor=world.user("town_a"),
            target=target,
            parts=[{"town": world.town_a.code, "value": 1}],
        )


def test_extracted_drafts_become_targets(world: Any) -> None:
    drafts = [
        goal.to_dict() for goal in extract("年内新增国家级高新技术企业30家，新增上云企业60家。")
    ]
    drafts[1]["front"] = "innovation"
    drafts[1]["responsible_unit"] = world.industry_office.pk
    targets = services.targets_from_drafts(
        actor=world.user("industry"), region_code=world.county.code, year=YEAR, drafts=drafts
    )
    assert [(t.indicator_id, t.value, t.unit, t.period) for t in targets] == [
        ("high-tech-new", 30, "家", "year"),
        ("cloud-new", 60, "家", "year"),
    ]
    assert targets[0].source_sentence.startswith("年内新增国家级高新技术企业30家")
    assert targets[1].front == "innovation"
    assert targets[1].responsible_unit == world.industry_office


def test_user_chosen_indicator_and_range_draft(world: Any) -> None:
    (draft,) = [g.to_dict() for g in extract("上半年规上工业增加值增长5%—6%。")]
    draft["indicator_code"] = "industrial-value-added-growth"
    (target,) = services.targets_from_drafts(
        actor=world.user("industry"), region_code=world.county.code, year=YEAR, drafts=[draft]
    )
    assert (target.bound, target.value, target.value_high, target.period) == (
        "range",
        5,
        6,
        "h1",
    )


def test_an_unmapped_draft_stores_nothing(world: Any) -> None:
    drafts = [g.to_dict() for g in extract("年内新增国家级高新技术企业30家。")]
    drafts.append({**drafts[0], "indicator": "新建标准厂房", "unit": "万平方米"})
    drafts.append({**drafts[0], "unit": "亿元", "indicator_code": "high-tech-new"})
    with pytest.raises(ValidationError) as error:
        services.targets_from_drafts(
            actor=world.user("industry"), region_code=world.county.code, year=YEAR, drafts=drafts
        )
    assert set(error.value.message_dict) == {"drafts.1.indicator", "drafts.2.unit"}
    assert not Target.objects.exists()


def test_drafts_outside_the_actors_region_are_refused(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.targets_from_drafts(
            actor=world.user("industry"), region_code="110101", year=YEAR, drafts=[{}]
        )


def this_month() -> dt.date:
    """The first day of the current month."""
    return timezone.localdate().replace(day=1)


def next_month() -> dt.date:
    """The first day of the next month."""
    return (this_month() + dt.timedelta(days=32)).replace(day=1)


def report(world: Any, persona: str = "stats", **overrides: Any) -> ReportedValue:
    """Report the growth rate of the value added for this month."""
    kwargs: dict[str, Any] = {
        "indicator": indicator("industrial-value-added-growth"),
        "region_code": world.county.code,
        "month": this_month(),
        "value": Decimal("5.2"),
        "evidence": "统计局月报",
        **overrides,
    }
    return services.report_value(actor=world.user(persona), **kwargs)


def test_department_reports_a_value(world: Any) -> None:
    row = report(world)
    assert (row.value, row.month, row.reported_by) == (
        Decimal("5.2"),
        this_month(),
        world.user("stats"),
    )
    assert row.reporting_unit == world.user("stats").unit


def test_only_the_indicators_own_department_reports_it(world: Any) -> None:
    """工信局 may not enter (or overwrite) the statistics bureau's figure; the industry office
    may correct it, and the value keeps the bureau as its reporting unit."""
    with pytest.raises(PermissionDenied):
        report(world, persona="department")
    assert not ReportedValue.objects.exists()
    row = report(world)
    corrected = services.report_value(
        actor=world.user("industry"),
        indicator=row.indicator,
        region_code=world.county.code,
        month=row.month,
        value=Decimal("5.4"),
        evidence="统计局更正",
        expected_version=row.version,
    )
    assert corrected.value == Decimal("5.4")
    assert corrected.reporting_unit == world.user("stats").unit
    assert services.can_report_indicator(world.user("stats"), row.indicator)
    assert not services.can_report_indicator(world.user("department"), row.indicator)


def test_future_month_and_missing_evidence_are_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        report(world, month=next_month(), evidence=" ")
    assert set(error.value.message_dict) == {"month", "evidence"}
    assert not ReportedValue.objects.exists()


def test_measured_indicator_is_not_reported(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        report(world, indicator=indicator("high-tech-new"))
    assert "indicator" in error.value.message_dict


def test_one_value_per_month_corrected_with_its_version(world: Any) -> None:
    report(world)
    with pytest.raises(ValidationError) as error:
        report(world, value=6)
    assert "month" in error.value.message_dict
    corrected = report(world, value=6, expected_version=1)
    assert corrected.value == 6
    assert corrected.version == 2
    assert ReportedValue.objects.count() == 1


@pytest.mark.parametrize("persona", ["town_a", "bank", "chain", "leader"])
def test_others_may_not_report(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        report(world, persona)


def test_decomposed_target_keeps_its_indicator(world: Any) -> None:
    target = high_tech_target(world)
    services.decompose(
        actor=world.user("industry"), target=target, parts=[{"town": world.town_a.code, "value": 5}]
    )
    with pytest.raises(ValidationError) as error:
        services.update_target(
            actor=world.user("industry"),
            target=target,
            data={"indicator": indicator("cloud-new")},
            expected_version=1,
        )
    assert "indicator" in error.value.message_dict


def test_a_goal_given_to_a_town_lies_in_the_town(world: Any) -> None:
    """Holder and region decide who sees a target and what it counts: a county goal given to
    大曹镇 becomes 大曹镇's own (measured there, invisible to 保店镇); given to a town while
    set in another town it is refused."""
    target = high_tech_target(world, responsible_unit=world.town_a_unit)
    assert target.region_id == world.town_a.code
    assert Target.objects.for_user(world.user("town_a")).filter(pk=target.pk).exists()
    assert not Target.objects.for_user(world.user("town_b")).filter(pk=target.pk).exists()
    with pytest.raises(ValidationError) as error:
        high_tech_target(world, region=world.town_b, responsible_unit=world.town_a_unit)
    assert "responsible_unit" in error.value.message_dict


def test_moving_a_part_to_another_town_moves_its_region(world: Any) -> None:
    """Editing a town's part to 保店镇 takes it (and its measure) out of 大曹镇."""
    target = high_tech_target(world)
    (part,) = services.decompose(
        actor=world.user("industry"), target=target, parts=[{"town": world.town_a.code, "value": 5}]
    )
    services.update_target(
        actor=world.user("industry"),
        target=part,
        data={"responsible_unit": world.town_b_unit},
        expected_version=part.version,
    )
    part.refresh_from_db()
    assert (part.region_id, part.responsible_unit) == (world.town_b.code, world.town_b_unit)
    assert not Target.objects.for_user(world.user("town_a")).filter(pk=part.pk).exists()


def test_a_chain_office_answers_for_its_chain(world: Any) -> None:
    """A chain office as the holder brings its chain (so it is measured on the chain and seen
    by that office only); a chain kept by another office is refused."""
    chain = ChainFactory(office=world.chain_office)
    other = ChainFactory(office=world.other_chain_office)
    target = high_tech_target(world, responsible_unit=world.chain_office)
    assert target.chain == chain
    assert Target.objects.for_user(world.user("chain")).filter(pk=target.pk).exists()
    assert not Target.objects.for_user(world.user("other_chain")).filter(pk=target.pk).exists()
    with pytest.raises(ValidationError) as error:
        high_tech_target(world, responsible_unit=world.chain_office, chain=other)
    assert "chain" in error.value.message_dict


def test_a_unit_of_another_county_is_refused(world: Any) -> None:
    from jinmu.core.tests.factories import RegionFactory, UnitFactory

    elsewhere = RegionFactory(code="371423", name="庆云县", level="county")
    unit = UnitFactory(name="庆云县科技局", region=elsewhere)
    with pytest.raises(ValidationError) as error:
        high_tech_target(world, responsible_unit=unit)
    assert "responsible_unit" in error.value.message_dict
    assert not Target.objects.exists()


def test_a_part_keeps_what_it_inherits_and_the_whole_passes_changes_on(world: Any) -> None:
    """A part's year, period, bound … are its whole's; a decomposed whole keeps its year and
    unit but renaming it or moving it to another front renames and moves its parts."""
    target = high_tech_target(world)
    (part,) = services.decompose(
        actor=world.user("industry"), target=target, parts=[{"town": world.town_a.code, "value": 5}]
    )
    with pytest.raises(ValidationError) as error:
        services.update_target(
            actor=world.user("industry"),
            target=part,
            data={"year": 2031, "period": "q1", "value": Decimal(6)},
            expected_version=part.version,
        )
    assert set(error.value.message_dict) == {"year", "period"}
    with pytest.raises(ValidationError) as error:
        services.update_target(
            actor=world.user("industry"),
            target=target,
            data={"year": 2027},
            expected_version=target.version,
        )
    assert set(error.value.message_dict) == {"year"}
    services.update_target(
        actor=world.user("industry"),
        target=target,
        data={"name": "新增高新技术企业", "front": "innovation"},
        expected_version=target.version,
    )
    part.refresh_from_db()
    assert (part.name, part.front, part.year) == ("新增高新技术企业", "innovation", YEAR)


def test_converted_money_is_rounded_to_the_places_kept(world: Any) -> None:
    """1.5万元 for an indicator counted in 亿元 is 0.0002亿元, not a refusal for digits the
    user never typed."""
    target = services.create_target(
        actor=world.user("industry"),
        data={
            "indicator": indicator("investment-completed"),
            "name": "完成投资",
            "year": YEAR,
            "value": Decimal("1.5"),
            "bound": "at_least",
            "unit": "万元",
        },
    )
    target.refresh_from_db()
    assert (target.value, target.unit) == (Decimal("0.0002"), "亿元")
