"""Chains API: scoping, filters, writes through the services, the computed gap list."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rest_framework import serializers
from rest_framework.test import APIClient

from jinmu.chains import queries
from jinmu.chains.api.serializers import GapSerializer
from jinmu.chains.models import Bottleneck, ChainNode
from jinmu.chains.tests.factories import (
    BottleneckFactory,
    ChainFactory,
    ChainNodeFactory,
    ChainPartnerFactory,
    EnterpriseNodeFactory,
)
from jinmu.core.models import AuditLog

API = "/api/v1"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def as_user(api: APIClient, world: Any, persona: str) -> APIClient:
    api.force_authenticate(world.user(persona))
    return api


# --------------------------------------------------------------------------- scoping


def test_chain_office_lists_and_reads_only_its_chains(api: APIClient, world: Any) -> None:
    # given
    own = ChainFactory(office=world.chain_office)
    other = ChainFactory(office=world.other_chain_office)
    own_node = ChainNodeFactory(chain=own)
    other_node = ChainNodeFactory(chain=other)
    other_bottleneck = BottleneckFactory(node=other_node)
    other_partner = ChainPartnerFactory(chain=other)
    as_user(api, world, "chain")
    # when / then
    chains = api.get(f"{API}/chains/").json()
    assert [c["id"] for c in chains["results"]] == [own.pk]
    assert chains["next"] is None
    assert api.get(f"{API}/chains/{other.pk}/").status_code == 404
    nodes = api.get(f"{API}/chain-nodes/").json()["results"]
    assert [n["id"] for n in nodes] == [own_node.pk]
    assert api.get(f"{API}/chain-nodes/{other_node.pk}/").status_code == 404
    assert api.get(f"{API}/bottlenecks/{other_bottleneck.pk}/").status_code == 404
    assert api.get(f"{API}/chain-partners/{other_partner.pk}/").status_code == 404
    gaps = api.get(f"{API}/chain-gaps/").json()["results"]
    assert [g["node"] for g in gaps] == [own_node.pk]


@pytest.mark.parametrize("persona", ["enterprise", "bank", "judge", "auditor"])
@pytest.mark.parametrize(
    "path", ["chains/", "chain-nodes/", "chain-gaps/", "chain-partners/", "bottlenecks/"]
)
def test_roles_without_chains_get_403(api: APIClient, world: Any, persona: str, path: str) -> None:
    ChainNodeFactory(chain=ChainFactory())
    as_user(api, world, persona)
    assert api.get(f"{API}/{path}").status_code == 403


def test_anonymous_is_refused(api: APIClient, world: Any) -> None:
    assert api.get(f"{API}/chains/").status_code in (401, 403)


def test_town_user_reads_chains(api: APIClient, world: Any) -> None:
    chain = ChainFactory()
    as_user(api, world, "town_a")
    assert api.get(f"{API}/chains/{chain.pk}/").status_code == 200


# --------------------------------------------------------------------------- filters and pages


def test_nodes_filter_by_chain_segment_and_kind(api: APIClient, world: Any) -> None:
    chain = ChainFactory()
    up = ChainNodeFactory(chain=chain, segment="upstream")
    ChainNodeFactory(chain=chain, segment="downstream")
    group = ChainNodeFactory(chain=chain, segment="upstream", kind="group")
    ChainNodeFactory(chain=ChainFactory(), segment="upstream")
    as_user(api, world, "industry")
    results = api.get(f"{API}/chain-nodes/", {"chain": chain.pk, "segment": "upstream"}).json()[
        "results"
    ]
    assert {n["id"] for n in results} == {up.pk, group.pk}
    results = api.get(f"{API}/chain-nodes/", {"kind": "group"}).json()["results"]
    assert [n["id"] for n in results] == [group.pk]


def test_bad_filters_are_400_with_per_field_messages(api: APIClient, world: Any) -> None:
    other = ChainFactory(office=world.other_chain_office)
    as_user(api, world, "chain")
    response = api.get(f"{API}/chain-nodes/", {"segment": "sideways", "chain": other.pk})
    assert response.status_code == 400
    assert set(response.json()) == {"segment", "chain"}  # another office's chain is not a choice
    response = api.get(f"{API}/chain-gaps/", {"state": "nonsense", "chain": "x"})
    assert response.status_code == 400
    assert set(response.json()) == {"state", "chain"}


def test_lists_are_paged_with_next(api: APIClient, world: Any) -> None:
    chain = ChainFactory()
    for _ in range(3):
        ChainNodeFactory(chain=chain)
    as_user(api, world, "industry")
    first = api.get(f"{API}/chain-nodes/", {"page_size": 2}).json()
    assert len(first["results"]) == 2
    assert first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    gaps = api.get(f"{API}/chain-gaps/", {"page_size": 2}).json()
    assert len(gaps["results"]) == 2
    assert gaps["next"]
    rest = api.get(gaps["next"]).json()
    assert len(rest["results"]) == 1
    assert rest["next"] is None
    seen = {g["node"] for g in gaps["results"]} | {g["node"] for g in rest["results"]}
    assert len(seen) == 3


def test_gap_rows_carry_the_analysis(api: APIClient, world: Any) -> None:
    chain = ChainFactory(name="健身器材")
    node = ChainNodeFactory(chain=chain, name="电机", local_demand="1000")
    EnterpriseNodeFactory(node=node, role="leader")
    bottleneck = BottleneckFactory(node=node, title="芯片短缺")
    ChainNodeFactory(chain=chain, name="轴承")
    as_user(api, world, "industry")
    rows = api.get(f"{API}/chain-gaps/", {"state": "blocked"}).json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["chain_name"] == "健身器材"
    assert row["state"] == "blocked"
    assert row["flags"] == ["blocked", "weak"]
    assert row["share"] == "0.0000"
    assert row["leader_count"] == 1
    assert row["operating_count"] == 1
    assert row["open_bottlenecks"][0]["id"] == bottleneck.pk
    assert row["page_url"] == f"/chains/nodes/{node.pk}/"


def test_gap_rows_are_drawn_as_the_declared_fields_draw_them(world: Any) -> None:
    # given gaps of every kind: no demand, an owned and an unowned bottleneck, a group, a miss
    chain = ChainFactory(name="健身器材")
    node = ChainNodeFactory(chain=chain, name="电机", local_demand="1234.5")
    EnterpriseNodeFactory(node=node, role="leader")
    BottleneckFactory(node=node, title="芯片短缺", owner_unit=world.chain_office)
    BottleneckFactory(node=node, title="物流不畅")
    ChainNodeFactory(chain=chain, name="轴承")
    group = ChainNodeFactory(chain=chain, name="有氧器械", kind="group")
    BottleneckFactory(node=group)
    rows = queries.gap_list(world.user("industry"))
    assert len(rows) == 3
    # when each row is drawn by the serializer and by DRF's walk over its declared fields
    serializer = GapSerializer()
    for row in rows:
        fast = serializer.to_representation(row)
        declared = serializers.Serializer.to_representation(serializer, row)
        # then they agree, key for key and in order
        assert list(fast.items()) == list(declared.items())


# --------------------------------------------------------------------------- writes


def test_chain_office_creates_a_node_audited(api: APIClient, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    as_user(api, world, "chain")
    response = api.post(
        f"{API}/chain-nodes/",
        {"chain": chain.pk, "name": "轴承", "segment": "upstream", "kind": "product"},
        format="json",
    )
    assert response.status_code == 201, response.content
    node = ChainNode.objects.get()
    assert response.json()["id"] == node.pk
    assert node.region_id == chain.region_id
    assert AuditLog.objects.filter(action="create", object_id=str(node.pk)).exists()


def test_node_in_another_offices_chain_is_refused(api: APIClient, world: Any) -> None:
    other = ChainFactory(office=world.other_chain_office)
    as_user(api, world, "chain")
    response = api.post(
        f"{API}/chain-nodes/",
        {"chain": other.pk, "name": "轴承", "segment": "upstream", "kind": "product"},
        format="json",
    )
    assert response.status_code == 400
    assert "chain" in response.json()
    assert not ChainNode.objects.exists()


def test_invalid_node_is_400_with_field_messages(api: APIClient, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    as_user(api, world, "chain")
    response = api.post(
        f"{API}/chain-nodes/",
        {"chain": chain.pk, "name": "物流中心", "segment": "service", "kind": "facility"},
        format="json",
    )
    assert response.status_code == 400
    assert "facility_type" in response.json()
    assert not ChainNode.objects.exists()


@pytest.mark.parametrize("persona", ["town_a", "department", "leader"])
def test_readers_cannot_write(api: APIClient, world: Any, persona: str) -> None:
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain, name="原名")
    as_user(api, world, persona)
    response = api.patch(f"{API}/chain-nodes/{node.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403
    node.refresh_from_db()
    assert node.name == "原名"
    assert not AuditLog.objects.exists()


def test_stale_update_is_refused(api: APIClient, world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    as_user(api, world, "chain")
    first = api.patch(
        f"{API}/chain-nodes/{node.pk}/", {"name": "第一次", "expected_version": 1}, format="json"
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = api.patch(
        f"{API}/chain-nodes/{node.pk}/", {"name": "第二次", "expected_version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert "expected_version" in stale.json()
    node.refresh_from_db()
    assert node.name == "第一次"


def test_chain_office_cannot_reassign_its_chain(api: APIClient, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    as_user(api, world, "chain")
    response = api.patch(
        f"{API}/chains/{chain.pk}/", {"office": world.other_chain_office.pk}, format="json"
    )
    assert response.status_code == 400
    assert "office" in response.json()
    response = api.patch(
        f"{API}/chains/{chain.pk}/", {"weak_share_threshold": "0.4"}, format="json"
    )
    assert response.status_code == 409
    assert "expected_version" in response.json()
    response = api.patch(
        f"{API}/chains/{chain.pk}/",
        {"weak_share_threshold": "0.4", "expected_version": chain.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["weak_share_threshold"] == "0.400"


def test_bottleneck_create_clear_and_delete(api: APIClient, world: Any) -> None:
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    as_user(api, world, "chain")
    created = api.post(
        f"{API}/bottlenecks/",
        {"node": node.pk, "title": "喷涂产能不足", "since": "2026-02-01"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    cleared = api.post(
        f"{API}/bottlenecks/{pk}/clear/",
        {"cleared_on": "2026-03-01", "expected_version": 1},
        format="json",
    )
    assert cleared.status_code == 200
    assert cleared.json()["status"] == "cleared"
    again = api.post(f"{API}/bottlenecks/{pk}/clear/", {}, format="json")
    assert again.status_code == 400
    stale = api.delete(f"{API}/bottlenecks/{pk}/?expected_version=1")
    assert stale.status_code == 409
    assert api.delete(f"{API}/bottlenecks/{pk}/?expected_version=2").status_code == 204
    assert not Bottleneck.objects.exists()
    assert AuditLog.objects.filter(object_id=str(pk)).count() == 3


def test_partner_crud(api: APIClient, world: Any) -> None:
    chain = ChainFactory(office=world.chain_office)
    as_user(api, world, "chain")
    created = api.post(
        f"{API}/chain-partners/",
        {"chain": chain.pk, "kind": "bank", "name": "宁津农商银行"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    duplicate = api.post(
        f"{API}/chain-partners/",
        {"chain": chain.pk, "kind": "bank", "name": "宁津农商银行"},
        format="json",
    )
    assert duplicate.status_code == 400
    listed = api.get(f"{API}/chain-partners/", {"chain": chain.pk, "kind": "bank"}).json()
    assert [p["id"] for p in listed["results"]] == [pk]
    assert api.delete(f"{API}/chain-partners/{pk}/").status_code == 204


def test_api_list_query_counts_are_constant(
    api: APIClient, world: Any, django_assert_max_num_queries: Any
) -> None:
    chain = ChainFactory()
    for _ in range(20):
        node = ChainNodeFactory(chain=chain)
        EnterpriseNodeFactory(node=node)
        BottleneckFactory(node=node)
        ChainPartnerFactory(chain=chain)
    as_user(api, world, "industry")
    for path in ("chains/", "chain-nodes/", "chain-gaps/", "chain-partners/", "bottlenecks/"):
        with django_assert_max_num_queries(8):
            assert api.get(f"{API}/{path}").status_code == 200


def test_schema_documents_the_chain_endpoints(client: Any, world: Any) -> None:
    client.force_login(world.user("industry"))
    document = yaml.safe_load(client.get("/api/schema/").content)
    paths = document["paths"]
    for path in ("chains", "chain-nodes", "chain-gaps", "chain-partners", "bottlenecks"):
        assert f"/api/v1/{path}/" in paths
    gaps = paths["/api/v1/chain-gaps/"]["get"]
    names = {p["name"] for p in gaps["parameters"]}
    assert {"chain", "state", "cursor", "page_size"} <= names
    assert "/api/v1/bottlenecks/{id}/clear/" in paths
