"""过亿元 attraction eligibility (宣城 rules): thresholds exactly at the line, exclusions, the
"successfully attracted" stages, 过10亿, settings per region, and the SQL helpers against the
per-project verdict."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext as _

from jinmu.projects import eligibility as rules
from jinmu.projects.choices import AttractionExclusion, ProjectKind, ProjectStatus
from jinmu.projects.eligibility import eligibility
from jinmu.projects.models import LedgerSettings, Project
from jinmu.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

YI = Decimal("100000000")
WAN = Decimal("10000")
NOT_STARTED = "Main works have not started yet."


def attraction(world: Any, **fields: Any) -> Project:
    """An attraction project in town A under construction: 1亿 total, 6000万 fixed assets."""
    fields.setdefault("region", world.town_a)
    fields.setdefault("status", ProjectStatus.STARTED)
    fields.setdefault("total_investment", YI)
    fields.setdefault("fixed_asset_investment", 6000 * WAN)
    project: Project = ProjectFactory(kind=ProjectKind.ATTRACTION, level="", **fields)
    return project


def test_exactly_at_both_minimums_counts(world: Any) -> None:
    verdict = eligibility(attraction(world))
    assert verdict.applies
    assert verdict.over_100m
    assert not verdict.over_1b
    assert verdict.qualifies_by_amount
    assert verdict.amount_reasons == []
    assert verdict.eligible
    assert verdict.attracted
    assert verdict.counted
    assert verdict.reasons == []


def test_total_a_cent_below_one_yi_does_not_qualify(world: Any) -> None:
    verdict = eligibility(attraction(world, total_investment=YI - Decimal("0.01")))
    assert not verdict.over_100m
    assert not verdict.qualifies_by_amount
    assert not verdict.counted
    assert len(verdict.amount_reasons) == 1
    assert "9,999.999999" in verdict.amount_reasons[0]
    assert "10,000.00" in verdict.amount_reasons[0]


def test_fixed_assets_5999_wan_fail_6000_wan_pass(world: Any) -> None:
    short = eligibility(attraction(world, fixed_asset_investment=5999 * WAN))
    enough = eligibility(attraction(world, fixed_asset_investment=6000 * WAN))
    assert short.over_100m  # the 过亿 label reads the total alone
    assert not short.qualifies_by_amount
    assert not short.counted
    assert "5,999.00" in short.amount_reasons[0]
    assert "6,000.00" in short.amount_reasons[0]
    assert enough.qualifies_by_amount
    assert enough.counted


def test_missing_amounts_are_reasons(world: Any) -> None:
    verdict = eligibility(attraction(world, total_investment=None, fixed_asset_investment=None))
    assert not verdict.over_100m
    assert not verdict.qualifies_by_amount
    assert verdict.amount_reasons == [
        _("The total investment is not given."),
        _("The fixed-asset investment is not given."),
    ]


def test_excluded_category_qualifies_by_amount_but_is_not_counted(world: Any) -> None:
    LedgerSettings.objects.create(
        region=world.county,
        attraction_excluded=[AttractionExclusion.REAL_ESTATE, AttractionExclusion.LOCAL_CAPITAL],
    )
    excluded = eligibility(attraction(world, exclusions=[AttractionExclusion.REAL_ESTATE]))
    allowed = eligibility(attraction(world, exclusions=[AttractionExclusion.RELOCATION]))
    assert excluded.qualifies_by_amount
    assert excluded.attracted
    assert not excluded.eligible
    assert not excluded.counted
    assert excluded.excluded == [str(AttractionExclusion.REAL_ESTATE.label)]
    assert excluded.reasons == [
        _("Excluded category: %(category)s.") % {"category": AttractionExclusion.REAL_ESTATE.label}
    ]
    # The region does not exclude relocations.
    assert allowed.counted


def test_not_yet_started_qualifies_by_amount_but_is_not_counted(world: Any) -> None:
    signed = eligibility(attraction(world, status=ProjectStatus.SIGNED))
    registered = eligibility(attraction(world, status=ProjectStatus.REGISTERED))
    assert signed.qualifies_by_amount
    assert signed.eligible
    assert not signed.attracted
    assert not signed.counted
    assert signed.reasons == [_("Business and tax registration is not done yet."), _(NOT_STARTED)]
    assert registered.reasons == [_(NOT_STARTED)]


def test_a_lead_lacks_every_stage(world: Any) -> None:
    verdict = eligibility(attraction(world, status=ProjectStatus.NEGOTIATING))
    assert verdict.stage_reasons == [
        _("No contract has been signed yet."),
        _("Business and tax registration is not done yet."),
        _(NOT_STARTED),
    ]


def test_later_stages_stay_counted_and_terminated_does_not(world: Any) -> None:
    for status in (ProjectStatus.COMPLETED, ProjectStatus.PRODUCING, ProjectStatus.EFFECTIVE):
        assert eligibility(attraction(world, status=status)).counted
    terminated = eligibility(attraction(world, status=ProjectStatus.TERMINATED))
    assert not terminated.counted
    assert terminated.stage_reasons == [_("The project was terminated.")]


def test_over_one_billion_at_the_line(world: Any) -> None:
    big = eligibility(attraction(world, total_investment=10 * YI))
    just_under = eligibility(attraction(world, total_investment=10 * YI - Decimal("0.01")))
    assert big.over_1b
    assert big.counted_over_1b
    assert just_under.over_100m
    assert not just_under.over_1b


def test_other_kinds_do_not_apply(world: Any) -> None:
    verdict = eligibility(ProjectFactory(region=world.town_a, total_investment=20 * YI))
    assert not verdict.applies
    assert not verdict.counted
    assert not verdict.over_100m
    assert verdict.reasons == [_("Only investment attraction projects are counted.")]


def test_settings_of_the_region_apply(world: Any) -> None:
    LedgerSettings.objects.create(
        region=world.town_b,
        attraction_min_total=2 * YI,
        attraction_min_fixed_assets=0,
        attraction_big_total=5 * YI,
    )
    in_b = attraction(world, region=world.town_b, total_investment=5 * YI, fixed_asset_investment=0)
    small_in_b = attraction(world, region=world.town_b, total_investment=YI + WAN)
    assert eligibility(in_b).over_1b
    assert eligibility(in_b).counted
    assert not eligibility(small_in_b).over_100m
    assert not eligibility(small_in_b).counted
    # Explicit settings win over the region's.
    county_rules = LedgerSettings(region_id=world.county.code)
    assert not eligibility(in_b, county_rules).counted  # no fixed assets under the defaults


def test_querysets_agree_with_the_verdicts(world: Any) -> None:
    LedgerSettings.objects.create(region=world.county, attraction_excluded=["real_estate"])
    LedgerSettings.objects.create(
        region=world.town_b,
        attraction_min_total=2 * YI,
        attraction_big_total=5 * YI,
        attraction_excluded=["fiscal"],
    )
    attraction(world)
    attraction(world, total_investment=YI - 1)
    attraction(world, fixed_asset_investment=5999 * WAN)
    attraction(world, fixed_asset_investment=None)
    attraction(world, total_investment=None, fixed_asset_investment=None)
    attraction(world, exclusions=["real_estate"])
    attraction(world, exclusions=["second_phase", "fiscal"])
    attraction(world, status=ProjectStatus.SIGNED, total_investment=12 * YI)
    attraction(world, status=ProjectStatus.PRODUCING, total_investment=10 * YI)
    attraction(world, status=ProjectStatus.TERMINATED)
    attraction(world, region=world.town_b, total_investment=3 * YI)
    attraction(world, region=world.town_b, total_investment=6 * YI, exclusions=["fiscal"])
    attraction(world, region=world.town_b, total_investment=6 * YI, exclusions=["real_estate"])
    ProjectFactory(region=world.town_a, total_investment=20 * YI)
    everything = Project.objects.all()
    verdicts = {p.pk: eligibility(p) for p in everything}

    def python(flag: str) -> set[int]:
        return {pk for pk, v in verdicts.items() if getattr(v, flag)}

    def sql(queryset: Any) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    assert sql(rules.over_100m(everything)) == python("over_100m")
    assert sql(rules.over_1b(everything)) == python("over_1b")
    assert sql(rules.qualifying(everything)) == python("qualifies_by_amount")
    assert sql(rules.eligible(everything)) == python("eligible")
    assert sql(rules.counted(everything)) == python("counted")
    assert sql(rules.over_1b(rules.counted(everything))) == python("counted_over_1b")
    # Sanity: the cases above cover both answers of each flag.
    for flag in ("over_100m", "over_1b", "qualifies_by_amount", "eligible", "counted"):
        assert python(flag)
        assert python(flag) != set(verdicts)
    # One region's rules for every row: the county's, where fiscal investment still counts.
    in_county = rules.counted(everything, region=world.county)
    county_rules = LedgerSettings.objects.get(region=world.county)
    assert sql(in_county) == {p.pk for p in everything if eligibility(p, county_rules).counted}
    assert sql(in_county) != python("counted")


def test_counted_respects_the_queryset_scope(world: Any) -> None:
    attraction(world)
    attraction(world, region=world.town_b)
    town_b = Project.objects.for_user(world.user("town_b"))
    assert rules.counted(town_b).count() == 1
    assert rules.counted(Project.objects.for_user(world.user("industry"))).count() == 2
