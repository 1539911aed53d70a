"""The cached gap analysis: read again unchanged it costs one query, and every write to one of
its inputs is seen by the next read (the write paths of the stored stats are in test_stats)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jinmu.chains import queries, services
from jinmu.chains.choices import GapState
from jinmu.chains.models import Bottleneck, Chain, ChainNode
from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.enterprises.services import update_enterprise
from jinmu.enterprises.tests.factories import AnnualFiguresFactory, EnterpriseFactory


def served_node(world: Any, **kwargs: Any) -> ChainNode:
    """A node of the chain office's chain served by one local firm producing 28 million yuan."""
    node: ChainNode = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), **kwargs)
    enterprise = EnterpriseFactory(region=world.town_a)
    AnnualFiguresFactory(enterprise=enterprise)
    services.link_enterprise(
        actor=world.user("chain"), node=node, enterprise=enterprise, role="backbone"
    )
    return node


def gap_of(node: ChainNode) -> queries.NodeGap:
    """The node's analysis as its chain's page reads it (a fresh chain, as a request has)."""
    chain = Chain.objects.get(pk=node.chain_id)
    return next(g for g in queries.node_gaps(chain) if g.node.pk == node.pk)


def test_an_unchanged_analysis_is_read_with_one_query(
    world: Any, django_assert_num_queries: Any
) -> None:
    # given an analysis read once
    node = served_node(world)
    chain = Chain.objects.get(pk=node.chain_id)
    first = queries.node_gaps(chain)
    # when read again
    with django_assert_num_queries(1):
        again = queries.node_gaps(chain)
    # then it is the same, on the page's own chain object
    assert [(g.node.pk, g.state, g.operating_count) for g in again] == [
        (g.node.pk, g.state, g.operating_count) for g in first
    ]
    assert again[0].node.chain is chain


def test_a_new_demand_is_seen_at_once(world: Any) -> None:
    # given a covered node without a recorded demand
    node = served_node(world)
    assert (gap_of(node).state, gap_of(node).share) == (GapState.COVERED, None)
    # when its local demand is recorded far above the local output
    services.update_node(
        actor=world.user("chain"), node=node, data={"local_demand": Decimal("1000000000")}
    )
    # then
    gap = gap_of(node)
    assert gap.state == GapState.WEAK
    assert gap.share_percent == Decimal("2.8")


def test_a_new_threshold_is_seen_at_once(world: Any) -> None:
    # given a node whose firms cover 56 % of the demand (above the 30 % threshold)
    node = served_node(world, local_demand=Decimal("50000000"))
    assert gap_of(node).state == GapState.COVERED
    # when the chain asks for 60 %
    chain = Chain.objects.get(pk=node.chain_id)
    services.update_chain(
        actor=world.user("industry"), chain=chain, data={"weak_share_threshold": Decimal("0.6")}
    )
    # then
    assert gap_of(node).state == GapState.WEAK


def test_bottlenecks_are_seen_at_once(world: Any) -> None:
    # given a covered node
    node = served_node(world)
    actor = world.user("chain")
    assert not gap_of(node).is_blocked
    # when a bottleneck is recorded, then cleared
    bottleneck = services.create_bottleneck(
        actor=actor,
        node=node,
        data={"title": "缺少检测能力", "since": "2026-01-05", "owner_unit": world.chain_office},
    )
    blocked = gap_of(node)
    services.clear_bottleneck(actor=actor, bottleneck=bottleneck)
    cleared = gap_of(node)
    # and another recorded, then deleted
    other = services.create_bottleneck(
        actor=actor, node=node, data={"title": "物流不畅", "since": "2026-02-01"}
    )
    reopened = gap_of(node)
    services.delete_bottleneck(actor=actor, bottleneck=Bottleneck.objects.get(pk=other.pk))
    # then each read follows
    assert blocked.state == GapState.BLOCKED
    assert [b.title for b in blocked.open_bottlenecks] == ["缺少检测能力"]
    assert cleared.state == GapState.COVERED
    assert reopened.state == GapState.BLOCKED
    assert gap_of(node).state == GapState.COVERED


def test_a_renamed_owner_of_a_bottleneck_is_seen_at_once(world: Any) -> None:
    # given an open bottleneck owned by the chain office, read once
    node = served_node(world)
    services.create_bottleneck(
        actor=world.user("chain"),
        node=node,
        data={"title": "缺少检测能力", "since": "2026-01-05", "owner_unit": world.chain_office},
    )
    assert gap_of(node).open_bottlenecks[0].owner_unit.name == world.chain_office.name
    # when the office is renamed
    office = world.chain_office
    office.name = "健身器材产业链链长制办公室"
    office.save()
    # then
    assert gap_of(node).open_bottlenecks[0].owner_unit.name == "健身器材产业链链长制办公室"


def test_a_deleted_node_is_gone_at_once(world: Any) -> None:
    # given two nodes of a chain, read once
    node = served_node(world)
    other = ChainNodeFactory(chain=node.chain, name="出口")
    chain = Chain.objects.get(pk=node.chain_id)
    assert {g.node.pk for g in queries.node_gaps(chain)} == {node.pk, other.pk}
    # when one is deleted
    services.delete_node(actor=world.user("chain"), node=other)
    # then
    assert [g.node.pk for g in queries.node_gaps(Chain.objects.get(pk=chain.pk))] == [node.pk]


def test_the_chain_pages_lists_follow_a_renamed_node_and_enterprise(world: Any) -> None:
    # given the backbone list read once (it is cached under the chain's generation)
    node = served_node(world, name="跑步机")
    chain = Chain.objects.get(pk=node.chain_id)
    [row] = queries.chain_lists(chain).backbone.rows
    assert [n.name for n in row.nodes] == ["跑步机"]
    # when the node is renamed, then its firm
    services.update_node(actor=world.user("chain"), node=node, data={"name": "商用跑步机"})
    [renamed_node] = queries.chain_lists(chain).backbone.rows
    update_enterprise(
        actor=world.user("industry"),
        enterprise=row.enterprise.__class__.objects.get(pk=row.enterprise.pk),
        data={"name": "宁津新名称健身器材有限公司"},
    )
    [renamed_firm] = queries.chain_lists(chain).backbone.rows
    # then
    assert [n.name for n in renamed_node.nodes] == ["商用跑步机"]
    assert renamed_firm.enterprise.name == "宁津新名称健身器材有限公司"
