"""Chain pages: scoping, the map, the node page, the editors' forms, query counts."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinmu.chains.models import Bottleneck, ChainNode, EnterpriseNode
from jinmu.chains.tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainNodeFactory,
    ChainPartnerFactory,
    EnterpriseNodeFactory,
)
from jinmu.core.models import AuditLog
from jinmu.enterprises.tests.factories import AnnualFiguresFactory, EnterpriseFactory

READERS = ["admin", "leader", "industry", "department", "chain", "town_a", "park"]
OUTSIDERS = ["enterprise", "bank", "judge", "auditor", "security"]


def grow(chain: Any, nodes: int) -> None:
    """Add nodes, each with enterprises (with figures) and a bottleneck."""
    for i in range(nodes):
        node = ChainNodeFactory(chain=chain, local_demand=Decimal("1000"), segment="upstream")
        child = ChainNodeFactory(chain=chain, parent=node, segment="upstream")
        for role in ("leader", "backbone"):
            link = EnterpriseNodeFactory(node=child, role=role)
            AnnualFiguresFactory(enterprise=link.enterprise)
        if i % 2:
            BottleneckFactory(node=node)
        ChainPartnerFactory(chain=chain)


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("persona", READERS)
def test_chain_list_and_gap_list_open_to_readers(client: Any, world: Any, persona: str) -> None:
    ChainFactory(office=world.chain_office, name="健身器材")
    client.force_login(world.user(persona))
    assert client.get(reverse("chains:list")).status_code == 200
    assert client.get(reverse("chains:gaps")).status_code == 200


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_403_on_lists_and_404_on_objects(
    client: Any, world: Any, persona: str
) -> None:
    # given
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    client.force_login(world.user(persona))
    # then
    assert client.get(reverse("chains:list")).status_code == 403
    assert client.get(reverse("chains:gaps")).status_code == 403
    assert client.get(reverse("chains:detail", args=[chain.pk])).status_code == 404
    assert client.get(reverse("chains:node", args=[node.pk])).status_code == 404
    assert client.get(reverse("chains:map_data", args=[chain.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(client: Any, world: Any) -> None:
    response = client.get(reverse("chains:list"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_chain_office_sees_only_its_chains(client: Any, world: Any) -> None:
    # given
    own = ChainFactory(office=world.chain_office, name="健身器材")
    other = ChainFactory(office=world.other_chain_office, name="电梯")
    other_node = ChainNodeFactory(chain=other)
    client.force_login(world.user("chain"))
    # when
    listing = client.get(reverse("chains:list")).content.decode()
    # then
    assert "健身器材" in listing
    assert "电梯" not in listing
    assert client.get(reverse("chains:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("chains:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("chains:node", args=[other_node.pk])).status_code == 404
    assert client.get(reverse("chains:map_data", args=[other.pk])).status_code == 404
    assert client.get(reverse("chains:edit", args=[other.pk])).status_code == 404


def test_town_user_sees_the_chain_but_only_its_own_enterprises_on_a_node(
    client: Any, world: Any
) -> None:
    # given a node with one firm in each town
    node = ChainNodeFactory(chain=ChainFactory())
    EnterpriseNodeFactory(
        node=node, enterprise=EnterpriseFactory(region=world.town_a, name="大曹钢管厂")
    )
    EnterpriseNodeFactory(
        node=node, enterprise=EnterpriseFactory(region=world.town_b, name="保店轴承厂")
    )
    client.force_login(world.user("town_a"))
    # when
    response = client.get(reverse("chains:node", args=[node.pk]))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "大曹钢管厂" in body
    assert "保店轴承厂" not in body
    assert response.context["hidden_count"] == 1
    assert response.context["gap"].operating_count == 2  # the analysis counts every firm
    assert response.context["link_form"] is None  # towns read, they do not edit chains


# --------------------------------------------------------------------------- pages


def test_chain_page_has_the_map_and_its_lists(client: Any, world: Any) -> None:
    # given
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    node = ChainNodeFactory(chain=chain, name="跑步机")
    EnterpriseNodeFactory(node=node, role="leader", enterprise=EnterpriseFactory(name="链主公司"))
    ChainNodeFactory(chain=chain, name="电机")
    ChainPartnerFactory(chain=chain, name="山东大学")
    client.force_login(world.user("chain"))
    # when
    response = client.get(reverse("chains:detail", args=[chain.pk]))
    # then
    body = response.content.decode()
    assert 'id="chain-map" class="chart chart-tall"' in body
    assert "vendor/echarts/echarts.min.js" in body
    assert "jinmu/js/charts/chain-map.js" in body  # the map's script is a file (CSP)
    assert 'id="chain-map-data"' in body
    for text in ("链主公司", "山东大学", "跑步机", "电机"):
        assert text in body
    assert response.context["lists"].leaders.last_updated is not None
    assert response.context["can_edit"]


def test_map_data_is_the_echarts_tree(client: Any, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    node = ChainNodeFactory(chain=chain, segment="midstream", name="跑步机")
    client.force_login(world.user("chain"))
    data = client.get(reverse("chains:map_data", args=[chain.pk])).json()
    assert data["tree"]["name"] == "健身器材"
    midstream = data["tree"]["children"][1]
    assert midstream["children"][0]["url"] == reverse("chains:node", args=[node.pk])
    assert midstream["children"][0]["state"] == "missing"


def test_gap_list_filters_by_chain_and_state(client: Any, world: Any) -> None:
    fitness = ChainFactory(name="健身器材")
    lift = ChainFactory(name="电梯")
    ChainNodeFactory(chain=fitness, name="电机")
    blocked = ChainNodeFactory(chain=lift, name="曳引机")
    EnterpriseNodeFactory(node=blocked)
    BottleneckFactory(node=blocked, title="曳引机芯片短缺")
    client.force_login(world.user("industry"))
    everything = client.get(reverse("chains:gaps"))
    assert len(everything.context["rows"]) == 2
    only = client.get(reverse("chains:gaps"), {"chain": lift.pk, "state": "blocked"})
    assert [row.gap.node.pk for row in only.context["rows"]] == [blocked.pk]
    assert "曳引机芯片短缺" in only.content.decode()
    bad = client.get(reverse("chains:gaps"), {"state": "nonsense"})
    assert bad.status_code == 200
    assert "state" in bad.context["form"].errors


def test_office_home_for_the_chain_office(client: Any, world: Any) -> None:
    # given
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    node = ChainNodeFactory(chain=chain, name="电机")
    BottleneckFactory(node=node, title="电机依赖外地")
    EnterpriseNodeFactory(node=node, role="leader", enterprise=EnterpriseFactory(name="链主公司"))
    client.force_login(world.user("chain"))
    client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {
            "name": "电机与驱动",
            "segment": "upstream",
            "kind": "product",
            "version": 1,
            "sort_order": 0,
        },
    )
    # when
    response = client.get(reverse("chains:office_home"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "健身器材" in body
    assert "电机依赖外地" in body
    assert "链主公司" in body
    assert response.context["home"].recent_changes[0].object_repr.endswith("电机与驱动")
    assert client.get(reverse("home"))["Location"] == reverse("chains:office_home")


@pytest.mark.parametrize("persona", ["industry", "town_a", "enterprise"])
def test_office_home_sends_other_roles_home(client: Any, world: Any, persona: str) -> None:
    client.force_login(world.user(persona))
    response = client.get(reverse("chains:office_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("persona", ["industry", "town_a", "park", "leader"])
def test_county_home_shows_the_overview(client: Any, world: Any, persona: str) -> None:
    ChainNodeFactory(chain=ChainFactory())
    client.force_login(world.user(persona))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["overview"].chain_count == 1
    assert reverse("chains:gaps") in response.content.decode()


def test_county_home_without_scope(client: Any, world: Any) -> None:
    client.force_login(world.user("bank"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["overview"] is None


# --------------------------------------------------------------------------- editing


def test_chain_office_adds_a_node_through_the_form(client: Any, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    client.force_login(world.user("chain"))
    response = client.post(
        reverse("chains:node_create", args=[chain.pk]),
        {
            "name": "轴承",
            "segment": "upstream",
            "kind": "product",
            "sort_order": 0,
            "local_demand_wan": "500",
        },
    )
    node = ChainNode.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("chains:node", args=[node.pk])
    assert node.local_demand == Decimal("5000000")
    assert AuditLog.objects.filter(action="create", object_id=str(node.pk)).exists()


def test_node_form_shows_errors_field_by_field(client: Any, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    ChainNodeFactory(chain=chain, name="轴承")
    client.force_login(world.user("chain"))
    response = client.post(
        reverse("chains:node_create", args=[chain.pk]),
        {
            "name": "轴承",
            "segment": "upstream",
            "kind": "facility",
            "sort_order": 0,
            "local_demand_wan": "-1",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "facility_type" in errors
    assert "local_demand_wan" in errors
    assert ChainNode.objects.count() == 1


def test_stale_node_edit_is_refused_with_a_message(client: Any, world: Any) -> None:
    # given the node was saved by someone else after our form opened (version 1)
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    client.force_login(world.user("industry"))
    client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {
            "name": "他人改名",
            "segment": "midstream",
            "kind": "product",
            "sort_order": 0,
            "version": 1,
        },
    )
    client.force_login(world.user("chain"))
    # when
    response = client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {
            "name": "我的改名",
            "segment": "midstream",
            "kind": "product",
            "sort_order": 0,
            "version": 1,
        },
    )
    # then
    assert response.status_code == 409
    messages = [str(m) for m in response.context["messages"]]
    assert any("版本2" in m and "重新" in m for m in messages)
    node.refresh_from_db()
    assert node.name == "他人改名"


@pytest.mark.parametrize("persona", ["town_a", "department", "leader"])
def test_readers_cannot_edit(client: Any, world: Any, persona: str) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    client.force_login(world.user(persona))
    response = client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {"name": "改名", "segment": "midstream", "kind": "product", "sort_order": 0},
    )
    assert response.status_code == 403
    node.refresh_from_db()
    assert node.name == "原名"
    assert not AuditLog.objects.exists()


def test_other_chain_office_gets_404_on_edit(client: Any, world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    client.force_login(world.user("other_chain"))
    response = client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {"name": "改名", "segment": "midstream", "kind": "product", "sort_order": 0},
    )
    assert response.status_code == 404
    node.refresh_from_db()
    assert node.name == "原名"


def test_link_enterprise_by_credit_code_then_unlink(client: Any, world: Any) -> None:
    # given a firm not yet on any chain (so outside the chain office's enterprise scope)
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    enterprise = EnterpriseFactory(region=world.town_b)
    client.force_login(world.user("chain"))
    # when
    response = client.post(
        reverse("chains:link_create", args=[node.pk]),
        {"enterprise": enterprise.uscc.lower(), "role": "backbone", "note": ""},
    )
    # then
    assert response.status_code == 302
    link = EnterpriseNode.objects.get()
    assert link.enterprise == enterprise
    assert link.role == "backbone"
    page = client.get(reverse("chains:node", args=[node.pk])).content.decode()
    assert enterprise.name in page
    # when unlinking
    client.post(reverse("chains:link_delete", args=[link.pk]), {"version": link.version})
    assert not EnterpriseNode.objects.exists()
    assert AuditLog.objects.filter(action="delete").count() == 1


def test_link_unknown_enterprise_is_a_field_error(client: Any, world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    client.force_login(world.user("chain"))
    response = client.post(
        reverse("chains:link_create", args=[node.pk]),
        {"enterprise": "不存在的公司", "role": "backbone"},
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not EnterpriseNode.objects.exists()


def test_record_and_clear_a_bottleneck(client: Any, world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    client.force_login(world.user("chain"))
    client.post(
        reverse("chains:bottleneck_create", args=[node.pk]),
        {"title": "喷涂产能不足", "since": "2026-02-01", "owner_name": "李四", "detail": ""},
    )
    bottleneck = Bottleneck.objects.get()
    assert bottleneck.status == "open"
    client.post(reverse("chains:bottleneck_clear", args=[bottleneck.pk]), {"version": 1})
    bottleneck.refresh_from_db()
    assert bottleneck.status == "cleared"
    assert AuditLog.objects.filter(object_id=str(bottleneck.pk)).count() == 2


def test_add_and_edit_a_partner(client: Any, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    client.force_login(world.user("chain"))
    response = client.post(
        reverse("chains:partner_create", args=[chain.pk]),
        {
            "kind": "university",
            "name": "山东大学",
            "contact_name": "",
            "contact_phone": "",
            "role_description": "联合研发",
        },
    )
    assert response.status_code == 302
    partner = chain.partners.get()
    response = client.post(
        reverse("chains:partner_edit", args=[partner.pk]),
        {
            "kind": "university",
            "name": "山东大学",
            "contact_name": "王老师",
            "contact_phone": "",
            "role_description": "联合研发",
            "version": 1,
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.contact_name == "王老师"
    assert partner.version == 2


def test_chain_settings_threshold_in_percent(client: Any, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office, name="健身器材")
    client.force_login(world.user("chain"))
    response = client.post(
        reverse("chains:edit", args=[chain.pk]),
        {
            "name": "健身器材",
            "cluster": "metal",
            "description": "",
            "threshold_percent": "45",
            "sort_order": 0,
            "version": 1,
        },
    )
    assert response.status_code == 302
    chain.refresh_from_db()
    assert chain.weak_share_threshold == Decimal("0.45")
    assert chain.office == world.chain_office  # the office field is not the chain office's


# --------------------------------------------------------------------------- query counts


def test_chain_list_query_count_is_constant(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    chain = ChainFactory(office=world.chain_office)
    grow(chain, 1)
    client.force_login(world.user("industry"))
    small = count_queries(client, reverse("chains:list"))
    grow(chain, 8)
    for _ in range(3):
        grow(ChainFactory(), 3)
    with django_assert_max_num_queries(small):
        client.get(reverse("chains:list"))
    assert small <= 12


def test_gap_list_query_count_is_constant(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    chain = ChainFactory()
    grow(chain, 1)
    client.force_login(world.user("industry"))
    small = count_queries(client, reverse("chains:gaps"))
    grow(chain, 8)
    for _ in range(3):
        grow(ChainFactory(), 3)
    with django_assert_max_num_queries(small):
        client.get(reverse("chains:gaps"))
    assert small <= 12


@pytest.mark.parametrize("persona", ["chain", "town_a"])
def test_chain_page_query_count_is_constant(
    client: Any, world: Any, django_assert_max_num_queries: Any, persona: str
) -> None:
    chain = ChainFactory(office=world.chain_office)
    grow(chain, 1)
    client.force_login(world.user(persona))
    url = reverse("chains:detail", args=[chain.pk])
    small = count_queries(client, url)
    grow(chain, 10)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert small <= 16
    assert len(json.loads(json.dumps(response.context["map_data"]))["legend"]) == 5


def test_node_page_query_count_is_constant(
    client: Any, world: Any, django_assert_max_num_queries: Any
) -> None:
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    EnterpriseNodeFactory(node=node)
    client.force_login(world.user("chain"))
    url = reverse("chains:node", args=[node.pk])
    small = count_queries(client, url)
    for _ in range(10):
        link = EnterpriseNodeFactory(node=node)
        AnnualFiguresFactory(enterprise=link.enterprise)
        BottleneckFactory(node=node)
    grow(chain, 3)
    with django_assert_max_num_queries(small):
        client.get(url)


def test_long_enterprise_lists_show_the_first_rows_and_link_to_the_register(
    client: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a chain whose node has more backbone firms than the pages list
    from jinmu.chains import queries

    monkeypatch.setattr(queries, "LIST_LIMIT", 2)
    monkeypatch.setattr(queries, "CHAIN_LIST_LIMIT", 2)
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    for name in ("甲公司", "乙公司", "丙公司"):
        EnterpriseNodeFactory(node=node, role="backbone", enterprise__name=name)
    client.force_login(world.user("chain"))

    # when
    chain_page = client.get(reverse("chains:detail", args=[chain.pk]))
    node_page = client.get(reverse("chains:node", args=[node.pk]))

    # then the chain page lists two of three, says so, and links to the filtered register
    backbone = chain_page.context["lists"].backbone
    assert (len(backbone.rows), backbone.total) == (2, 3)
    html = chain_page.content.decode()
    assert f"?chain={chain.pk}&amp;role=backbone" in html
    assert node_page.context["listing"].total == 3
    assert len(node_page.context["rows"]) == 2
    assert f"?node={node.pk}" in node_page.content.decode()
    # and the register, filtered that way, has all three
    register = client.get(reverse("enterprises:list"), {"chain": chain.pk, "role": "backbone"})
    names = {row.name for row in register.context["page"].rows}
    assert names == {"甲公司", "乙公司", "丙公司"}
