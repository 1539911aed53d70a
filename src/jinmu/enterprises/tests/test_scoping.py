"""Who sees which enterprise: every persona × page list, page detail, API list, API detail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.factories import EnterpriseFactory

PLACES = ("town_a", "town_b", "park", "chain", "own")
EVERYTHING = frozenset(PLACES)
# persona → the places whose enterprise they see.
VISIBLE: dict[str, frozenset[str]] = {
    "admin": EVERYTHING,
    "leader": EVERYTHING,
    "industry": EVERYTHING,
    "department": EVERYTHING,
    "chain": frozenset({"chain"}),
    "other_chain": frozenset(),
    "town_a": frozenset({"town_a", "park"}),  # the park lies in town A
    "town_b": frozenset({"town_b"}),
    "park": frozenset({"park"}),
    "enterprise": frozenset({"own"}),
}
# Roles with no enterprise register at all: 403 on list and detail, pages and API alike.
DENIED = ("security", "auditor", "bank", "judge")


@dataclass
class Register:
    """One enterprise per place."""

    by_place: dict[str, Enterprise]

    def place_of(self, pk: int) -> str:
        """The place name of an enterprise id."""
        return next(place for place, e in self.by_place.items() if e.pk == pk)


def build_register(world: Any) -> Register:
    """An enterprise in town A, in town B, in the park, on the chain office's chain, and the
    enterprise user's own."""
    town_a = EnterpriseFactory(name="甲机械有限公司", region=world.town_a)
    town_b = EnterpriseFactory(name="乙家具有限公司", region=world.town_b)
    park = EnterpriseFactory(name="丙健身器材有限公司", region=world.town_a, park=world.park)
    on_chain = EnterpriseFactory(name="丁电机有限公司", region=world.county)
    chain = ChainFactory(office=world.chain_office)
    EnterpriseNodeFactory(node=ChainNodeFactory(chain=chain), enterprise=on_chain)
    own = EnterpriseFactory(name="戊网链有限公司", region=world.county)
    user = world.user("enterprise")
    user.enterprise = own
    user.save()
    return Register(
        {"town_a": town_a, "town_b": town_b, "park": park, "chain": on_chain, "own": own}
    )


@pytest.fixture
def register(world: Any) -> Register:
    """The five enterprises of the matrix."""
    return build_register(world)


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_page_list_shows_exactly_the_scope(
    persona: str, world: Any, register: Register, client: Client
) -> None:
    # given
    client.force_login(world.user(persona))

    # when
    response = client.get(reverse("enterprises:list"))

    # then
    assert response.status_code == 200
    seen = {register.place_of(e.pk) for e in response.context["page"].rows}
    assert seen == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("place", PLACES)
def test_page_detail_is_404_out_of_scope(
    persona: str, place: str, world: Any, register: Register, client: Client
) -> None:
    # given
    client.force_login(world.user(persona))
    enterprise = register.by_place[place]

    # when
    detail = client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    chart = client.get(reverse("enterprises:figures_chart", args=[enterprise.pk]))

    # then
    expected = 200 if place in VISIBLE[persona] else 404
    assert detail.status_code == expected
    assert chart.status_code == expected


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_api_list_shows_exactly_the_scope(persona: str, world: Any, register: Register) -> None:
    # given
    api = APIClient()
    api.force_authenticate(world.user(persona))

    # when
    response = api.get("/api/v1/enterprises/")

    # then
    assert response.status_code == 200
    seen = {register.place_of(row["id"]) for row in response.json()["results"]}
    assert seen == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("place", PLACES)
def test_api_detail_is_404_out_of_scope(
    persona: str, place: str, world: Any, register: Register
) -> None:
    # given
    api = APIClient()
    api.force_authenticate(world.user(persona))
    enterprise = register.by_place[place]

    # when
    response = api.get(f"/api/v1/enterprises/{enterprise.pk}/")

    # then
    assert response.status_code == (200 if place in VISIBLE[persona] else 404)


@pytest.mark.parametrize("persona", DENIED)
def test_roles_without_the_register_get_403(
    persona: str, world: Any, register: Register, client: Client
) -> None:
    # given
    user = world.user(persona)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    enterprise = register.by_place["town_a"]

    # when
    responses = [
        client.get(reverse("enterprises:list")),
        client.get(reverse("enterprises:detail", args=[enterprise.pk])),
        api.get("/api/v1/enterprises/"),
        api.get(f"/api/v1/enterprises/{enterprise.pk}/"),
        api.get("/api/v1/annual-figures/"),
        api.get("/api/v1/qualifications/"),
    ]

    # then
    assert [r.status_code for r in responses] == [403] * len(responses)


def test_enterprise_user_without_an_enterprise_gets_403(world: Any, client: Client) -> None:
    # given: the persona before it is linked to an enterprise
    client.force_login(world.user("enterprise"))

    # when
    response = client.get(reverse("enterprises:list"))

    # then
    assert response.status_code == 403


def test_anonymous_is_sent_to_sign_in_and_refused_by_the_api(
    register: Register, client: Client
) -> None:
    # when
    page = client.get(reverse("enterprises:list"))
    api = APIClient().get("/api/v1/enterprises/")

    # then
    assert page.status_code == 302
    assert api.status_code in (401, 403)


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_child_rows_follow_the_enterprise_scope(
    persona: str, world: Any, register: Register
) -> None:
    # given: figures and a qualification for every enterprise
    from jinmu.enterprises.tests.factories import AnnualFiguresFactory, QualificationFactory

    for enterprise in register.by_place.values():
        AnnualFiguresFactory(enterprise=enterprise)
        QualificationFactory(enterprise=enterprise)
    api = APIClient()
    api.force_authenticate(world.user(persona))

    # when
    figures = api.get("/api/v1/annual-figures/").json()["results"]
    qualifications = api.get("/api/v1/qualifications/").json()["results"]

    # then
    assert {register.place_of(r["enterprise"]) for r in figures} == VISIBLE[persona]
    assert {register.place_of(r["enterprise"]) for r in qualifications} == VISIBLE[persona]
