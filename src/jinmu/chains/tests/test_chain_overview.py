"""The chain page's counts, map and node table, drawn once per state of the chain: read again
unchanged they are not drawn anew, and the page shows a renamed node, a new bottleneck or a
renamed chain (even past the services) at once, as drawing them afresh does."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jinmu.chains import page, services
from jinmu.chains.models import Chain
from jinmu.chains.tests.test_gap_cache import served_node

pytestmark = pytest.mark.django_db


def _overview(client: Client, chain: Chain) -> str:
    """The chain page's overview: from its gap counts to the end of its node table."""
    html = client.get(reverse("chains:detail", args=[chain.pk])).content.decode()
    start = html.index('<div class="row row-cards mb-3">')
    return html[start : html.index("</table>", start)]


def test_an_unchanged_chain_is_drawn_once(world: Any, client: Client) -> None:
    # given a chain page read once
    node = served_node(world, name="跑步机")
    client.force_login(world.user("chain"))
    first = _overview(client, node.chain)
    # when read again
    with patch.object(page, "render_to_string", side_effect=AssertionError("drawn anew")):
        again = _overview(client, node.chain)
    # then it is the same drawing, and as drawn afresh
    assert again == first
    cache.clear()
    assert _overview(client, node.chain) == first


def test_the_overview_follows_its_inputs(world: Any, client: Client) -> None:
    # given a chain page read once
    node = served_node(world, name="跑步机")
    chain = node.chain
    client.force_login(world.user("chain"))
    assert "跑步机" in _overview(client, chain)
    # when the node is renamed and blocked through the services
    actor = world.user("chain")
    services.update_node(actor=actor, node=node, data={"name": "商用跑步机"})
    services.create_bottleneck(
        actor=actor, node=node, data={"title": "电机缺货", "since": "2026-01-05"}
    )
    drawn = _overview(client, chain)
    # then the page shows them, as drawing it afresh does
    assert "商用跑步机" in drawn
    assert 'gap-blocked">1<' in drawn
    cache.clear()
    assert _overview(client, chain) == drawn


def test_a_chain_renamed_past_the_services_is_drawn_anew(world: Any, client: Client) -> None:
    # given a chain page read once
    chain = served_node(world).chain
    client.force_login(world.user("chain"))
    assert chain.name in _overview(client, chain)
    # when the chain is renamed by `update()` (its version stays)
    Chain.objects.filter(pk=chain.pk).update(name="新链名")
    # then the map and its title name it so
    assert "新链名" in _overview(client, chain)
