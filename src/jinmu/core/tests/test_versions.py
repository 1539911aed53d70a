"""No lost writes: every edit names the version it was opened on; a missing or stale one is
a 409 on the API and, on a page, the form again with the other person's change shown."""

from __future__ import annotations

from typing import Any

import yaml
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.chains.models import ChainNode
from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.enterprises.tests.test_views import form_data
from jinmu.projects.tests.factories import ProjectFactory


def _api(world: Any, persona: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.user(persona))
    return api


def test_api_patch_without_version_is_409_and_changes_nothing(world: Any) -> None:
    # given
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    # when
    response = _api(world, "industry").patch(
        f"/api/v1/chain-nodes/{node.pk}/", {"name": "改名"}, format="json"
    )
    # then
    assert response.status_code == 409
    assert list(response.json()) == ["expected_version"]
    node.refresh_from_db()
    assert (node.name, node.version) == ("原名", 1)


def test_api_patch_with_stale_version_is_409(world: Any) -> None:
    # given someone saved version 2
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名", version=2)
    # when
    response = _api(world, "industry").patch(
        f"/api/v1/chain-nodes/{node.pk}/", {"name": "改名", "expected_version": 1}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["expected_version"]
    assert ChainNode.objects.get(pk=node.pk).name == "原名"


def test_schema_requires_expected_version_on_updates(client: Client, world: Any) -> None:
    # given
    client.force_login(world.user("industry"))
    # when
    document = yaml.safe_load(client.get("/api/schema/").content)
    # then every PUT/PATCH body that takes a version requires it, and 409 is documented
    updates = [
        operation
        for operations in document["paths"].values()
        for method, operation in operations.items()
        if method in ("put", "patch")
    ]
    assert updates
    for operation in updates:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert schema["allOf"][1]["required"] == ["expected_version"], operation["operationId"]
        assert "409" in operation["responses"]
    post = document["paths"]["/api/v1/enterprises/"]["post"]
    assert "allOf" not in post["requestBody"]["content"]["application/json"]["schema"]


def test_page_edit_without_version_is_refused_with_a_message(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, name="原名有限公司")
    client.force_login(world.user("admin"))
    # when the post does not carry the version the form was opened on
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(world, uscc=enterprise.uscc, name="新名有限公司"),
    )
    # then
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("version" in str(error) or "版本" in str(error) for error in errors)
    assert str(errors[0]) in response.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("原名有限公司", 1)


def test_page_stale_edit_shows_the_other_change_and_keeps_the_input(
    world: Any, client: Client
) -> None:
    # given a colleague saved a new name while our form still carries version 1
    enterprise = EnterpriseFactory(region=world.town_a, name="原名有限公司")
    url = reverse("enterprises:edit", args=[enterprise.pk])
    client.force_login(world.user("admin"))
    client.post(url, form_data(world, uscc=enterprise.uscc, name="同事改的名", version=1))
    client.force_login(world.user("town_a"))
    # when
    response = client.post(url, form_data(world, uscc=enterprise.uscc, name="我改的名", version=1))
    # then the page names who changed what, keeps our input, and now carries version 2
    html = response.content.decode()
    assert world.user("admin").username in html or str(world.user("admin")) in html
    assert "同事改的名" in html
    assert "原名有限公司" in html
    assert 'value="我改的名"' in html
    assert 'name="version" value="2"' in html
    enterprise.refresh_from_db()
    assert enterprise.name == "同事改的名"
    # when we save again after reading their change
    again = client.post(url, form_data(world, uscc=enterprise.uscc, name="我改的名", version=2))
    # then ours replaces theirs, deliberately
    assert again.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("我改的名", 3)


def test_chain_node_edit_page_without_version_is_refused(world: Any, client: Client) -> None:
    # given
    node = ChainNodeFactory(chain=ChainFactory(office=world.chain_office), name="原名")
    client.force_login(world.user("industry"))
    # when the post leaves the version out
    response = client.post(
        reverse("chains:node_edit", args=[node.pk]),
        {"name": "改名", "segment": "midstream", "kind": "product", "sort_order": 0},
    )
    # then the form comes back with the message above it, and nothing is saved
    assert response.status_code in (200, 400)
    assert response.context["form"].non_field_errors()
    assert ChainNode.objects.get(pk=node.pk).name == "原名"


def test_project_edit_page_without_version_is_refused(world: Any, client: Client) -> None:
    # given
    project = ProjectFactory(name="原名")
    client.force_login(world.user("industry"))
    # when
    response = client.post(
        reverse("projects:edit", args=[project.pk]),
        {"name": "我的修改", "level": "county", "region": project.region_id},
    )
    # then
    assert response.status_code in (200, 400)
    assert response.context["form"].non_field_errors()
    project.refresh_from_db()
    assert (project.name, project.version) == ("原名", 1)


def test_project_stale_edit_page_names_who_changed_what(world: Any, client: Client) -> None:
    # given a colleague renamed the project after our form opened on version 1
    project = ProjectFactory(name="原名")
    url = reverse("projects:edit", args=[project.pk])
    data = {"level": "county", "region": project.region_id, "version": 1}
    client.force_login(world.user("admin"))
    assert client.post(url, {**data, "name": "同事改名"}).status_code == 302
    client.force_login(world.user("industry"))
    # when
    response = client.post(url, {**data, "name": "我的修改"})
    # then
    html = response.content.decode()
    assert "同事改名" in html
    assert "原名" in html
    assert 'value="我的修改"' in html
    project.refresh_from_db()
    assert project.name == "同事改名"
