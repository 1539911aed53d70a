"""Stored node statistics: every write that changes an input refreshes them at once.

The gap analysis reads `NodeStats` instead of aggregating every link on each request, so each
write path is checked here: right after it, the node's gap state (as `node_gaps` and the chain
page show it) has changed, and the stored row equals a fresh computation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinmu.chains import queries, services, stats
from jinmu.chains.choices import GapState
from jinmu.chains.models import ChainNode, EnterpriseNode, NodeStats
from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory
from jinmu.enterprises.imports import import_annual_figures, import_enterprises
from jinmu.enterprises.services import save_annual_figures, update_enterprise
from jinmu.enterprises.tests.factories import AnnualFiguresFactory, EnterpriseFactory, make_uscc

COMPARED = (
    "region_id",
    "leaders",
    "backbone",
    "supporting",
    "total",
    "operating",
    "output",
    "links_updated",
    "enterprises_updated",
)


def gap_of(node: ChainNode) -> queries.NodeGap:
    """The analysis of one node, computed for its whole chain."""
    return next(g for g in queries.node_gaps(node.chain) if g.node.pk == node.pk)


def stored(node: ChainNode) -> NodeStats:
    """The stored statistics of a node, as the next page view reads them."""
    return NodeStats.objects.get(node=node)


def assert_fresh(node: ChainNode) -> None:
    """The stored row equals what recomputing it from the links gives."""
    before = stored(node)
    again = stats.compute_node_stats([node.pk])[node.pk]
    assert {f: getattr(before, f) for f in COMPARED} == {f: getattr(again, f) for f in COMPARED}


def empty_node(world: Any, **kwargs: Any) -> ChainNode:
    """A product node (no firms yet) on a chain of the chain office."""
    node: ChainNode = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), **kwargs)
    return node


# --------------------------------------------------------------------------- chain services


def test_linking_the_only_operating_enterprise_covers_the_node(world: Any) -> None:
    # given a 断点
    node = empty_node(world)
    enterprise = EnterpriseFactory(region=world.town_a)
    assert gap_of(node).state == GapState.MISSING
    # when
    services.link_enterprise(
        actor=world.user("chain"), node=node, enterprise=enterprise, role="backbone"
    )
    # then
    gap = gap_of(node)
    assert gap.state == GapState.COVERED
    assert (gap.operating_count, gap.backbone_count, gap.enterprise_count) == (1, 1, 1)
    assert_fresh(node)


def test_changing_a_links_role_moves_the_role_counts(world: Any) -> None:
    # given
    node = empty_node(world)
    link = EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(region=world.town_a))
    assert (gap_of(node).leader_count, gap_of(node).supporting_count) == (0, 1)
    # when
    services.update_link(actor=world.user("chain"), link=link, data={"role": "leader"})
    # then
    gap = gap_of(node)
    assert (gap.leader_count, gap.supporting_count) == (1, 0)
    assert stored(node).links_updated == EnterpriseNode.objects.get(pk=link.pk).updated_at
    assert_fresh(node)


def test_taking_the_only_enterprise_off_makes_the_node_missing_again(world: Any) -> None:
    # given
    node = empty_node(world)
    link = EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(region=world.town_a))
    assert gap_of(node).state == GapState.COVERED
    # when
    services.unlink_enterprise(actor=world.user("chain"), link=link)
    # then
    gap = gap_of(node)
    assert gap.state == GapState.MISSING
    assert gap.enterprise_count == 0
    assert (stored(node).total, stored(node).links_updated) == (0, None)
    assert_fresh(node)


def test_a_new_node_has_its_row_of_zeros_and_a_deleted_one_takes_its_rows_along(
    world: Any,
) -> None:
    # given
    chain = ChainFactory(office=world.chain_office)
    # when
    parent = services.create_node(
        actor=world.user("chain"),
        chain=chain,
        data={"name": "钢材", "segment": "upstream", "kind": "group"},
    )
    child = services.create_node(
        actor=world.user("chain"),
        chain=chain,
        data={"name": "管材", "segment": "upstream", "parent": parent},
    )
    # then
    assert (stored(child).total, stored(child).operating, stored(child).output) == (0, 0, None)
    assert stored(child).region_id == chain.region_id
    # when
    services.delete_node(actor=world.user("chain"), node=parent)
    # then
    assert not NodeStats.objects.filter(node_id__in=[parent.pk, child.pk]).exists()


# --------------------------------------------------------------------------- enterprise services


def test_deregistering_the_enterprise_turns_its_node_back_into_a_gap(world: Any) -> None:
    # given a node covered by one operating firm
    node = empty_node(world)
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    assert gap_of(node).state == GapState.COVERED
    # when
    update_enterprise(
        actor=world.user("industry"), enterprise=enterprise, data={"status": "deregistered"}
    )
    # then
    assert gap_of(node).state == GapState.MISSING
    assert_fresh(node)
    # when it operates again
    update_enterprise(
        actor=world.user("industry"), enterprise=enterprise, data={"status": "operating"}
    )
    # then
    assert gap_of(node).state == GapState.COVERED


def test_moving_the_enterprise_out_of_the_chains_region_uncovers_the_node(world: Any) -> None:
    # given a chain of 大曹镇 whose node is covered by a firm of 大曹镇
    node = ChainNodeFactory(chain=ChainFactory(region=world.town_a))
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    assert gap_of(node).operating_count == 1
    # when the firm moves to 保店镇
    update_enterprise(
        actor=world.user("industry"), enterprise=enterprise, data={"region": world.town_b}
    )
    # then it still serves the node, but not from inside the chain's region
    gap = gap_of(node)
    assert (gap.enterprise_count, gap.operating_count, gap.state) == (1, 0, GapState.MISSING)
    assert_fresh(node)


def test_other_enterprise_edits_move_only_the_last_updated_time(world: Any) -> None:
    # given
    node = empty_node(world)
    enterprise = EnterpriseFactory(region=world.town_a)
    link = EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise)
    EnterpriseNode.objects.filter(pk=link.pk).update(
        updated_at=enterprise.updated_at - dt.timedelta(days=1)
    )
    stats.refresh_node_stats([node.pk])
    before = stored(node)
    # when
    updated = update_enterprise(
        actor=world.user("industry"), enterprise=enterprise, data={"contact_phone": "13900000000"}
    )
    # then
    after = stored(node)
    assert after.enterprises_updated == updated.updated_at > before.enterprises_updated
    assert (after.operating, after.output) == (before.operating, before.output)
    assert gap_of(node).last_updated == updated.updated_at
    assert_fresh(node)


def test_new_annual_figures_change_the_local_output_and_the_weak_flag(world: Any) -> None:
    # given a node with a demand of 1亿, covered 28 % by its one firm's 2025 output: weak
    node = empty_node(world, local_demand=Decimal("100000000"))
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    figures = AnnualFiguresFactory(enterprise=enterprise, year=2025)
    gap = gap_of(node)
    assert (gap.local_output, gap.is_weak) == (Decimal("28000000.00"), True)
    # when the 2026 figures arrive
    created = save_annual_figures(
        actor=world.user("industry"),
        enterprise=enterprise,
        data={"year": 2026, "industrial_output": Decimal("45000000")},
    )
    # then the latest year counts
    gap = gap_of(node)
    assert (gap.local_output, gap.share_percent, gap.is_weak) == (
        Decimal("45000000"),
        Decimal("45.0"),
        False,
    )
    assert gap.state == GapState.COVERED
    assert_fresh(node)
    # when the 2026 output is corrected down
    save_annual_figures(
        actor=world.user("industry"),
        enterprise=enterprise,
        figures=created,
        data={"industrial_output": Decimal("12000000")},
    )
    # then
    assert (gap_of(node).local_output, gap_of(node).state) == (Decimal("12000000"), "weak")
    assert figures.pk != created.pk
    assert_fresh(node)


def test_figures_without_output_leave_the_latest_output_alone(world: Any) -> None:
    # given
    node = empty_node(world, local_demand=Decimal("100000000"))
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise, year=2025)
    # when a later year is recorded without an industrial output
    save_annual_figures(
        actor=world.user("industry"),
        enterprise=enterprise,
        data={"year": 2026, "employees": 80},
    )
    # then the 2025 output still counts
    assert gap_of(node).local_output == Decimal("28000000.00")
    assert_fresh(node)


# --------------------------------------------------------------------------- imports


def test_an_import_of_figures_updates_the_share(world: Any) -> None:
    # given a node covered 28 % (weak)
    node = empty_node(world, local_demand=Decimal("100000000"))
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise, year=2025)
    assert gap_of(node).share_percent == Decimal("28.0")
    # when 2026 figures of 6000万元 are imported
    rows = [{"统一社会信用代码": enterprise.uscc, "年度": 2026, "工业总产值(万元)": 6000}]
    result = import_annual_figures(actor=world.user("industry"), rows_or_file=rows, dry_run=False)
    # then
    assert result.ok, result.errors
    gap = gap_of(node)
    assert (gap.share_percent, gap.state) == (Decimal("60.0"), GapState.COVERED)
    assert_fresh(node)


def test_a_dry_run_import_changes_nothing(world: Any) -> None:
    # given
    node = empty_node(world, local_demand=Decimal("100000000"))
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    AnnualFiguresFactory(enterprise=enterprise, year=2025)
    # when
    rows = [{"统一社会信用代码": enterprise.uscc, "年度": 2026, "工业总产值(万元)": 6000}]
    result = import_annual_figures(actor=world.user("industry"), rows_or_file=rows, dry_run=True)
    # then
    assert result.ok, result.errors
    assert gap_of(node).share_percent == Decimal("28.0")


def test_an_import_of_enterprises_that_deregisters_one_uncovers_its_node(world: Any) -> None:
    # given
    node = empty_node(world)
    enterprise = EnterpriseFactory(uscc=make_uscc(42), name="宁津导入状态有限公司")
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    assert gap_of(node).state == GapState.COVERED
    # when
    rows = [
        {
            "统一社会信用代码": enterprise.uscc,
            "企业名称": enterprise.name,
            "所在乡镇": "大曹镇",
            "状态": "注销",
        }
    ]
    result = import_enterprises(actor=world.user("industry"), rows_or_file=rows, dry_run=False)
    # then
    assert result.ok, result.errors
    assert gap_of(node).state == GapState.MISSING
    assert_fresh(node)


# --------------------------------------------------------------------------- reading and repair


def test_a_missing_stats_row_is_computed_when_read(world: Any) -> None:
    # given a node whose row was lost
    node = empty_node(world)
    EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(region=world.town_a))
    NodeStats.objects.filter(node=node).delete()
    # when
    gap = gap_of(node)
    # then it is computed and stored
    assert (gap.operating_count, gap.state) == (1, GapState.COVERED)
    assert stored(node).operating == 1


def test_the_command_repairs_stats_after_a_bulk_load(world: Any) -> None:
    # given links loaded past the services: the stored stats are stale
    node = empty_node(world)
    other = empty_node(world)
    for target in (node, other):
        EnterpriseNode.objects.bulk_create(
            [
                EnterpriseNode(
                    node=target,
                    enterprise=EnterpriseFactory(region=world.town_a),
                    region_id=target.region_id,
                )
            ]
        )
    assert gap_of(node).state == GapState.MISSING
    out = StringIO()
    # when one chain is repaired
    call_command("refresh_chain_stats", chain=node.chain_id, stdout=out)
    # then
    assert gap_of(node).state == GapState.COVERED
    assert gap_of(other).state == GapState.MISSING
    assert f"#{node.chain_id}" in out.getvalue()
    # when all are
    call_command("refresh_chain_stats", stdout=out)
    # then
    assert gap_of(other).state == GapState.COVERED


def test_the_command_refuses_an_unknown_chain(world: Any) -> None:
    with pytest.raises(CommandError):
        call_command("refresh_chain_stats", chain=999999, stdout=StringIO())


def test_refreshing_for_enterprises_touches_only_their_nodes(world: Any) -> None:
    # given two nodes whose rows are stale
    node, other = empty_node(world), empty_node(world)
    enterprise = EnterpriseFactory(region=world.town_a)
    for target, firm in ((node, enterprise), (other, EnterpriseFactory(region=world.town_a))):
        EnterpriseNode.objects.bulk_create(
            [EnterpriseNode(node=target, enterprise=firm, region_id=target.region_id)]
        )
    # when
    stats.refresh_for_enterprises([enterprise.pk])
    # then
    assert (stored(node).total, stored(other).total) == (1, 0)


def test_the_chain_page_shows_a_new_link_at_once_and_reads_the_stats_once(
    client: Any, world: Any
) -> None:
    # given
    node = empty_node(world)
    services.link_enterprise(
        actor=world.user("chain"),
        node=node,
        enterprise=EnterpriseFactory(region=world.town_a),
        role="leader",
    )
    client.force_login(world.user("chain"))
    # when
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("chains:detail", args=[node.chain_id]))
    # then
    assert response.status_code == 200
    [gap] = response.context["gaps"]
    assert (gap.state, gap.leader_count) == (GapState.COVERED, 1)
    sql = [query["sql"] for query in ctx.captured_queries]
    # the gaps are computed once (the other read of the stats is their cache's fingerprint)
    assert sum("chains_nodestats" in q and "COUNT(DISTINCT" not in q for q in sql) == 1
    assert not any("enterprises_annualfigures" in q for q in sql)  # no aggregate on reading


def test_the_map_data_shows_a_deregistered_enterprise_at_once(client: Any, world: Any) -> None:
    # given
    node = empty_node(world)
    enterprise = EnterpriseFactory(region=world.town_a)
    EnterpriseNodeFactory(node=node, enterprise=enterprise)
    update_enterprise(
        actor=world.user("industry"), enterprise=enterprise, data={"status": "deregistered"}
    )
    client.force_login(world.user("chain"))
    # when
    data = client.get(reverse("chains:map_data", args=[node.chain_id])).json()
    # then
    legend = {item["state"]: item["count"] for item in data["legend"]}
    assert legend[GapState.MISSING] == 1
    assert legend[GapState.COVERED] == 0


def test_the_demo_build_stores_fresh_stats_for_every_node(db: Any) -> None:
    # given / when
    from jinmu.demo import build_demo

    build_demo(enterprises=120, seed=11)
    # then
    nodes = list(ChainNode.objects.all())
    assert nodes
    assert NodeStats.objects.count() == len(nodes)
    for node in nodes[::7]:
        assert_fresh(node)
    assert NodeStats.objects.filter(total__gt=0).exists()
