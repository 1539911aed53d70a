"""Organisation pages: only the security administrator, only their region, and the security
administrator reads no business data (三员分立)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from jinmu.conftest import World
from jinmu.core.choices import Role, UnitKind
from jinmu.core.models import Region, Unit, User
from jinmu.core.tests.factories import UnitFactory, user_with
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.organisation import services
from jinmu.projects.tests.factories import ProjectFactory

PAGES = [
    ("organisation:users", {}),
    ("organisation:user_create", {}),
    ("organisation:units", {}),
    ("organisation:unit_create", {}),
    ("organisation:regions", {}),
    ("organisation:region_create", {}),
    ("organisation:region_import", {}),
    ("organisation:import", {}),
    ("organisation:template", {"kind": "users"}),
]
OTHER_PERSONAS = [
    "admin", "auditor", "leader", "industry", "chain", "department", "town_a", "park",
    "enterprise", "bank", "judge",
]  # fmt: skip


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("persona", OTHER_PERSONAS)
def test_organisation_pages_are_forbidden_to_every_other_role(world: World, persona: str) -> None:
    # given
    client = _client(world.user(persona))
    for name, kwargs in PAGES:
        # when
        response = client.get(reverse(name, kwargs=kwargs))
        # then
        assert response.status_code == 403, name
    assert (
        client.post(
            reverse("organisation:user_active", args=[world.user("town_b").pk]), {"active": "0"}
        ).status_code
        == 403
    )
    assert "/organisation/" not in client.get(reverse("home")).content.decode()


def test_the_security_administrator_sees_every_page_and_the_menu(world: World) -> None:
    # given
    client = _client(world.user("security"))
    for name, kwargs in PAGES:
        # when
        response = client.get(reverse(name, kwargs=kwargs))
        # then
        assert response.status_code == 200, name
    assert reverse("organisation:units") in client.get(reverse("home")).content.decode()


def test_pages_outside_the_region_are_404(world: World) -> None:
    # given a unit, a user and a town of another county
    other = Region.objects.create(code="371423", name="庆云县", level="county", parent_id="371400")
    town = Region.objects.create(code="371423100", name="庆云镇", level="town", parent=other)
    unit = UnitFactory(region=other, name="庆云县产业办", kind=UnitKind.INDUSTRY_OFFICE)
    stranger = user_with(Role.INDUSTRY_OFFICE, username="qingyun", unit=unit, region=other)
    client = _client(world.user("security"))
    # when / then
    assert client.get(reverse("organisation:user_edit", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("organisation:user_password", args=[stranger.pk])).status_code == 404
    assert (
        client.post(
            reverse("organisation:user_active", args=[stranger.pk]), {"active": "0"}
        ).status_code
        == 404
    )
    assert client.get(reverse("organisation:unit_edit", args=[unit.pk])).status_code == 404
    assert client.get(reverse("organisation:region_edit", args=[town.code])).status_code == 404
    assert "qingyun" not in client.get(reverse("organisation:users")).content.decode()
    assert User.objects.get(pk=stranger.pk).is_active


def test_a_user_is_created_on_the_page(world: World) -> None:
    # given
    client = _client(world.user("security"))
    # when
    response = client.post(
        reverse("organisation:user_create"),
        {
            "username": "town-dacao-2",
            "display_name": "李四",
            "unit": world.town_a_unit.pk,
            "roles": [Role.TOWN],
            "password1": "Initial#Pass2026",
            "password2": "Initial#Pass2026",
        },
    )
    # then
    assert response.status_code == 302
    created = User.objects.get(username="town-dacao-2")
    assert (created.roles, created.unit, created.region_id) == (
        [Role.TOWN],
        world.town_a_unit,
        "371422105",
    )


def test_the_page_refuses_two_administrator_roles_in_chinese(world: World) -> None:
    # given
    client = _client(world.user("security"))
    # when
    response = client.post(
        reverse("organisation:user_create"),
        {
            "username": "two-hats",
            "roles": [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN],
            "password1": "Initial#Pass2026",
            "password2": "Initial#Pass2026",
        },
    )
    # then
    assert response.status_code == 400
    assert "三员分立" in response.content.decode()
    assert not User.objects.filter(username="two-hats").exists()


def test_the_page_refuses_to_change_ones_own_roles(world: World) -> None:
    # given
    me = world.user("security")
    client = _client(me)
    # when
    response = client.post(
        reverse("organisation:user_edit", args=[me.pk]),
        {
            "roles": [Role.SECURITY_ADMIN, Role.COUNTY_LEADER],
            "region": "371422",
            "fingerprint": services.fingerprint(me),
        },
    )
    # then
    assert response.status_code == 400
    assert User.objects.get(pk=me.pk).roles == [Role.SECURITY_ADMIN]


def test_a_stale_user_form_answers_409_and_keeps_the_other_change(world: World) -> None:
    # given the form was opened, then someone else changed the account
    target = world.user("department")
    opened = services.fingerprint(target)
    User.objects.filter(pk=target.pk).update(display_name="changed meanwhile")
    client = _client(world.user("security"))
    # when
    response = client.post(
        reverse("organisation:user_edit", args=[target.pk]),
        {
            "display_name": "mine",
            "roles": [Role.DEPARTMENT],
            "unit": target.unit_id,
            "fingerprint": opened,
        },
    )
    # then
    assert response.status_code == 409
    assert User.objects.get(pk=target.pk).display_name == "changed meanwhile"


def test_a_unit_edit_without_its_version_is_refused(world: World) -> None:
    # given
    client = _client(world.user("security"))
    unit = world.industry_office
    # when
    response = client.post(
        reverse("organisation:unit_edit", args=[unit.pk]),
        {"region": "371422", "name": "改名", "kind": UnitKind.INDUSTRY_OFFICE},
    )
    # then
    assert response.status_code == 400
    assert Unit.objects.get(pk=unit.pk).name == "产业办"


def test_a_unit_is_created_and_removed_on_the_pages(world: World) -> None:
    # given
    client = _client(world.user("security"))
    # when
    response = client.post(
        reverse("organisation:unit_create"),
        {
            "region": "371422",
            "name": "宁津县人民法院",
            "short_name": "法院",
            "kind": UnitKind.COURT,
        },
    )
    # then
    assert response.status_code == 302
    court = Unit.objects.get(name="宁津县人民法院")
    response = client.post(
        reverse("organisation:unit_remove", args=[court.pk]), {"version": court.version}
    )
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=court.pk).exists()


def test_deactivation_on_the_page(world: World) -> None:
    # given
    client = _client(world.user("security"))
    target = world.user("town_b")
    # when
    response = client.post(reverse("organisation:user_active", args=[target.pk]), {"active": "0"})
    # then
    assert response.status_code == 302
    assert not User.objects.get(pk=target.pk).is_active
    signing_in = Client()
    signing_in.post(
        reverse("login"), {"username": target.username, "password": "Test@password2026"}
    )
    assert "_auth_user_id" not in signing_in.session


# -- the security administrator reads no business data -------------------------------------------


@pytest.fixture
def business(world: World) -> Any:
    """An enterprise and a project in the county."""
    enterprise = EnterpriseFactory(region=world.town_a)
    return ProjectFactory(region=world.town_a, enterprise=enterprise)


@pytest.mark.parametrize(
    "path", ["/enterprises/", "/projects/", "/targets/", "/problems/", "/chains/"]
)
def test_the_security_administrator_reads_no_business_pages(
    world: World, business: Any, path: str
) -> None:
    # when
    response = _client(world.user("security")).get(path)
    # then a forbidden module: the role holds no business permission
    assert response.status_code == 403
    assert business.name not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/enterprises/",
        "/api/v1/projects/",
        "/api/v1/targets/?year=2026",
        "/api/v1/problems/",
        "/api/v1/chains/",
        "/api/v1/annual-figures/",
    ],
)
def test_the_security_administrator_reads_no_business_api(
    world: World, business: Any, path: str
) -> None:
    # given
    client = APIClient()
    client.force_authenticate(world.user("security"))
    # when
    response = client.get(path)
    # then forbidden
    assert response.status_code == 403


def test_the_business_roles_do_see_the_rows_the_administrator_does_not(
    world: World, business: Any
) -> None:
    # given the same rows, read by the industry office
    client = APIClient()
    client.force_authenticate(world.user("industry"))
    # when
    response = client.get("/api/v1/projects/")
    # then (so the empty answers above are not an empty county)
    assert [row["id"] for row in response.json()["results"]] == [business.pk]


def test_a_region_in_use_is_not_deleted_on_the_page(world: World) -> None:
    # given 大曹镇 has a unit
    client = _client(world.user("security"))
    # when
    response = client.post(
        reverse("organisation:region_edit", args=[world.town_a.code]), {"action": "delete"}
    )
    # then
    assert response.status_code == 409
    assert "仍被" in response.content.decode()
    assert Region.objects.filter(code=world.town_a.code).exists()


def test_a_region_that_does_not_nest_is_refused_on_the_page(world: World) -> None:
    # given
    client = _client(world.user("security"))
    # when a town of another county is added
    response = client.post(
        reverse("organisation:region_create"), {"code": "371423101", "name": "某镇"}
    )
    # then
    assert response.status_code == 400
    assert "不在您所管辖的区划内" in response.content.decode()
    # when a town of the county is added
    response = client.post(
        reverse("organisation:region_create"), {"code": "371422106", "name": "大柳镇"}
    )
    # then
    assert response.status_code == 302
    assert Region.objects.get(code="371422106").level == "town"


def test_the_pages_have_no_inline_script_or_style(world: World) -> None:
    # given a strict content security policy (no inline script, style or event handler)
    client = _client(world.user("security"))
    for name, kwargs in PAGES[:-1]:
        # when
        html = client.get(reverse(name, kwargs=kwargs)).content.decode()
        body = html[html.index('<div class="page-wrapper">') :]
        # then
        assert body.count("<script") == body.count('<script src="'), name
        assert " style=" not in body, name
        assert " onclick=" not in body, name
        assert " onsubmit=" not in body, name


def test_the_user_list_runs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    # given many more users
    for n in range(30):
        user_with(Role.TOWN, username=f"extra-{n}", unit=world.town_b_unit)
    client = _client(world.user("security"))
    # when / then
    with django_assert_max_num_queries(15):
        response = client.get(reverse("organisation:users"))
    assert "extra-29" in response.content.decode()


def test_a_user_edit_without_its_version_is_refused(world: World) -> None:
    # given
    target = world.user("department")
    # when the form is posted without the token it was opened with
    response = _client(world.user("security")).post(
        reverse("organisation:user_edit", args=[target.pk]),
        {"display_name": "mine", "roles": [Role.DEPARTMENT], "unit": target.unit_id},
    )
    # then
    assert response.status_code == 400
    assert "重新" in response.content.decode()
    assert User.objects.get(pk=target.pk).display_name != "mine"
