"""`/api/v1/projects/`: filtered scoped reads, writes through the services, lifecycle
transitions and manual lights; refusals as 400 with per-field messages, rights as 403."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project, ProjectTag, StatusChange
from jinmu.projects.tests.factories import ProjectFactory

TODAY = dt.date(2026, 11, 20)
URL = "/api/v1/projects/"


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the services and the light engine."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _api(world: Any, persona: str) -> APIClient:
    api = APIClient()
    api.force_authenticate(world.user(persona))
    return api


# --- list -------------------------------------------------------------------------------------


def test_county_key_projects_with_money_and_lights(world: Any) -> None:
    # given
    reasons = [{"rule": "start", "light": "red", "text": "逾期未开工", "inputs": {"days_late": 95}}]
    key = ProjectFactory(
        name="县级重点",
        total_investment=Decimal("2913000000"),
        light="red",
        computed_light="red",
        light_reasons=reasons,
        last_report_week=dt.date(2026, 11, 16),
    )
    ProjectFactory(name="市级重点", level="city")
    ProjectFactory(name="招商", kind=ProjectKind.ATTRACTION, level="county")

    # when
    response = _api(world, "industry").get(URL, {"kind": "key", "level": "county"})

    # then
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [key.pk]
    row = rows[0]
    assert {
        k: row[k]
        for k in ("name", "kind", "level", "status", "total_investment", "light", "light_reasons")
    } == {
        "name": "县级重点",
        "kind": "key",
        "level": "county",
        "status": "started",
        "total_investment": "2913000000.00",
        "light": "red",
        "light_reasons": reasons,
    }
    assert row["last_report_week"] == "2026-W47"
    assert row["light_overridden"] is False
    assert row["region"] == "371422"


def test_a_project_not_monitored_has_a_null_light(world: Any) -> None:
    # given
    ProjectFactory(kind=ProjectKind.ATTRACTION, level="", status=ProjectStatus.LEAD, light="")

    # when
    row = _api(world, "industry").get(URL).json()["results"][0]

    # then
    assert row["light"] is None
    assert row["last_report_week"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "rocket"}, "kind"),
        ({"level": "township"}, "level"),
        ({"light": "blue"}, "light"),
        ({"ordering": "bogus"}, "ordering"),
    ],
)
def test_unknown_filter_values_are_a_400_with_a_message(
    params: dict[str, str], field: str, world: Any
) -> None:
    # when
    response = _api(world, "industry").get(URL, params)

    # then
    assert response.status_code == 400
    message = response.json()[field][0]
    assert next(iter(params.values())) in message


def test_light_filter_and_the_not_monitored_value(world: Any) -> None:
    # given
    red = ProjectFactory(light="red")
    quiet = ProjectFactory(light="")
    api = _api(world, "industry")

    # when
    reds = api.get(URL, {"light": "red"}).json()["results"]
    nones = api.get(URL, {"light": "none"}).json()["results"]

    # then
    assert [r["id"] for r in reds] == [red.pk]
    assert [r["id"] for r in nones] == [quiet.pk]


def test_keyset_pages_with_a_next_link(world: Any) -> None:
    # given
    projects = [ProjectFactory(name=f"P{n}") for n in range(5)]
    api = _api(world, "industry")

    # when
    first = api.get(URL, {"page_size": 3}).json()
    second = api.get(first["next"]).json()

    # then: newest first, every project once
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == [p.pk for p in reversed(projects)]
    assert second["next"] is None


def test_list_queries_do_not_grow_with_rows(world: Any, django_assert_max_num_queries: Any) -> None:
    # given
    for _n in range(30):
        ProjectFactory(region=world.town_a, park=world.park, responsible_unit=world.industry_office)
    api = _api(world, "industry")

    # when / then
    with django_assert_max_num_queries(6):
        response = api.get(URL)
    assert len(response.json()["results"]) == 30


# --- detail -----------------------------------------------------------------------------------


def test_detail_has_every_field_and_the_history(world: Any) -> None:
    # given
    project = ProjectFactory(
        kind=ProjectKind.BOND,
        level="",
        status=ProjectStatus.APPLIED,
        bond_requested=Decimal("50000000"),
        coverage_ratio=Decimal("1.35"),
    )
    StatusChange.objects.create(
        project=project,
        from_status="reserved",
        to_status="applied",
        changed_on=dt.date(2026, 10, 8),
        changed_by=world.user("industry"),
        reason="申报省级",
    )

    # when
    body = _api(world, "industry").get(f"{URL}{project.pk}/").json()

    # then
    assert body["bond_requested"] == "50000000.00"
    assert body["coverage_ratio"] == "1.35"
    assert "investor" in body
    assert "solver" in body
    assert body["history"] == [
        {
            "from_status": "reserved",
            "to_status": "applied",
            "changed_on": "2026-10-08",
            "changed_at": body["history"][0]["changed_at"],
            "changed_by": world.user("industry").pk,
            "changed_by_name": "t-industry",
            "reason": "申报省级",
        }
    ]


# --- create -----------------------------------------------------------------------------------


def test_create_a_key_project(world: Any) -> None:
    # given
    tag = ProjectTag.objects.create(region=world.county, name="双十")

    # when
    response = _api(world, "industry").post(
        URL,
        {
            "kind": "key",
            "name": "新建重点项目",
            "level": "province",
            "region": world.town_a.code,
            "total_investment": "2913000000.00",
            "responsible_unit": world.industry_office.pk,
            "tags": [tag.pk],
        },
        format="json",
    )

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    project = Project.objects.get(pk=body["id"])
    assert (project.status, project.total_investment) == ("preparing", Decimal("2913000000"))
    assert body["status"] == "preparing"
    assert body["tags"] == [{"id": tag.pk, "name": "双十"}]
    assert [h["to_status"] for h in body["history"]] == ["preparing"]


def test_create_refuses_fields_of_another_kind(world: Any) -> None:
    # when
    response = _api(world, "industry").post(
        URL,
        {
            "kind": "key",
            "name": "混合字段",
            "level": "county",
            "region": world.county.code,
            "investor": "某投资方",
            "bond_issued": "1.00",
        },
        format="json",
    )

    # then
    assert response.status_code == 400
    assert set(response.json()) == {"investor", "bond_issued"}
    assert not Project.objects.exists()


def test_create_refusals_are_per_field(world: Any) -> None:
    # when
    missing_level = _api(world, "industry").post(
        URL, {"kind": "key", "name": "无级别", "region": world.county.code}, format="json"
    )
    negative = _api(world, "industry").post(
        URL,
        {
            "kind": "renovation",
            "name": "负数",
            "region": world.county.code,
            "total_investment": "-1",
        },
        format="json",
    )
    no_kind = _api(world, "industry").post(
        URL, {"name": "无类型", "region": world.county.code}, format="json"
    )

    # then
    assert (missing_level.status_code, list(missing_level.json())) == (400, ["level"])
    assert (negative.status_code, list(negative.json())) == (400, ["total_investment"])
    assert (no_kind.status_code, list(no_kind.json())) == (400, ["kind"])
    assert not Project.objects.exists()


def test_a_town_cannot_create_in_another_town(world: Any) -> None:
    # when
    response = _api(world, "town_a").post(
        URL,
        {"kind": "key", "name": "越界", "level": "county", "region": world.town_b.code},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert "region" in response.json()
    assert not Project.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "enterprise", "bank", "judge"])
def test_roles_that_may_not_register_get_403(persona: str, world: Any) -> None:
    # when
    response = _api(world, persona).post(
        URL,
        {"kind": "key", "name": "无权", "level": "county", "region": world.county.code},
        format="json",
    )

    # then
    assert response.status_code == 403
    assert not Project.objects.exists()


# --- update -----------------------------------------------------------------------------------


def test_patch_with_the_current_version(world: Any) -> None:
    # given
    project = ProjectFactory(name="旧名")

    # when
    response = _api(world, "industry").patch(
        f"{URL}{project.pk}/",
        {"name": "新名", "total_investment": "150000000.50", "expected_version": 1},
        format="json",
    )

    # then
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("新名", 2)
    project.refresh_from_db()
    assert project.total_investment == Decimal("150000000.50")


def test_a_stale_transition_is_a_409_on_expected_version(world: Any) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)

    # when
    response = _api(world, "industry").post(
        f"{URL}{project.pk}/transition/",
        {"to_status": "started", "expected_version": 7},
        format="json",
    )

    # then
    assert response.status_code == 409
    assert "expected_version" in response.json()


def test_a_stale_patch_is_a_409_on_expected_version(world: Any) -> None:
    # given
    project = ProjectFactory(name="他人已改", version=3)

    # when
    response = _api(world, "industry").patch(
        f"{URL}{project.pk}/", {"name": "我的", "expected_version": 2}, format="json"
    )

    # then
    assert response.status_code == 409
    assert "Someone else saved" in response.json()["expected_version"][0]
    project.refresh_from_db()
    assert project.name == "他人已改"


def test_a_patch_without_version_is_a_409_and_changes_nothing(world: Any) -> None:
    # given
    project = ProjectFactory(name="他人已改", version=3)

    # when the client does not say which version it read
    response = _api(world, "industry").patch(f"{URL}{project.pk}/", {"name": "我的"}, format="json")

    # then
    assert response.status_code == 409
    assert "expected_version" in response.json()["expected_version"][0]
    project.refresh_from_db()
    assert (project.name, project.version) == ("他人已改", 3)


def test_the_kind_cannot_change_through_the_api(world: Any) -> None:
    # given
    project = ProjectFactory()

    # when
    response = _api(world, "industry").patch(
        f"{URL}{project.pk}/", {"kind": "bond", "expected_version": project.version}, format="json"
    )

    # then
    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_reader_gets_403_on_patch(world: Any) -> None:
    # given
    project = ProjectFactory(name="原名")

    # when
    response = _api(world, "leader").patch(f"{URL}{project.pk}/", {"name": "改"}, format="json")

    # then
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "原名"


def test_put_is_not_offered(world: Any) -> None:
    # given
    project = ProjectFactory()

    # when
    response = _api(world, "industry").put(f"{URL}{project.pk}/", {"name": "x"}, format="json")

    # then
    assert response.status_code == 405


# --- transitions and lights -------------------------------------------------------------------


def test_transition(world: Any) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)

    # when
    response = _api(world, "industry").post(
        f"{URL}{project.pk}/transition/",
        {"to_status": "started", "reason": "开工仪式", "on": "2026-11-10"},
        format="json",
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "started"
    assert body["actual_start"] == "2026-11-10"
    assert body["history"][-1]["reason"] == "开工仪式"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_status": "effective"}, "to_status"),
        ({"to_status": "teleported"}, "to_status"),
        ({"to_status": "started", "on": "2026-11-21"}, "on"),
        ({"to_status": "terminated"}, "reason"),
    ],
)
def test_refused_transitions_are_400_per_field(
    payload: dict[str, Any], field: str, world: Any
) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)

    # when
    response = _api(world, "industry").post(
        f"{URL}{project.pk}/transition/", payload, format="json"
    )

    # then
    assert response.status_code == 400
    assert field in response.json()
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING
    assert not StatusChange.objects.exists()


def test_light_override_by_a_leader(world: Any) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.STARTED)

    # when
    response = _api(world, "leader").post(
        f"{URL}{project.pk}/light/", {"light": "red", "reason": "约谈"}, format="json"
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["light"], body["light_overridden"], body["light_override_reason"]) == (
        "red",
        True,
        "约谈",
    )


def test_light_override_refusals(world: Any) -> None:
    # given
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.STARTED)

    # when
    town = _api(world, "town_a").post(
        f"{URL}{project.pk}/light/", {"light": "green", "reason": "已整改"}, format="json"
    )
    no_reason = _api(world, "industry").post(
        f"{URL}{project.pk}/light/", {"light": "green"}, format="json"
    )

    # then
    assert town.status_code == 403
    assert (no_reason.status_code, list(no_reason.json())) == (400, ["reason"])
    project.refresh_from_db()
    assert project.light_override == ""
