"""Deleting a chain node that projects use: a 409 naming what uses it, never a 500 (issue 9)."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.chains.models import ChainNode
from jinmu.chains.tests.factories import ChainNodeFactory
from jinmu.projects.models import Project
from jinmu.projects.tests.factories import ProjectFactory


def _used_node(world: Any) -> ChainNode:
    node: ChainNode = ChainNodeFactory()
    ProjectFactory(region=world.town_a, chain=node.chain, node=node)
    return node


def test_api_delete_of_a_node_projects_use_is_a_409_naming_them(world: Any) -> None:
    # given
    node = _used_node(world)
    api = APIClient()
    api.force_authenticate(world.user("industry"))

    # when
    response = api.delete(f"/api/v1/chain-nodes/{node.pk}/?expected_version={node.version}")

    # then
    assert response.status_code == 409
    message = response.json()["non_field_errors"][0]
    assert str(Project._meta.verbose_name_plural) in message
    assert "1" in message
    assert ChainNode.objects.filter(pk=node.pk).exists()


def test_page_delete_of_a_node_projects_use_says_why(world: Any) -> None:
    # given
    node = _used_node(world)
    client = Client()
    client.force_login(world.user("industry"))

    # when
    response = client.post(reverse("chains:node_delete", args=[node.pk]), {"version": node.version})

    # then
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(str(Project._meta.verbose_name_plural) in m for m in shown), shown
    assert ChainNode.objects.filter(pk=node.pk).exists()


def test_a_protected_delete_outside_the_services_is_a_409_page(world: Any) -> None:
    # given: a view that deletes directly (the middleware is the safety net)
    from django.db.models import ProtectedError

    from jinmu.core.refusals import RefusalMiddleware

    node = _used_node(world)
    client = Client()
    client.force_login(world.user("industry"))
    request = client.get(reverse("home")).wsgi_request
    try:
        node.delete()
    except ProtectedError as exc:
        error = exc

    # when
    response = RefusalMiddleware(lambda r: None).process_exception(  # type: ignore[arg-type]
        request, error
    )

    # then
    assert response is not None
    assert response.status_code == 409
    assert str(Project._meta.verbose_name_plural) in response.content.decode()
