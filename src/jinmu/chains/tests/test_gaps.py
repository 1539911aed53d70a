"""Gap analysis: 断点, weak nodes, 堵点, the chain map, the gap list and the home numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jinmu.chains import queries, services
from jinmu.chains.choices import GapState
from jinmu.chains.tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainNodeFactory,
    EnterpriseNodeFactory,
)
from jinmu.core.choices import RegionLevel
from jinmu.core.tests.factories import RegionFactory
from jinmu.enterprises.services import update_enterprise
from jinmu.enterprises.tests.factories import (
    AnnualFiguresFactory,
    EnterpriseFactory,
    QualificationFactory,
)


def gap_of(node: Any) -> queries.NodeGap:
    """The analysis of one node, computed for its whole chain."""
    return next(g for g in queries.node_gaps(node.chain) if g.node.pk == node.pk)


def other_county() -> Any:
    """陵城区, a neighbouring county of 德州 (outside 宁津)."""
    return RegionFactory(code="371403", name="陵城区", level=RegionLevel.COUNTY)


# --------------------------------------------------------------------------- 断点


def test_node_without_enterprises_is_missing(world: Any) -> None:
    # given
    node = ChainNodeFactory(chain=ChainFactory())
    # when
    gap = gap_of(node)
    # then
    assert gap.is_missing
    assert gap.state == GapState.MISSING
    assert gap.flags == [GapState.MISSING]


def test_deregistered_or_outside_enterprises_do_not_cover_a_node(world: Any) -> None:
    # given a node served only by a deregistered local firm and an operating firm elsewhere
    node = ChainNodeFactory(chain=ChainFactory())
    EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(status="deregistered"))
    EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(region=other_county()))
    # when
    gap = gap_of(node)
    # then
    assert gap.enterprise_count == 2
    assert gap.operating_count == 0
    assert gap.is_missing
    assert gap.state == GapState.MISSING


def test_operating_enterprise_in_a_town_of_the_region_covers_the_node(world: Any) -> None:
    # given an operating firm registered in 大曹镇, inside the chain's county
    node = ChainNodeFactory(chain=ChainFactory())
    EnterpriseNodeFactory(
        node=node, enterprise=EnterpriseFactory(region=world.town_a), role="leader"
    )
    # when
    gap = gap_of(node)
    # then
    assert not gap.is_missing
    assert gap.operating_count == 1
    assert gap.leader_count == 1
    assert gap.state == GapState.COVERED


# --------------------------------------------------------------------------- weak


@pytest.mark.parametrize(
    ("output", "is_weak"),
    [
        (Decimal("2900000"), True),  # 29% < 30%
        (Decimal("3000000"), False),  # exactly the threshold is not weak
        (Decimal("8000000"), False),
    ],
)
def test_weak_when_local_share_is_below_the_threshold(
    world: Any, output: Decimal, is_weak: bool
) -> None:
    # given a node with 10 million yuan of local demand and a threshold of 30%
    chain = ChainFactory(weak_share_threshold=Decimal("0.300"))
    node = ChainNodeFactory(chain=chain, local_demand=Decimal("10000000"))
    enterprise = EnterpriseFactory()
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise, year=2025, industrial_output=output)
    # when
    gap = gap_of(node)
    # then
    assert gap.local_output == output
    assert gap.is_weak is is_weak
    assert gap.state == (GapState.WEAK if is_weak else GapState.COVERED)


def test_share_uses_each_enterprises_latest_recorded_output(world: Any) -> None:
    # given two firms; one has an older big year and a newer small one, and a year with no output
    node = ChainNodeFactory(chain=ChainFactory(), local_demand=Decimal("1000"))
    first, second = EnterpriseFactory(), EnterpriseFactory()
    EnterpriseNodeFactory(node=node, enterprise=first)
    EnterpriseNodeFactory(node=node, enterprise=second)
    AnnualFiguresFactory(enterprise=first, year=2023, industrial_output=Decimal("900"))
    AnnualFiguresFactory(enterprise=first, year=2024, industrial_output=Decimal("100"))
    AnnualFiguresFactory(enterprise=first, year=2025, industrial_output=None)
    AnnualFiguresFactory(enterprise=second, year=2022, industrial_output=Decimal("50"))
    # a deregistered firm's output does not count
    gone = EnterpriseFactory(status="deregistered")
    EnterpriseNodeFactory(node=node, enterprise=gone)
    AnnualFiguresFactory(enterprise=gone, year=2025, industrial_output=Decimal("5000"))
    # when
    gap = gap_of(node)
    # then
    assert gap.local_output == Decimal("150")
    assert gap.share == Decimal("0.15")
    assert gap.is_weak


def test_share_is_unknown_without_local_demand(world: Any) -> None:
    # given a covered node with no demand recorded
    node = ChainNodeFactory(chain=ChainFactory(), local_demand=None)
    enterprise = EnterpriseFactory()
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise, industrial_output=Decimal("1"))
    # when
    gap = gap_of(node)
    # then
    assert gap.share is None
    assert not gap.share_known
    assert not gap.is_weak
    assert gap.state == GapState.COVERED


def test_a_missing_node_is_not_also_weak(world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(), local_demand=Decimal("1000"))
    gap = gap_of(node)
    assert gap.flags == [GapState.MISSING]


# --------------------------------------------------------------------------- 堵点


def test_open_bottleneck_blocks_a_covered_node_until_cleared(world: Any) -> None:
    # given a covered node with an open bottleneck
    node = ChainNodeFactory(chain=ChainFactory())
    EnterpriseNodeFactory(node=node)
    bottleneck = BottleneckFactory(node=node)
    # when / then
    gap = gap_of(node)
    assert gap.is_blocked
    assert gap.state == GapState.BLOCKED
    assert [b.pk for b in gap.open_bottlenecks] == [bottleneck.pk]
    # when the bottleneck is cleared
    services.clear_bottleneck(actor=world.user("industry"), bottleneck=bottleneck)
    # then
    gap = gap_of(node)
    assert not gap.is_blocked
    assert gap.open_bottlenecks == []
    assert gap.state == GapState.COVERED


def test_missing_takes_precedence_but_all_flags_are_shown(world: Any) -> None:
    # given a node with no firm, weak-level demand and an open bottleneck
    node = ChainNodeFactory(chain=ChainFactory())
    BottleneckFactory(node=node)
    # when
    gap = gap_of(node)
    # then
    assert gap.state == GapState.MISSING
    assert gap.flags == [GapState.MISSING, GapState.BLOCKED]


def test_blocked_and_weak_together(world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(), local_demand=Decimal("1000"))
    enterprise = EnterpriseFactory()
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise, industrial_output=Decimal("10"))
    BottleneckFactory(node=node)
    gap = gap_of(node)
    assert gap.state == GapState.BLOCKED
    assert gap.flags == [GapState.BLOCKED, GapState.WEAK]


def test_group_node_is_structure_only(world: Any) -> None:
    # given a group node with no firms
    group = ChainNodeFactory(chain=ChainFactory(), kind="group")
    # when
    gap = gap_of(group)
    # then
    assert not gap.is_missing
    assert not gap.is_gap
    assert gap.state == GapState.GROUP


# --------------------------------------------------------------------------- queries


def test_gap_analysis_runs_a_fixed_number_of_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    # given a chain with many nodes, links, figures and bottlenecks
    chain = ChainFactory()
    for _ in range(12):
        node = ChainNodeFactory(chain=chain, local_demand=Decimal("100"))
        link = EnterpriseNodeFactory(node=node)
        AnnualFiguresFactory(enterprise=link.enterprise)
        BottleneckFactory(node=node)
    # when / then: the inputs' fingerprint, nodes with their stored statistics, open bottlenecks
    with django_assert_num_queries(3):
        gaps = queries.node_gaps(chain)
    assert len(gaps) == 12
    # and read again, unchanged: the fingerprint alone
    with django_assert_num_queries(1):
        again = queries.node_gaps(chain)
    assert [(g.node.pk, g.state) for g in again] == [(g.node.pk, g.state) for g in gaps]


def test_tree_order_puts_children_under_their_parent(world: Any) -> None:
    # given
    chain = ChainFactory()
    down = ChainNodeFactory(chain=chain, segment="downstream", name="出口")
    up = ChainNodeFactory(chain=chain, segment="upstream", name="钢材", kind="group")
    pipe = ChainNodeFactory(chain=chain, segment="upstream", name="管材", parent=up)
    # when
    gaps = queries.node_gaps(chain)
    # then
    assert [(g.node.pk, g.depth) for g in gaps] == [(up.pk, 0), (pipe.pk, 1), (down.pk, 0)]


# --------------------------------------------------------------------------- chain map


def test_chain_map_nests_segments_and_nodes_and_colours_states(world: Any) -> None:
    # given an upstream group with a covered child and an empty (missing) child
    chain = ChainFactory(name="健身器材")
    group = ChainNodeFactory(chain=chain, segment="upstream", kind="group", name="零部件")
    covered = ChainNodeFactory(chain=chain, segment="upstream", parent=group, name="轴承")
    missing = ChainNodeFactory(chain=chain, segment="upstream", parent=group, name="电机")
    for _ in range(4):
        EnterpriseNodeFactory(node=covered)
    # when
    data = queries.chain_map(chain)
    # then
    tree = data["tree"]
    assert tree["name"] == "健身器材"
    assert [s["segment"] for s in tree["children"]] == [
        "upstream",
        "midstream",
        "downstream",
        "service",
    ]
    upstream = tree["children"][0]
    assert [c["name"] for c in upstream["children"]] == ["零部件"]
    children = {c["name"]: c for c in upstream["children"][0]["children"]}
    assert set(children) == {"轴承", "电机"}
    # covered nodes are shaded green by output (here none: the lightest shade)
    assert children["轴承"]["itemStyle"]["color"] == queries.output_colour(None, None)
    assert children["电机"]["itemStyle"]["color"] == queries.STATE_COLOURS[GapState.MISSING]
    assert children["轴承"]["value"] == 4
    assert children["轴承"]["symbolSize"] > children["电机"]["symbolSize"]
    assert children["电机"]["url"] == f"/chains/nodes/{missing.pk}/"
    assert upstream["children"][0]["itemStyle"]["color"] == queries.STATE_COLOURS[GapState.GROUP]
    legend = {item["state"]: item["count"] for item in data["legend"]}
    assert legend[GapState.MISSING] == 1
    assert legend[GapState.COVERED] == 1


def test_covered_nodes_are_darker_the_more_they_produce(world: Any) -> None:
    # given two covered nodes, one producing ten times the other
    chain = ChainFactory()
    small = ChainNodeFactory(chain=chain, name="小")
    large = ChainNodeFactory(chain=chain, name="大")
    for node, output in ((small, "1000000"), (large, "10000000")):
        link = EnterpriseNodeFactory(node=node)
        AnnualFiguresFactory(enterprise=link.enterprise, industrial_output=Decimal(output))
    # when
    data = queries.chain_map(chain)
    # then the larger one has the darkest shade and the smaller a lighter one
    nodes = {c["name"]: c for c in data["tree"]["children"][1]["children"]}

    def darkness(colour: str) -> int:
        return -sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    assert nodes["大"]["itemStyle"]["color"] == queries.output_colour(Decimal(1), Decimal(1))
    assert darkness(nodes["大"]["itemStyle"]["color"]) > darkness(nodes["小"]["itemStyle"]["color"])
    assert darkness(nodes["小"]["itemStyle"]["color"]) > darkness(queries.output_colour(None, None))


# --------------------------------------------------------------------------- gap list


def test_gap_list_covers_chains_in_scope_and_filters_by_flag(world: Any) -> None:
    # given one chain of the user's office and one of another office, each with gaps
    own = ChainFactory(office=world.chain_office)
    other = ChainFactory(office=world.other_chain_office)
    own_missing = ChainNodeFactory(chain=own)
    own_blocked = ChainNodeFactory(chain=own)
    EnterpriseNodeFactory(node=own_blocked)
    BottleneckFactory(node=own_blocked)
    covered = ChainNodeFactory(chain=own)
    EnterpriseNodeFactory(node=covered)
    ChainNodeFactory(chain=other)
    # when
    everything = queries.gap_list(world.user("chain"))
    blocked = queries.gap_list(world.user("chain"), state=GapState.BLOCKED)
    county = queries.gap_list(world.user("industry"))
    only_other = queries.gap_list(world.user("industry"), chain=other)
    # then
    assert {row.gap.node.pk for row in everything} == {own_missing.pk, own_blocked.pk}
    assert [row.gap.node.pk for row in blocked] == [own_blocked.pk]
    assert len(county) == 3
    assert {row.chain.pk for row in only_other} == {other.pk}
    assert queries.gap_list(world.user("bank")) == []


def test_gap_list_query_count_does_not_grow_with_chains(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        chain = ChainFactory()
        for _ in range(4):
            node = ChainNodeFactory(chain=chain)
            EnterpriseNodeFactory(node=node)
    # chains, the gaps' fingerprint, nodes with their stats, bottlenecks (+ the user's groups)
    with django_assert_max_num_queries(5):
        rows = queries.gap_list(world.user("industry"))
    assert rows == []


# --------------------------------------------------------------------------- lists and overview


def test_chain_lists_show_leaders_backbone_gaps_partners_with_last_updated(world: Any) -> None:
    # given
    chain = ChainFactory()
    node = ChainNodeFactory(chain=chain)
    second = ChainNodeFactory(chain=chain)
    leader = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=leader, role="leader")
    EnterpriseNodeFactory(node=second, enterprise=leader, role="leader")
    backbone = EnterpriseNodeFactory(
        node=node, role="backbone", enterprise=EnterpriseFactory(region=world.town_b)
    )
    ChainNodeFactory(chain=chain)  # missing
    # when
    lists = queries.chain_lists(chain)
    town_lists = queries.chain_lists(chain, user=world.user("town_a"))
    # then
    assert [row.enterprise.pk for row in lists.leaders.rows] == [leader.pk]
    assert len(lists.leaders.rows[0].nodes) == 2
    assert [row.enterprise.pk for row in lists.backbone.rows] == [backbone.enterprise_id]
    assert len(lists.gaps.rows) == 1
    assert lists.leaders.last_updated is not None
    assert lists.partners.last_updated is None
    assert town_lists.is_partial
    assert town_lists.backbone.rows == []  # the backbone firm lies in 保店镇
    assert [row.enterprise.pk for row in town_lists.leaders.rows] == [leader.pk]


def test_chain_lists_follow_link_and_enterprise_writes_through_the_services(world: Any) -> None:
    # given: the lists read once (their heads are cached under the chain's node stats)
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    first = EnterpriseFactory(region=world.town_a, name="丙公司")
    services.link_enterprise(
        actor=world.user("chain"), node=node, enterprise=first, role="backbone"
    )
    assert queries.chain_lists(chain).backbone.total == 1
    # when: a firm is linked, then renamed to sort first
    second = EnterpriseFactory(region=world.town_a, name="乙公司")
    link = services.link_enterprise(
        actor=world.user("chain"), node=node, enterprise=second, role="backbone"
    )
    added = queries.chain_lists(chain).backbone
    update_enterprise(
        actor=world.user("industry"),
        enterprise=second,
        data={"name": "安公司"},
        expected_version=second.version,
    )
    renamed = queries.chain_lists(chain).backbone
    services.unlink_enterprise(actor=world.user("chain"), link=link)
    removed = queries.chain_lists(chain).backbone
    # then
    assert [row.enterprise.pk for row in added.rows] == [first.pk, second.pk]
    assert added.total == 2
    assert [row.enterprise.pk for row in renamed.rows] == [second.pk, first.pk]
    assert added.last_updated is not None
    assert renamed.last_updated is not None
    assert renamed.last_updated > added.last_updated
    assert ([row.enterprise.pk for row in removed.rows], removed.total) == ([first.pk], 1)


def test_region_overview_counts_in_scope(world: Any, django_assert_max_num_queries: Any) -> None:
    # given
    EnterpriseFactory(region=world.town_a, scale="above")
    EnterpriseFactory(region=world.town_b)
    EnterpriseFactory(region=world.town_b, status="deregistered")
    QualificationFactory(valid_until=timezone.localdate() + dt.timedelta(days=30))
    QualificationFactory(valid_until=timezone.localdate() + dt.timedelta(days=400))
    chain = ChainFactory()
    ChainNodeFactory(chain=chain)  # missing
    blocked = ChainNodeFactory(chain=chain)
    EnterpriseNodeFactory(node=blocked, enterprise=EnterpriseFactory(region=world.town_a))
    BottleneckFactory(node=blocked)
    ChainNodeFactory(chain=chain, kind="group")
    # when
    with django_assert_max_num_queries(7):  # the gaps read anew: their fingerprint first
        county = queries.region_overview(world.user("industry"))
    town = queries.region_overview(world.user("town_a"))
    # then
    assert county.enterprise_count == 5  # the qualification holders and the linked firm count too
    assert county.above_size_count == 1
    assert county.chain_count == 1
    assert county.node_count == 2
    assert county.gap_counts[GapState.MISSING] == 1
    assert county.gap_counts[GapState.BLOCKED] == 1
    assert county.open_bottleneck_count == 1
    assert county.expiring_qualification_count == 1
    assert town.enterprise_count == 2
    assert town.chain_count == 1
