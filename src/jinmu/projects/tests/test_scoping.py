"""Who sees which project: every persona × list page, detail page, edit page, API list and API
detail. Out of scope is absent from lists and a 404 on a detail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.chains.tests.factories import ChainFactory
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.projects.models import Project
from jinmu.projects.tests.factories import ProjectFactory

PLACES = ("town_a", "town_b", "park", "chain", "own")
EVERYTHING = frozenset(PLACES)
NOTHING: frozenset[str] = frozenset()
# persona → the places whose project they see.
VISIBLE: dict[str, frozenset[str]] = {
    "admin": EVERYTHING,
    "leader": EVERYTHING,
    "industry": EVERYTHING,
    "department": EVERYTHING,
    "chain": frozenset({"chain"}),
    "other_chain": NOTHING,
    "town_a": frozenset({"town_a", "park"}),  # the park lies in town A
    "town_b": frozenset({"town_b"}),
    "park": frozenset({"park"}),
    "enterprise": frozenset({"own"}),
    "bank": NOTHING,
    "judge": NOTHING,
    "auditor": NOTHING,
    "security": NOTHING,
}
# Roles whose permissions do not include reading the ledger at all.
NO_LEDGER = frozenset({"bank", "judge", "auditor", "security"})
# Keepers of the ledger edit what they see; a leader reads, a department edits only the
# projects it is responsible for (none here), an enterprise reports but does not edit.
EDITORS = frozenset({"admin", "industry", "chain", "other_chain", "town_a", "town_b", "park"})


@dataclass
class Ledger:
    """One project per place."""

    by_place: dict[str, Project]

    def place_of(self, pk: int) -> str:
        """The place name of a project id."""
        return next(place for place, p in self.by_place.items() if p.pk == pk)


def build_ledger(world: Any) -> Ledger:
    """A project in town A, in town B, in the park, on the chain office's chain, and one of
    the enterprise user's own enterprise (sited in the county)."""
    own = EnterpriseFactory(name="戊网链有限公司", region=world.county)
    user = world.user("enterprise")
    user.enterprise = own
    user.save()
    chain = ChainFactory(office=world.chain_office)
    return Ledger(
        {
            "town_a": ProjectFactory(name="甲镇项目", region=world.town_a),
            "town_b": ProjectFactory(name="乙镇项目", region=world.town_b),
            "park": ProjectFactory(name="园区项目", region=world.town_a, park=world.park),
            "chain": ProjectFactory(name="链上项目", region=world.county, chain=chain),
            "own": ProjectFactory(name="企业项目", region=world.county, enterprise=own),
        }
    )


@pytest.fixture
def ledger(world: Any) -> Ledger:
    """The five projects of the matrix."""
    return build_ledger(world)


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_page_list_shows_exactly_the_scope(
    persona: str, world: Any, ledger: Ledger, client: Client
) -> None:
    # given
    client.force_login(world.user(persona))

    # when
    response = client.get(reverse("projects:list"))

    # then: roles that may not read the ledger at all are refused (403), the others see their
    # scope exactly
    if persona in NO_LEDGER:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    seen = {ledger.place_of(p.pk) for p in response.context["page"].rows}
    assert seen == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("place", PLACES)
def test_page_detail_is_404_out_of_scope(
    persona: str, place: str, world: Any, ledger: Ledger, client: Client
) -> None:
    # given
    client.force_login(world.user(persona))
    project = ledger.by_place[place]

    # when
    response = client.get(reverse("projects:detail", args=[project.pk]))

    # then
    assert response.status_code == (200 if place in VISIBLE[persona] else 404)
    if response.status_code == 200:
        assert response.context["project"].pk == project.pk


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("place", PLACES)
def test_edit_page_is_404_out_of_scope_and_403_without_the_right(
    persona: str, place: str, world: Any, ledger: Ledger, client: Client
) -> None:
    # given
    client.force_login(world.user(persona))
    project = ledger.by_place[place]

    # when
    response = client.get(reverse("projects:edit", args=[project.pk]))

    # then
    if place not in VISIBLE[persona]:
        expected = 404
    elif persona in EDITORS:
        expected = 200
    else:
        expected = 403
    assert response.status_code == expected


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_api_list_shows_exactly_the_scope(persona: str, world: Any, ledger: Ledger) -> None:
    # given
    api = APIClient()
    api.force_authenticate(world.user(persona))

    # when
    response = api.get("/api/v1/projects/")

    # then
    if persona in NO_LEDGER:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    seen = {ledger.place_of(row["id"]) for row in response.json()["results"]}
    assert seen == VISIBLE[persona]


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("place", PLACES)
def test_api_detail_is_404_out_of_scope(
    persona: str, place: str, world: Any, ledger: Ledger
) -> None:
    # given
    api = APIClient()
    api.force_authenticate(world.user(persona))
    project = ledger.by_place[place]

    # when
    response = api.get(f"/api/v1/projects/{project.pk}/")

    # then
    assert response.status_code == (200 if place in VISIBLE[persona] else 404)


def test_town_b_cannot_change_a_town_a_project(world: Any, ledger: Ledger, client: Client) -> None:
    # given
    project = ledger.by_place["town_a"]
    client.force_login(world.user("town_b"))
    api = APIClient()
    api.force_authenticate(world.user("town_b"))

    # when
    responses = [
        client.post(reverse("projects:edit", args=[project.pk]), {"name": "改名", "version": 1}),
        client.post(reverse("projects:transition", args=[project.pk]), {"to_status": "completed"}),
        api.patch(f"/api/v1/projects/{project.pk}/", {"name": "改名"}, format="json"),
        api.post(
            f"/api/v1/projects/{project.pk}/transition/",
            {"to_status": "completed"},
            format="json",
        ),
    ]

    # then
    assert [r.status_code for r in responses] == [404] * len(responses)
    project.refresh_from_db()
    assert (project.name, project.status, project.version) == ("甲镇项目", "started", 1)


def test_a_department_edits_the_projects_it_is_responsible_for(
    world: Any, ledger: Ledger, client: Client
) -> None:
    # given
    department = world.user("department")
    mine = ledger.by_place["town_b"]
    Project.objects.filter(pk=mine.pk).update(responsible_unit=department.unit)
    client.force_login(department)

    # when
    own = client.get(reverse("projects:edit", args=[mine.pk]))
    other = client.get(reverse("projects:edit", args=[ledger.by_place["town_a"].pk]))

    # then
    assert (own.status_code, other.status_code) == (200, 403)


def test_anonymous_is_sent_to_sign_in_and_refused_by_the_api(
    ledger: Ledger, client: Client
) -> None:
    # when
    page = client.get(reverse("projects:list"))
    api = APIClient().get("/api/v1/projects/")

    # then
    assert page.status_code == 302
    assert api.status_code in (401, 403)


def test_filters_cannot_reach_outside_the_scope(world: Any, ledger: Ledger) -> None:
    # given: town A asks for town B's projects by code
    api = APIClient()
    api.force_authenticate(world.user("town_a"))

    # when
    response = api.get("/api/v1/projects/", {"town": world.town_b.code})

    # then: the town is not one of its choices
    assert response.status_code == 400
    assert "town" in response.json()
