"""Plan API: milestones, baselines, approvals and plan decisions, with scoping and 400s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import yaml
from django.utils import timezone, translation
from rest_framework.test import APIClient

from jinmu.core.models import AuditLog
from jinmu.core.tests.factories import UnitFactory
from jinmu.projects import planning
from jinmu.projects.choices import PlanState
from jinmu.projects.models import Baseline, Milestone, Project
from jinmu.projects.tests.factories import ApprovalFactory, MilestoneFactory, ProjectFactory

API = "/api/v1"
D = dt.date


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages in the English msgids, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def project(world: Any) -> Project:
    """A project in 大曹镇 (town_a) with one milestone."""
    project = ProjectFactory(region=world.town_a)
    MilestoneFactory(
        project=project,
        name="开工",
        planned_start=D(2026, 3, 1),
        planned_end=D(2026, 3, 31),
        sort_order=1,
    )
    return project


def as_user(api: APIClient, world: Any, persona: str) -> APIClient:
    api.force_authenticate(world.user(persona))
    return api


NEW = {"name": "主体施工", "planned_start": "2026-04-01", "planned_end": "2026-09-30"}


# --------------------------------------------------------------------------- scoping


@pytest.mark.parametrize("persona", ["town_b", "chain", "enterprise", "bank"])
def test_out_of_scope_is_404(api: APIClient, world: Any, project: Project, persona: str) -> None:
    milestone = project.milestones.get()
    as_user(api, world, persona)
    base = f"{API}/projects/{project.pk}"
    for url in (
        f"{base}/milestones/",
        f"{base}/baselines/",
        f"{base}/approvals/",
        f"{base}/approval-verdicts/",
        f"{base}/plan/",
        f"{API}/milestones/{milestone.pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"{base}/milestones/", NEW, format="json").status_code == 404
    assert (
        api.patch(f"{API}/milestones/{milestone.pk}/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert api.delete(f"{API}/milestones/{milestone.pk}/").status_code == 404
    assert api.post(f"{base}/plan/approve/", {}, format="json").status_code == 404
    assert Milestone.objects.count() == 1


def test_anonymous_is_refused(api: APIClient, project: Project) -> None:
    assert api.get(f"{API}/projects/{project.pk}/milestones/").status_code in (401, 403)


def test_town_lists_its_project_milestones(api: APIClient, world: Any, project: Project) -> None:
    MilestoneFactory(
        project=project,
        name="竣工",
        planned_start=D(2026, 10, 1),
        planned_end=D(2026, 10, 31),
        sort_order=2,
    )
    other = ProjectFactory(region=world.town_b)
    MilestoneFactory(project=other, name="别处")
    as_user(api, world, "town_a")
    body = api.get(f"{API}/projects/{project.pk}/milestones/").json()
    assert [m["name"] for m in body["results"]] == ["开工", "竣工"]
    assert body["next"] is None
    first = body["results"][0]
    assert first["planned_start"] == "2026-03-01"
    assert first["weight"] == "1.00"
    assert first["state"] in {"late", "ongoing", "upcoming"}
    assert set(first) >= {"id", "project", "owner_unit", "owner_unit_name", "days_late", "version"}


# --------------------------------------------------------------------------- writes


def test_create_milestone_and_per_field_400(api: APIClient, world: Any, project: Project) -> None:
    unit = UnitFactory(name="住建局")
    as_user(api, world, "town_a")
    url = f"{API}/projects/{project.pk}/milestones/"
    # end before start: a 400 on the field, nothing stored
    response = api.post(url, {**NEW, "planned_end": "2026-03-01"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"planned_end": ["A milestone cannot end before it starts."]}
    # a missing name and a negative weight are per-field too
    response = api.post(url, {**NEW, "name": "", "weight": "-1"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"name", "weight"}
    # an actual end in the future
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = api.post(
        url, {**NEW, "actual_start": "2026-04-01", "actual_end": future}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"actual_end": ["An actual date cannot be in the future."]}
    assert Milestone.objects.count() == 1
    # a good one
    response = api.post(url, {**NEW, "owner_unit": unit.pk, "weight": "2.5"}, format="json")
    assert response.status_code == 201
    created = Milestone.objects.get(pk=response.json()["id"])
    assert created.owner_unit == unit
    assert created.weight == Decimal("2.5")
    assert created.region_id == world.town_a.code
    assert response.json()["owner_unit_name"] == "住建局"


@pytest.mark.parametrize("persona", ["leader", "department"])
def test_readers_cannot_write(api: APIClient, world: Any, project: Project, persona: str) -> None:
    milestone = project.milestones.get()
    as_user(api, world, persona)
    url = f"{API}/projects/{project.pk}/milestones/"
    assert api.post(url, NEW, format="json").status_code == 403
    response = api.patch(f"{API}/milestones/{milestone.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403
    assert api.delete(f"{API}/milestones/{milestone.pk}/").status_code == 403
    assert Milestone.objects.get().name == "开工"


def test_patch_with_stale_version_and_delete(api: APIClient, world: Any, project: Project) -> None:
    milestone = project.milestones.get()
    as_user(api, world, "town_a")
    url = f"{API}/milestones/{milestone.pk}/"
    response = api.patch(
        url, {"planned_end": "2026-04-15", "expected_version": milestone.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["planned_end"] == "2026-04-15"
    assert response.json()["version"] == milestone.version + 1
    response = api.patch(
        url, {"planned_end": "2026-05-15", "expected_version": milestone.version}, format="json"
    )
    assert response.status_code == 409
    assert "expected_version" in response.json()
    # a missing version is refused like a stale one
    response = api.patch(url, {"planned_start": "2026-05-01"}, format="json")
    assert response.status_code == 409
    assert "expected_version" in response.json()
    response = api.patch(url, {"planned_start": "2026-05-01", "expected_version": 2}, format="json")
    assert response.status_code == 400
    assert response.json() == {"planned_end": ["A milestone cannot end before it starts."]}
    assert api.put(url, {**NEW}, format="json").status_code == 405
    assert api.delete(f"{url}?expected_version=1").status_code == 409
    assert api.delete(f"{url}?expected_version=2").status_code == 204
    assert not Milestone.objects.exists()
    assert AuditLog.objects.filter(object_id=str(milestone.pk), action="delete").exists()


# --------------------------------------------------------------------------- plan decisions


def test_approve_and_replan_through_the_api(api: APIClient, world: Any, project: Project) -> None:
    milestone = project.milestones.get()
    base = f"{API}/projects/{project.pk}"
    # the town cannot approve
    as_user(api, world, "town_a")
    assert api.post(f"{base}/plan/approve/", {}, format="json").status_code == 403
    # the industry office approves what it read
    as_user(api, world, "industry")
    plan = api.get(f"{base}/plan/").json()
    assert plan["plan_state"] == "draft"
    assert plan["summary"]["total"] == 1
    response = api.post(
        f"{base}/plan/approve/",
        {"expected_version": plan["version"], "expected_plan": plan["plan_signature"]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["number"] == 1
    assert response.json()["milestones"][0]["planned_end"] == "2026-03-31"
    # frozen: the town's change of a planned date is a per-field 400, an actual date is fine
    as_user(api, world, "town_a")
    url = f"{API}/milestones/{milestone.pk}/"
    version = Milestone.objects.get(pk=milestone.pk).version
    response = api.patch(
        url, {"planned_end": "2026-04-30", "expected_version": version}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "planned_end": ["The plan is approved; request a re-plan to change it."]
    }
    changed = api.patch(
        url, {"actual_start": "2026-03-02", "expected_version": version}, format="json"
    )
    assert changed.status_code == 200
    response = api.post(f"{base}/milestones/", NEW, format="json")
    assert response.status_code == 400
    assert api.delete(url).status_code == 400
    # a re-plan needs a reason
    response = api.post(f"{base}/plan/replan/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = api.post(f"{base}/plan/replan/", {"reason": "规划调整"}, format="json")
    assert response.status_code == 200
    assert response.json()["plan_state"] == PlanState.REPLANNING
    version = Milestone.objects.get(pk=milestone.pk).version
    changed = api.patch(
        url, {"planned_end": "2026-04-30", "expected_version": version}, format="json"
    )
    assert changed.status_code == 200
    # the leader accepts it: baseline 2
    as_user(api, world, "leader")
    response = api.post(f"{base}/plan/approve-replan/", {}, format="json")
    assert response.status_code == 201
    assert (response.json()["number"], response.json()["reason"]) == (2, "规划调整")
    baselines = api.get(f"{base}/baselines/").json()["results"]
    assert [(b["number"], b["milestones"][0]["planned_end"]) for b in baselines] == [
        (1, "2026-03-31"),
        (2, "2026-04-30"),
    ]
    assert baselines[1]["requested_by_name"] == "t-town-a"
    assert api.post(f"{base}/plan/approve/", {}, format="json").status_code == 400
    assert Baseline.objects.count() == 2


def test_reject_replan_through_the_api(api: APIClient, world: Any, project: Project) -> None:
    planning.approve_plan(actor=world.user("industry"), project=project)
    planning.request_replan(actor=world.user("town_a"), project=project, reason="调整")
    milestone = project.milestones.get()
    planning.update_milestone(
        actor=world.user("town_a"), milestone=milestone, data={"planned_end": D(2026, 6, 1)}
    )
    as_user(api, world, "admin")
    response = api.post(f"{API}/projects/{project.pk}/plan/reject-replan/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["plan_state"] == "approved"
    milestone.refresh_from_db()
    assert milestone.planned_end == D(2026, 3, 31)


# --------------------------------------------------------------------------- approvals


def test_approvals_and_verdicts(api: APIClient, world: Any) -> None:
    project = ProjectFactory(region=world.town_a, actual_start=D(2026, 3, 5))
    ApprovalFactory(project=project, kind="land", planned_on=D(2026, 3, 1), actual_on=D(2026, 3, 2))
    ApprovalFactory(project=project, kind="title", planned_on=D(2026, 3, 1))
    as_user(api, world, "town_a")
    items = api.get(f"{API}/projects/{project.pk}/approvals/").json()["results"]
    assert [(i["kind"], i["planned_on"], i["actual_on"]) for i in items] == [
        ("land", "2026-03-01", "2026-03-02"),
        ("title", "2026-03-01", None),
    ]
    assert items[0]["state"] == "done_late"
    assert items[0]["days_late"] == 1
    verdicts = api.get(f"{API}/projects/{project.pk}/approval-verdicts/").json()
    assert verdicts["land_to_start"] == {
        "rule": "land_to_start",
        "achieved": False,
        "state": "late",
        "land_on": "2026-03-02",
        "done_on": "2026-03-05",
        "days": 3,
    }
    assert verdicts["delivery_to_title"]["state"] == "waiting"


def test_schema_documents_the_plan_endpoints(api: APIClient, world: Any) -> None:
    as_user(api, world, "industry")
    response = api.get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    for path in (
        "/api/v1/projects/{project_pk}/milestones/",
        "/api/v1/milestones/{id}/",
        "/api/v1/projects/{project_pk}/baselines/",
        "/api/v1/projects/{project_pk}/approvals/",
        "/api/v1/projects/{project_pk}/plan/approve/",
    ):
        assert path in paths, path


# --------------------------------------------------------------------------- owner units


def test_owner_unit_must_work_in_the_projects_county(
    api: APIClient, world: Any, project: Project
) -> None:
    from jinmu.core.choices import RegionLevel, UnitKind
    from jinmu.core.tests.factories import RegionFactory
    from jinmu.problems.services import unassignable_message

    qingyun = RegionFactory(
        code="371423", name="庆云县", level=RegionLevel.COUNTY, parent=world.county.parent
    )
    others = [
        UnitFactory(name="庆云县住建局", region=qingyun),
        UnitFactory(name="某某机械有限公司", kind=UnitKind.ENTERPRISE),
        UnitFactory(name="宁津农商银行", kind=UnitKind.BANK),
    ]
    as_user(api, world, "town_a")
    url = f"{API}/projects/{project.pk}/milestones/"
    for unit in others:
        response = api.post(url, {**NEW, "owner_unit": unit.pk}, format="json")
        assert response.status_code == 400
        assert response.json() == {"owner_unit": [unassignable_message()]}
    assert Milestone.objects.count() == 1
    milestone = project.milestones.get()
    detail = f"{API}/milestones/{milestone.pk}/"
    response = api.patch(detail, {"owner_unit": others[2].pk}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["owner_unit"]
    response = api.patch(
        detail, {"owner_unit": world.park.pk, "expected_version": milestone.version}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["owner_unit_name"] == "健身器材产业园"
