"""The chain pages' tables (chains.tables): gap counts linked to the gap list, the chain's
node table in tree order, and the editors' buttons on a node's enterprises and bottlenecks."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.chains.tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainNodeFactory,
    EnterpriseNodeFactory,
)
from jinmu.enterprises.tests.factories import EnterpriseFactory


def _page(client: Client, world: Any, persona: str, url: str, **params: Any) -> str:
    client.force_login(world.user(persona))
    with translation.override("en"):
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_chain_list_links_gap_counts_and_leaves_zeros_plain(world: Any, client: Client) -> None:
    # given a chain with one missing link and nothing blocked
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    ChainNodeFactory(chain=chain, name="电机")

    # when
    html = _page(client, world, "industry", reverse("chains:list"))

    # then
    gaps = reverse("chains:gaps")
    assert f'<a class="gap-missing" href="{gaps}?chain={chain.pk}&amp;state=missing">1</a>' in html
    assert '<td class="num">0</td>' in html  # no bottleneck: a plain zero
    assert '<th class="num">Missing links</th>' in html


def test_office_home_links_every_count(world: Any, client: Client) -> None:
    # given
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    ChainNodeFactory(chain=chain, name="电机")

    # when
    html = _page(client, world, "chain", reverse("chains:office_home"))

    # then
    gaps = reverse("chains:gaps")
    assert '<h3 class="card-title">Our chains</h3>' in html
    assert f'<a class="gap-blocked" href="{gaps}?chain={chain.pk}&amp;state=blocked">0</a>' in html


def test_chain_page_lists_nodes_in_tree_order_with_their_depth(world: Any, client: Client) -> None:
    # given
    chain = ChainFactory(office=world.chain_office)
    parent = ChainNodeFactory(chain=chain, name="整机", kind="group")
    ChainNodeFactory(chain=chain, parent=parent, name="跑步机")

    # when
    html = _page(client, world, "chain", reverse("chains:detail", args=[chain.pk]))

    # then
    assert '<table class="table table-vcenter card-table table-sm">' in html
    assert html.index('data-indent="0"') < html.index('data-indent="1"')
    assert html.index("整机") < html.index("跑步机")


def test_gap_list_rows_name_chain_node_and_bottlenecks(world: Any, client: Client) -> None:
    # given
    chain = ChainFactory(name="电梯")
    node = ChainNodeFactory(chain=chain, name="曳引机")
    EnterpriseNodeFactory(node=node)
    BottleneckFactory(node=node, title="曳引机芯片短缺")

    # when
    html = _page(client, world, "industry", reverse("chains:gaps"))

    # then
    assert f'<a href="{chain.get_absolute_url()}">电梯</a>' in html
    assert f'<a href="{reverse("chains:node", args=[node.pk])}">曳引机</a>' in html
    assert "曳引机芯片短缺" in html


def test_node_page_gives_editors_buttons_and_readers_none(world: Any, client: Client) -> None:
    # given
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    link = EnterpriseNodeFactory(node=node, enterprise=EnterpriseFactory(region=world.town_a))
    bottleneck = BottleneckFactory(node=node)
    url = reverse("chains:node", args=[node.pk])

    # when
    editor = _page(client, world, "chain", url)
    reader = _page(client, world, "town_a", url)

    # then
    for action in (
        reverse("chains:link_delete", args=[link.pk]),
        reverse("chains:bottleneck_clear", args=[bottleneck.pk]),
    ):
        assert action in editor
        assert action not in reader
    assert link.enterprise.name in reader


def test_empty_node_says_so(world: Any, client: Client) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    html = _page(client, world, "town_a", reverse("chains:node", args=[node.pk]))
    assert "No enterprise listed." in html
    assert "No bottleneck recorded." in html
