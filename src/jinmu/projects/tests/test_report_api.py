"""Weekly report API: GET/POST /api/v1/projects/{id}/reports/, refusals as per-field 400s,
scoping (town, enterprise, bank), token auth, multipart photos and the photo file endpoint."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from rest_framework.test import APIClient

from jinmu.core.tests.factories import UnitFactory
from jinmu.core.tokens import issue_token
from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.problems.models import Problem
from jinmu.projects import reporting
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project, ReportPhoto, WeeklyReport
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.projects.tests.reporting_support import jpeg
from jinmu.projects.tests.test_report_photos import script_gif

TODAY = dt.date(2026, 11, 25)  # Wednesday of 2026-W48
W46 = dt.date(2026, 11, 9)


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def pinned(monkeypatch: Any, settings: Any, tmp_path: Path) -> None:
    """The API sees TODAY as the local date; photos go to a temporary folder."""
    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def project(world: Any) -> Project:
    """A town A project of the enterprise user's firm, with W46 reported (200万, 35%)."""
    user = world.user("enterprise")
    user.enterprise = EnterpriseFactory()
    user.save()
    project = ProjectFactory(
        region=world.town_a, responsible_unit=world.town_a_unit, enterprise=user.enterprise
    )
    reporting.submit_report(
        actor=world.user("town_a"),
        project=project,
        week=W46,
        invested_this_week=Decimal("2000000"),
        progress_text="厂房主体封顶",
        percent_complete=35,
        today=dt.date(2026, 11, 13),
    )
    return project


def api_as(world: Any, persona: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.user(persona))
    return client


def endpoint(project: Project) -> str:
    return f"/api/v1/projects/{project.pk}/reports/"


def body(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "week": "2026-W48",
        "invested_this_week": "355000.00",
        "progress_text": "设备安装",
        "percent_complete": 40,
        "problems": [{"title": "施工用电未接通", "category": "energy"}],
    }
    data.update(overrides)
    return data


def test_post_stores_and_returns_the_report(world: Any, project: Project) -> None:
    response = api_as(world, "town_a").post(endpoint(project), body(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["week"] == "2026-W48"
    assert data["week_start"] == "2026-11-23"
    assert data["invested_this_week"] == "355000.00"
    assert data["cumulative_invested"] == "2355000.00"
    assert data["year_invested"] == "2355000.00"
    assert data["percent_complete"] == 40
    assert data["is_late"] is False
    assert [p["title"] for p in data["problems"]] == ["施工用电未接通"]
    assert data["problems"][0]["owner_unit"] == world.town_a_unit.pk
    assert data["problems"][0]["due_on"] == "2026-12-09"
    assert WeeklyReport.objects.filter(project=project).count() == 2


def test_get_lists_latest_first(world: Any, project: Project) -> None:
    api_as(world, "town_a").post(endpoint(project), body(problems=[]), format="json")
    response = api_as(world, "enterprise").get(endpoint(project))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["week"] for r in rows] == ["2026-W48", "2026-W46"]
    assert [r["cumulative_invested"] for r in rows] == ["2355000.00", "2000000.00"]
    assert rows[1]["progress_text"] == "厂房主体封顶"
    assert rows[0]["submitted_by"] == "t-town-a"


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"week": "2026-W49"}, "week", "has not begun"),
        ({"week": "2026-W46"}, "week", "already has a report for 2026-W46"),
        ({"week": "next week"}, "week", "ISO week"),
        ({"invested_this_week": "-100.00"}, "invested_this_week", "cannot be negative"),
        ({"percent_complete": 30}, "percent_complete", "cannot go down"),
        ({"percent_complete": 101}, "percent_complete", "between 0 and 100"),
        (
            {"invested_this_week": None, "cumulative_invested": "1500000.00"},
            "cumulative_invested",
            "cannot be lower",
        ),
        ({"problems": [{"category": "land"}]}, "problems", "required"),
        ({"problems": [{"title": "缺电", "owner_unit": 99999}]}, "problems", "existing unit"),
    ],
)
def test_refused_report_is_a_400_with_field_messages(
    world: Any, project: Project, overrides: dict[str, Any], field: str, text: str
) -> None:
    response = api_as(world, "town_a").post(endpoint(project), body(**overrides), format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors, errors
    assert text in json.dumps(errors[field], ensure_ascii=False)
    assert WeeklyReport.objects.filter(project=project).count() == 1
    assert not Problem.objects.exists()


def test_cumulative_instead_of_this_week(world: Any, project: Project) -> None:
    response = api_as(world, "town_a").post(
        endpoint(project),
        body(invested_this_week=None, cumulative_invested="2300000.00", problems=[]),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["invested_this_week"] == "300000.00"


def test_problem_for_a_chosen_unit_and_date(world: Any, project: Project) -> None:
    bureau = UnitFactory(name="自然资源局")
    response = api_as(world, "town_a").post(
        endpoint(project),
        body(problems=[{"title": "土地证未办", "owner_unit": bureau.pk, "due_on": "2026-12-31"}]),
        format="json",
    )
    assert response.status_code == 201
    problem = response.json()["problems"][0]
    assert problem["owner_unit_name"] == "自然资源局"
    assert problem["due_on"] == "2026-12-31"


def test_project_not_monitored_is_a_non_field_error(world: Any) -> None:
    lead = ProjectFactory(
        region=world.town_a, kind=ProjectKind.ATTRACTION, level="", status=ProjectStatus.LEAD
    )
    response = api_as(world, "town_a").post(endpoint(lead), body(), format="json")
    assert response.status_code == 400
    assert "not under weekly scheduling" in response.json()["non_field_errors"][0]


# --------------------------------------------------------------------------- scoping


@pytest.mark.parametrize(
    ("persona", "get", "post"),
    [
        ("town_a", 200, 201),
        ("enterprise", 200, 201),
        ("industry", 200, 201),
        ("leader", 200, 403),
        ("department", 200, 403),
        ("town_b", 404, 404),
        ("bank", 404, 404),
        ("judge", 404, 404),
    ],
)
def test_scoping_matrix(world: Any, project: Project, persona: str, get: int, post: int) -> None:
    client = api_as(world, persona)
    assert client.get(endpoint(project)).status_code == get
    assert client.post(endpoint(project), body(), format="json").status_code == post


def test_enterprise_sees_only_its_own_projects_reports(world: Any, project: Project) -> None:
    other = ProjectFactory(region=world.town_a, enterprise=EnterpriseFactory())
    client = api_as(world, "enterprise")
    assert client.get(endpoint(other)).status_code == 404
    assert client.post(endpoint(other), body(), format="json").status_code == 404


def test_anonymous_is_refused(world: Any, project: Project) -> None:
    assert APIClient().get(endpoint(project)).status_code in (401, 403)


def test_token_authentication(world: Any, project: Project) -> None:
    _token, key = issue_token(user=world.user("town_a"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(endpoint(project), body(), format="json").status_code == 201
    assert len(client.get(endpoint(project)).json()["results"]) == 2


# --------------------------------------------------------------------------- photos


def test_multipart_with_photos_and_the_photo_file(world: Any, project: Project) -> None:
    client = api_as(world, "town_a")
    response = client.post(
        endpoint(project),
        {
            "week": "2026-W48",
            "invested_this_week": "1000.00",
            "percent_complete": "40",
            "problems": json.dumps([{"title": "缺工", "category": "labour"}]),
            "photos": [jpeg(taken="2026:11:01 08:00:00", gps=(37.65, 116.79))],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    photo = data["photos"][0]
    assert photo["predates_week"] is True
    assert photo["latitude"] == "37.650000"
    assert data["problems"][0]["title"] == "缺工"
    file_url = photo["url"]
    assert "/api/v1/report-photos/" in file_url
    fetched = client.get(file_url)
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "image/jpeg"
    assert b"".join(fetched.streaming_content)[:2] == b"\xff\xd8"
    thumb = client.get(photo["thumbnail_url"])
    assert thumb.status_code == 200
    assert thumb.content[:2] == b"\xff\xd8"
    for response in (fetched, thumb):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
    assert api_as(world, "town_b").get(file_url).status_code == 404
    assert api_as(world, "bank").get(file_url).status_code == 404
    listed = api_as(world, "enterprise").get(endpoint(project)).json()["results"][0]
    assert listed["photos"][0]["url"] == file_url


def test_a_gif_sent_as_a_page_comes_back_as_a_gif_that_cannot_run(
    world: Any, project: Project
) -> None:
    client = api_as(world, "town_a")
    response = client.post(
        endpoint(project),
        {
            "week": "2026-W48",
            "invested_this_week": "0",
            "percent_complete": "40",
            "photos": [script_gif("x.html")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    fetched = client.get(response.json()["photos"][0]["url"])
    assert fetched.status_code == 200
    assert fetched["Content-Type"] == "image/gif"
    assert fetched["X-Content-Type-Options"] == "nosniff"
    assert fetched["Content-Security-Policy"] == "sandbox"
    assert ReportPhoto.objects.get().image.name.endswith(".gif")


def test_an_unreadable_photo_file_is_a_404(world: Any, project: Project) -> None:
    report = WeeklyReport.objects.get(project=project, week=W46)
    photo = ReportPhoto(report=report, region_id=report.region_id)
    whole = jpeg().read()
    photo.image.save("cut.jpg", ContentFile(whole[: len(whole) - 50]), save=False)
    photo.save()
    client = api_as(world, "town_a")
    assert client.get(f"/api/v1/report-photos/{photo.pk}/file/?size=thumb").status_code == 404


def test_schema_documents_the_report_endpoint(world: Any) -> None:
    response = api_as(world, "admin").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    operations = paths["/api/v1/projects/{project_pk}/reports/"]
    assert {"get", "post"} <= set(operations)
