"""Problem pages and API: scoping, filters, overdue marking, claim and resolve forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from jinmu.core.tests.factories import UnitFactory
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.problems import services
from jinmu.problems.choices import ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.tests.factories import ProjectFactory

API = "/api/v1/problems/"


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def pool(world: Any) -> dict[str, Problem]:
    """A problem in each town, one of an enterprise's project, one overdue."""
    today = timezone.localdate()
    ours = EnterpriseFactory(name="宁津大曹健身器材有限公司")
    user = world.user("enterprise")
    user.enterprise = ours
    user.save()
    town_a = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit, name="甲项目")
    town_b = ProjectFactory(region=world.town_b, responsible_unit=world.town_b_unit, name="乙项目")
    own = ProjectFactory(region=world.town_a, enterprise=ours, responsible_unit=world.town_a_unit)

    def make(persona: str, title: str, category: str, project: Any, **kwargs: Any) -> Problem:
        return services.raise_problem(
            actor=world.user(persona), title=title, category=category, project=project, **kwargs
        )

    return {
        "a": make("town_a", "甲镇用地指标", "land", town_a),
        "b": make("town_b", "乙镇缺工", "labour", town_b),
        "own": make("enterprise", "企业融资难", "funding", own),
        "late": make("town_a", "逾期未接电", "energy", town_a, today=today - dt.timedelta(days=40)),
    }


def titles(response: Any) -> set[str]:
    return {row["problem"].title for row in response.context["rows"]}


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("industry", {"甲镇用地指标", "乙镇缺工", "企业融资难", "逾期未接电"}),
        ("department", {"甲镇用地指标", "乙镇缺工", "企业融资难", "逾期未接电"}),
        ("town_a", {"甲镇用地指标", "企业融资难", "逾期未接电"}),
        ("town_b", {"乙镇缺工"}),
        ("enterprise", {"企业融资难"}),
    ],
)
def test_list_is_scoped(
    client: Any, world: Any, pool: Any, persona: str, expected: set[str]
) -> None:
    client.force_login(world.user(persona))
    response = client.get(reverse("problems:list"))
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize("persona", ["bank", "judge", "auditor"])
def test_roles_without_scope_are_refused(client: Any, world: Any, pool: Any, persona: str) -> None:
    client.force_login(world.user(persona))
    assert client.get(reverse("problems:list")).status_code == 403
    assert client.get(reverse("problems:detail", args=[pool["a"].pk])).status_code == 404


def test_out_of_scope_problem_is_404(client: Any, world: Any, pool: Any) -> None:
    client.force_login(world.user("town_b"))
    assert client.get(reverse("problems:detail", args=[pool["a"].pk])).status_code == 404
    assert client.post(reverse("problems:claim", args=[pool["a"].pk])).status_code == 404


def test_overdue_is_marked_and_filterable(client: Any, world: Any, pool: Any) -> None:
    client.force_login(world.user("town_a"))
    response = client.get(reverse("problems:list"), {"overdue": "on"})
    assert titles(response) == {"逾期未接电"}
    html = response.content.decode()
    assert html.count("overdue-badge") == 1


def test_filter_by_status_and_unit(client: Any, world: Any, pool: Any) -> None:
    services.resolve_problem(actor=world.user("industry"), problem=pool["b"], resolution="已招工")
    client.force_login(world.user("industry"))
    resolved = client.get(reverse("problems:list"), {"status": "resolved"})
    assert titles(resolved) == {"乙镇缺工"}
    unresolved = client.get(reverse("problems:list"))
    assert "乙镇缺工" not in titles(unresolved)
    by_unit = client.get(
        reverse("problems:list"), {"status": "all", "owner_unit": world.town_b_unit.pk}
    )
    assert titles(by_unit) == {"乙镇缺工"}


def test_claim_and_resolve_through_the_page(client: Any, world: Any, pool: Any) -> None:
    problem = pool["a"]
    client.force_login(world.user("town_a"))
    page = client.get(reverse("problems:detail", args=[problem.pk])).content.decode()
    assert reverse("problems:claim", args=[problem.pk]) in page
    response = client.post(reverse("problems:claim", args=[problem.pk]), {"version": 1})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLAIMED
    # a resolve without a resolution is sent back with the field's message
    empty = client.post(reverse("problems:resolve", args=[problem.pk]), {"resolution": ""})
    assert empty.status_code == 200
    assert empty.context["resolve_form"].errors["resolution"]
    done = client.post(
        reverse("problems:resolve", args=[problem.pk]),
        {"resolution": "县自然资源局已调剂指标", "version": problem.version},
    )
    assert done.status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED
    assert "县自然资源局已调剂指标" in client.get(done["Location"]).content.decode()


def test_stale_resolve_is_refused(client: Any, world: Any, pool: Any) -> None:
    problem = pool["a"]
    client.force_login(world.user("town_a"))
    services.claim_problem(actor=world.user("town_a"), problem=problem)
    response = client.post(
        reverse("problems:resolve", args=[problem.pk]), {"resolution": "已解决", "version": 1}
    )
    assert response.status_code == 409
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLAIMED


def test_enterprise_sees_but_cannot_claim(client: Any, world: Any, pool: Any) -> None:
    client.force_login(world.user("enterprise"))
    page = client.get(reverse("problems:detail", args=[pool["own"].pk]))
    assert page.status_code == 200
    assert not page.context["can_claim"]
    assert not page.context["can_resolve"]
    assert client.post(reverse("problems:claim", args=[pool["own"].pk])).status_code == 403


def test_raise_a_problem_by_hand(client: Any, world: Any, pool: Any) -> None:
    project = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    bureau = UnitFactory(name="供电公司")
    client.force_login(world.user("town_a"))
    url = reverse("problems:create") + f"?project={project.pk}"
    bad = client.post(url, {"title": "", "category": "energy"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["title"]
    response = client.post(
        url, {"title": "变压器容量不足", "category": "energy", "owner_unit": bureau.pk}
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="变压器容量不足")
    assert problem.project == project
    assert problem.owner_unit == bureau
    assert problem.due_on is not None
    other = ProjectFactory(region=world.town_b)
    assert client.get(reverse("problems:create") + f"?project={other.pk}").status_code == 404


# --------------------------------------------------------------------------- API


def api_as(world: Any, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.user(persona))
    return client


@pytest.mark.parametrize(
    ("persona", "count"), [("industry", 4), ("town_a", 3), ("town_b", 1), ("enterprise", 1)]
)
def test_api_is_scoped(world: Any, pool: Any, persona: str, count: int) -> None:
    response = api_as(world, persona).get(API)
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


def test_api_refuses_roles_without_scope_and_hides_others(world: Any, pool: Any) -> None:
    assert api_as(world, "bank").get(API).status_code == 403
    assert api_as(world, "town_b").get(f"{API}{pool['a'].pk}/").status_code == 404


def test_api_fields_and_filters(world: Any, pool: Any) -> None:
    client = api_as(world, "town_a")
    row = client.get(f"{API}{pool['late'].pk}/").json()
    assert row["title"] == "逾期未接电"
    assert row["is_overdue"] is True
    assert row["owner_unit"] == world.town_a_unit.pk
    assert row["owner_unit_name"] == "大曹镇人民政府"
    assert row["status"] == "open"
    overdue = client.get(API, {"overdue": "true"}).json()["results"]
    assert [r["id"] for r in overdue] == [pool["late"].pk]
    land = client.get(API, {"category": "land"}).json()["results"]
    assert [r["title"] for r in land] == ["甲镇用地指标"]


def test_api_claim_and_resolve(world: Any, pool: Any) -> None:
    client = api_as(world, "town_a")
    problem = pool["a"]
    claimed = client.post(f"{API}{problem.pk}/claim/", {"expected_version": 1}, format="json")
    assert claimed.status_code == 200
    assert claimed.json()["status"] == "claimed"
    stale = client.post(
        f"{API}{problem.pk}/resolve/",
        {"resolution": "已解决", "expected_version": 1},
        format="json",
    )
    assert stale.status_code == 409
    assert "expected_version" in stale.json()
    empty = client.post(f"{API}{problem.pk}/resolve/", {"resolution": ""}, format="json")
    assert empty.status_code == 400
    assert "resolution" in empty.json()
    done = client.post(f"{API}{problem.pk}/resolve/", {"resolution": "已解决"}, format="json")
    assert done.status_code == 200
    assert done.json()["resolution"] == "已解决"
    # the town is the owner unit of the problem of the enterprise's project too
    town_claim = client.post(f"{API}{pool['own'].pk}/claim/", {}, format="json")
    assert town_claim.status_code == 200
    assert (
        api_as(world, "enterprise")
        .post(f"{API}{pool['own'].pk}/resolve/", {"resolution": "x"}, format="json")
        .status_code
        == 403
    )


def test_problem_form_offers_only_the_countys_working_units(client: Any, world: Any) -> None:
    from jinmu.core.choices import RegionLevel, UnitKind
    from jinmu.core.tests.factories import RegionFactory

    qingyun = RegionFactory(
        code="371423", name="庆云县", level=RegionLevel.COUNTY, parent=world.county.parent
    )
    stranger = UnitFactory(name="庆云县住建局", region=qingyun)
    bank = UnitFactory(name="宁津农商银行", kind=UnitKind.BANK)
    project = ProjectFactory(region=world.town_a, responsible_unit=world.town_a_unit)
    client.force_login(world.user("town_a"))
    url = reverse("problems:create") + f"?project={project.pk}"
    page = client.get(url)
    offered = set(page.context["form"].fields["owner_unit"].queryset)
    assert world.town_b_unit in offered
    assert stranger not in offered
    assert bank not in offered
    for unit in (stranger, bank):
        response = client.post(url, {"title": "缺电", "category": "energy", "owner_unit": unit.pk})
        assert response.status_code == 200
        assert response.context["form"].errors["owner_unit"] == [services.unassignable_message()]
    assert not Problem.objects.exists()


def test_open_problems_read_awaiting_claim(client: Any, world: Any, pool: Any) -> None:
    client.force_login(world.user("town_a"))
    html = client.get(reverse("problems:list")).content.decode()
    assert str(ProblemStatus.OPEN.label) == "Awaiting claim"
    assert html.count(">Awaiting claim</span>") == 3
    assert '<option value="open">Awaiting claim</option>' in html
    detail = client.get(reverse("problems:detail", args=[pool["a"].pk])).content.decode()
    assert "Awaiting claim" in detail
