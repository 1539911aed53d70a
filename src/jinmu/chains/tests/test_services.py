"""Chain services: audited, version-checked, scoped to the editor's chains."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from jinmu.chains import services
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.chains.tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainNodeFactory,
    ChainPartnerFactory,
    EnterpriseNodeFactory,
)
from jinmu.core.models import AuditLog
from jinmu.core.services import StaleObjectError
from jinmu.enterprises.tests.factories import EnterpriseFactory


def entries(obj: Any, action: str | None = None) -> Any:
    """Audit rows of one object."""
    rows = AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )
    return rows.filter(action=action) if action else rows


def test_chain_office_adds_a_node_audited_with_the_chains_region(world: Any) -> None:
    # given
    chain = ChainFactory(office=world.chain_office)
    # when
    node = services.create_node(
        actor=world.user("chain"),
        chain=chain,
        data={
            "name": "轴承",
            "segment": "upstream",
            "kind": "product",
            "local_demand": Decimal("5000000"),
        },
    )
    # then
    assert node.region_id == chain.region_id
    entry = entries(node).get()
    assert entry.action == "create"
    assert entry.before is None
    assert entry.after["name"] == "轴承"
    assert entry.actor == world.user("chain")


def test_update_is_audited_with_before_and_after(world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="旧名")
    services.update_node(
        actor=world.user("chain"), node=node, data={"name": "新名"}, expected_version=1
    )
    node.refresh_from_db()
    assert node.name == "新名"
    assert node.version == 2
    entry = entries(node, "update").get()
    assert entry.before["name"] == "旧名"
    assert entry.after["name"] == "新名"


def test_stale_edit_is_refused_and_nothing_changes(world: Any) -> None:
    # given someone saved the node after our form was opened at version 1
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    services.update_node(actor=world.user("industry"), node=node, data={"name": "他人改名"})
    # when / then
    with pytest.raises(StaleObjectError):
        services.update_node(
            actor=world.user("chain"), node=node, data={"name": "我的改名"}, expected_version=1
        )
    node.refresh_from_db()
    assert node.name == "他人改名"
    assert entries(node, "update").count() == 1


@pytest.mark.parametrize("persona", ["other_chain", "town_a", "department", "leader", "bank"])
def test_others_may_not_change_a_chain_office_chain(world: Any, persona: str) -> None:
    # given
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain, name="原名")
    # when / then
    with pytest.raises(PermissionDenied):
        services.update_node(actor=world.user(persona), node=node, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.create_node(
            actor=world.user(persona),
            chain=chain,
            data={"name": "新节点", "segment": "upstream", "kind": "product"},
        )
    node.refresh_from_db()
    assert node.name == "原名"
    assert ChainNode.objects.count() == 1
    assert not AuditLog.objects.exists()


def test_chain_office_may_not_hand_its_chain_to_another_office(world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    with pytest.raises(ValidationError) as error:
        services.update_chain(
            actor=world.user("chain"), chain=chain, data={"office": world.other_chain_office}
        )
    assert "office" in error.value.message_dict
    chain.refresh_from_db()
    assert chain.office == world.chain_office


def test_industry_office_creates_and_reassigns_chains(world: Any) -> None:
    chain = services.create_chain(
        actor=world.user("industry"),
        data={"name": "电梯", "cluster": "metal", "office": world.chain_office},
    )
    assert chain.region_id == "371422"
    services.update_chain(
        actor=world.user("industry"), chain=chain, data={"office": world.other_chain_office}
    )
    chain.refresh_from_db()
    assert chain.office == world.other_chain_office
    assert entries(chain).count() == 2
    with pytest.raises(PermissionDenied):
        services.create_chain(actor=world.user("chain"), data={"name": "农机", "cluster": "metal"})


def test_parent_cycles_are_refused(world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    top = ChainNodeFactory(chain=chain)
    middle = ChainNodeFactory(chain=chain, parent=top)
    with pytest.raises(ValidationError) as error:
        services.update_node(actor=world.user("chain"), node=top, data={"parent": middle})
    assert "parent" in error.value.message_dict
    other = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    with pytest.raises(ValidationError):
        services.update_node(actor=world.user("chain"), node=top, data={"parent": other})


def test_link_enterprise_takes_the_nodes_region_and_refuses_duplicates(world: Any) -> None:
    # given
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    enterprise = EnterpriseFactory(region=world.town_a)
    # when
    link = services.link_enterprise(
        actor=world.user("chain"), node=node, enterprise=enterprise, role="leader"
    )
    # then
    assert link.region_id == node.region_id
    assert entries(link, "create").exists()
    with pytest.raises(ValidationError):
        services.link_enterprise(
            actor=world.user("chain"), node=node, enterprise=enterprise, role="backbone"
        )
    assert EnterpriseNode.objects.count() == 1


def test_group_nodes_take_no_enterprises(world: Any) -> None:
    group = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), kind="group")
    with pytest.raises(ValidationError):
        services.link_enterprise(
            actor=world.user("chain"),
            node=group,
            enterprise=EnterpriseFactory(),
            role="supporting",
        )
    assert not EnterpriseNode.objects.exists()


def test_unlink_and_role_change_are_audited(world: Any) -> None:
    link = EnterpriseNodeFactory(
        node=ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    )
    services.update_link(actor=world.user("chain"), link=link, data={"role": "backbone"})
    services.unlink_enterprise(actor=world.user("chain"), link=link, expected_version=2)
    assert not EnterpriseNode.objects.exists()
    assert entries(link, "update").get().after["role"] == "backbone"
    assert entries(link, "delete").get().before["role"] == "backbone"


def test_delete_node_audits_every_removed_row(world: Any) -> None:
    # given a node with a sub-node, a link on each and a bottleneck
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    child = ChainNodeFactory(chain=chain, parent=node)
    link = EnterpriseNodeFactory(node=node)
    child_link = EnterpriseNodeFactory(node=child)
    bottleneck = BottleneckFactory(node=child)
    keep = ChainNodeFactory(chain=chain)
    # when
    services.delete_node(actor=world.user("chain"), node=node)
    # then
    assert list(ChainNode.objects.all()) == [keep]
    for row in (node, child, link, child_link, bottleneck):
        assert entries(row, "delete").count() == 1


def test_partner_create_update_delete(world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    partner = services.create_partner(
        actor=world.user("chain"),
        chain=chain,
        data={"kind": "university", "name": "山东大学", "role_description": "联合研发"},
    )
    assert partner.region_id == chain.region_id
    services.update_partner(
        actor=world.user("chain"),
        partner=partner,
        data={"contact_name": "王老师"},
        expected_version=1,
    )
    services.delete_partner(actor=world.user("chain"), partner=partner, expected_version=2)
    assert not ChainPartner.objects.exists()
    assert [e.action for e in entries(partner).order_by("id")] == ["create", "update", "delete"]
    with pytest.raises(PermissionDenied):
        services.create_partner(
            actor=world.user("other_chain"), chain=chain, data={"kind": "bank", "name": "某银行"}
        )


def test_bottleneck_is_recorded_cleared_and_reopened(world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    bottleneck = services.create_bottleneck(
        actor=world.user("chain"),
        node=node,
        data={"title": "电机依赖外地", "since": dt.date(2026, 1, 5), "owner_name": "张三"},
    )
    assert bottleneck.status == "open"
    assert bottleneck.region_id == node.region_id
    cleared = services.clear_bottleneck(
        actor=world.user("chain"),
        bottleneck=bottleneck,
        cleared_on=dt.date(2026, 3, 1),
        expected_version=1,
    )
    assert cleared.status == "cleared"
    entry = entries(bottleneck, "update").get()
    assert entry.before["status"] == "open"
    assert entry.after["status"] == "cleared"
    with pytest.raises(ValidationError):
        services.clear_bottleneck(actor=world.user("chain"), bottleneck=bottleneck)
    reopened = services.update_bottleneck(
        actor=world.user("chain"), bottleneck=bottleneck, data={"status": "open"}
    )
    assert reopened.cleared_on is None
    with pytest.raises(ValidationError):  # clearing before it began
        services.clear_bottleneck(
            actor=world.user("chain"), bottleneck=bottleneck, cleared_on=dt.date(2025, 1, 1)
        )
    assert Bottleneck.objects.get().status == "open"


def test_delete_chain_is_for_the_industry_office(world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    ChainNodeFactory(chain=chain)
    ChainPartnerFactory(chain=chain)
    with pytest.raises(PermissionDenied):
        services.delete_chain(actor=world.user("chain"), chain=chain)
    services.delete_chain(actor=world.user("industry"), chain=chain)
    assert not Chain.objects.exists()
    assert AuditLog.objects.filter(action="delete").count() == 3
