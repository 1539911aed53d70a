"""Weekly report pages: the phone form, the scoped photos, the missing/late list, the panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from jinmu.enterprises.tests.factories import EnterpriseFactory
from jinmu.problems.models import Problem
from jinmu.projects import reporting
from jinmu.projects.models import Project, ReportPhoto, WeeklyReport
from jinmu.projects.tests.factories import MilestoneFactory, ProjectFactory
from jinmu.projects.tests.reporting_support import jpeg
from jinmu.projects.tests.test_report_photos import script_gif

TODAY = dt.date(2026, 11, 25)  # Wednesday of 2026-W48; W47 was due on Friday 2026-11-20
W46, W47, W48 = dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def pinned(monkeypatch: Any, settings: Any, tmp_path: Path) -> None:
    """Pages see TODAY as the local date; photos go to a temporary folder."""
    real = timezone.localdate

    def localdate(value: Any = None, timezone: Any = None) -> dt.date:
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def enterprise_user(world: Any) -> Any:
    user = world.user("enterprise")
    user.enterprise = EnterpriseFactory(name="宁津甲健身器材有限公司")
    user.save()
    return user


@pytest.fixture
def project(world: Any, enterprise_user: Any) -> Project:
    """A project in town A built by the enterprise user's firm, reported for W46."""
    project = ProjectFactory(
        region=world.town_a,
        responsible_unit=world.town_a_unit,
        enterprise=enterprise_user.enterprise,
        name="甲企业扩产项目",
    )
    Project.objects.filter(pk=project.pk).update(created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    project.refresh_from_db()
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


def url(project: Project, week: str | None = None) -> str:
    base = reverse("projects:report", args=[project.pk])
    return f"{base}?week={week}" if week else base


def post_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "week": "2026-W48",
        "invested_wan": "35.5",
        "percent_complete": "40",
        "progress_text": "设备安装",
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- the form


def test_form_is_prefilled_from_last_week(client: Any, world: Any, project: Project) -> None:
    due = MilestoneFactory(
        project=project,
        name="设备进场",
        planned_start=dt.date(2026, 11, 1),
        planned_end=dt.date(2026, 11, 27),
    )
    client.force_login(world.user("town_a"))
    response = client.get(url(project))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["percent_complete"] == 35
    assert form.initial["progress_text"] == "厂房主体封顶"
    assert form.initial["week"] == "2026-W48"
    html = response.content.decode()
    assert 'accept="image/*"' in html
    assert 'capture="environment"' in html
    assert "multiple" in html
    assert 'id="add-problem"' in html
    assert f'value="{due.pk}"' in html  # the milestone due this week as a checkbox
    assert 'inputmode="decimal"' in html
    # the missing W47 (its deadline passed) is pointed out
    assert response.context["missing_due"] == "2026-W47"


def test_submit_converts_wan_and_goes_to_the_project(
    client: Any, world: Any, project: Project
) -> None:
    land = MilestoneFactory(
        project=project, planned_start=dt.date(2026, 11, 1), planned_end=dt.date(2026, 11, 27)
    )
    client.force_login(world.user("town_a"))
    response = client.post(
        url(project),
        {
            **post_data(completed_milestones=[land.pk]),
            "photos": [jpeg(taken="2026:11:24 10:00:00", name="site.jpg")],
            "problem_title": ["施工用电未接通", ""],
            "problem_category": ["energy", "other"],
            "problem_owner_unit": ["", ""],
            "problem_due_on": ["", ""],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    report = WeeklyReport.objects.get(project=project, week=W48)
    assert report.invested_this_week == Decimal("355000.00")
    assert report.cumulative_invested == Decimal("2355000.00")
    assert report.percent_complete == 40
    assert report.photos.count() == 1
    problem = Problem.objects.get(report=report)
    assert problem.title == "施工用电未接通"
    assert problem.owner_unit == world.town_a_unit
    land.refresh_from_db()
    assert land.actual_end == TODAY


def test_old_photo_is_warned_about(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(
        url(project),
        {**post_data(), "photos": [jpeg(taken="2026:11:02 10:00:00", name="old.jpg")]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "Photo 1 was taken on 2026-11-02, before week 2026-W48 began." in messages
    assert WeeklyReport.objects.get(week=W48).photos.get().predates_week


def test_late_report_is_said_to_be_late(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(
        url(project, "2026-W47"), post_data(week="2026-W47", percent_complete="36"), follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("marked late" in m for m in messages)
    assert WeeklyReport.objects.get(week=W47).is_late


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"invested_wan": "-3"}, "invested_wan", "cannot be negative"),
        ({"invested_wan": ""}, "invested_wan", ""),
        ({"percent_complete": "20"}, "percent_complete", "cannot go down"),
        ({"percent_complete": "140"}, "percent_complete", "between 0 and 100"),
    ],
)
def test_bad_input_is_shown_on_its_field(
    client: Any, world: Any, project: Project, data: dict[str, str], field: str, text: str
) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(url(project), post_data(**data))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert errors
    assert text in " ".join(errors)
    assert not WeeklyReport.objects.filter(week=W48).exists()


def test_future_week_and_bad_problem_rows_are_shown(
    client: Any, world: Any, project: Project
) -> None:
    client.force_login(world.user("town_a"))
    future = client.post(url(project, "2026-W49"), post_data(week="2026-W49"))
    assert "2026-W49 has not begun" in " ".join(future.context["extra_errors"]["week"])
    bad = client.post(
        url(project),
        {
            **post_data(),
            "problem_title": [""],
            "problem_category": ["land"],
            "problem_due_on": ["2026-01-01"],
        },
    )
    assert bad.context["extra_errors"]["problems"]
    assert 'id="problem-errors"' in bad.content.decode()
    assert not WeeklyReport.objects.filter(week__gte=W48).exists()


@pytest.mark.parametrize("bad_week", ["2026-W99", "next week", ""])
def test_a_posted_week_that_is_no_week_submits_nothing(
    client: Any, world: Any, project: Project, bad_week: str
) -> None:
    # given the form of W47 (late), posted with a week that does not parse
    client.force_login(world.user("town_a"))
    response = client.post(url(project, "2026-W47"), post_data(week=bad_week))
    # then nothing is stored, neither for W47 nor for this week, and the week says why
    assert response.status_code == 400
    assert not WeeklyReport.objects.filter(week__gte=W47).exists()
    errors = " ".join(response.context["extra_errors"]["week"])
    assert ("has no week 99" in errors) if bad_week == "2026-W99" else ("ISO week" in errors)
    html = response.content.decode()
    assert 'id="week-errors"' in html
    # the page stays on the week it shows, with what was typed kept
    assert response.context["week_label"] == "2026-W47"
    assert response.context["form"]["week"].value() == "2026-W47"
    assert response.context["form"]["invested_wan"].value() == "35.5"


def test_week_already_reported_shows_the_report(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    response = client.get(url(project, "2026-W46"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "weekly-report-form" not in html
    assert "200.00" in html  # 200万元 this week


def test_duplicate_post_is_refused(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    response = client.post(url(project, "2026-W46"), post_data(week="2026-W46"))
    assert "already has a report for 2026-W46" in " ".join(response.context["extra_errors"]["week"])


# --------------------------------------------------------------------------- scoping


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("town_a", 200),
        ("industry", 200),
        ("enterprise", 200),
        ("town_b", 404),
        ("bank", 404),
        ("judge", 404),
        ("leader", 403),  # sees the project, does not report
        ("department", 403),  # not the responsible unit
    ],
)
def test_report_form_scoping(
    client: Any, world: Any, project: Project, persona: str, status: int
) -> None:
    client.force_login(world.user(persona))
    assert client.get(url(project)).status_code == status


def test_enterprise_cannot_report_another_enterprises_project(
    client: Any, world: Any, project: Project
) -> None:
    other = ProjectFactory(region=world.town_a, enterprise=EnterpriseFactory())
    client.force_login(world.user("enterprise"))
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other), post_data()).status_code == 404
    assert not WeeklyReport.objects.filter(project=other).exists()


def test_photos_are_served_only_in_scope(client: Any, world: Any, project: Project) -> None:
    report = reporting.submit_report(
        actor=world.user("town_a"),
        project=project,
        week=W48,
        invested_this_week=Decimal("1"),
        progress_text="",
        percent_complete=40,
        photos=[jpeg()],
        today=TODAY,
    )
    photo = report.photos.get()
    photo_url = reverse("projects:report_photo", args=[photo.pk])
    assert not photo_url.startswith("/media/")
    for persona, expected in [
        ("town_a", 200),
        ("enterprise", 200),
        ("leader", 200),
        ("town_b", 404),
        ("bank", 404),
        ("judge", 404),
    ]:
        client.force_login(world.user(persona))
        response = client.get(photo_url)
        assert response.status_code == expected, persona
        if expected == 200:
            assert response["Content-Type"] == "image/jpeg"
            assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(world.user("town_a"))
    thumb = client.get(photo_url, {"size": "thumb"})
    assert thumb["Content-Type"] == "image/jpeg"
    assert thumb.content[:2] == b"\xff\xd8"
    client.logout()
    assert client.get(photo_url).status_code == 302  # to the login page


def stored_photo(project: Project, name: str, content: bytes) -> ReportPhoto:
    """A photo row whose file was stored under `name` as it is (as before names were fresh)."""
    report = WeeklyReport.objects.get(project=project, week=W46)
    photo = ReportPhoto(report=report, region_id=report.region_id)
    photo.image.save(name, ContentFile(content), save=False)
    photo.save()
    return photo


def test_photos_are_served_as_what_their_bytes_are_and_never_run(
    client: Any, world: Any, project: Project
) -> None:
    client.force_login(world.user("town_a"))
    # A GIF with a script in a comment, uploaded as "x.html", and one kept under such a name
    # from before stored names were fresh: both are served as GIFs that cannot run.
    client.post(url(project), {**post_data(), "photos": [script_gif("x.html")]})
    uploaded = WeeklyReport.objects.get(project=project, week=W48).photos.get()
    assert uploaded.image.name.endswith(".gif")
    legacy = stored_photo(project, "x.html", script_gif().read())
    assert legacy.image.name.endswith(".html")
    for photo in (uploaded, legacy):
        photo_url = reverse("projects:report_photo", args=[photo.pk])
        for response in (client.get(photo_url), client.get(photo_url, {"size": "thumb"})):
            assert response.status_code == 200
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Security-Policy"] == "sandbox"
        assert client.get(photo_url)["Content-Type"] == "image/gif"


def test_an_unreadable_stored_photo_is_a_404_not_an_error(
    client: Any, world: Any, project: Project
) -> None:
    client.force_login(world.user("town_a"))
    page = stored_photo(project, "page.jpg", b"<html><script>alert(1)</script></html>")
    whole = jpeg().read()
    truncated = stored_photo(project, "cut.jpg", whole[: len(whole) - 50])  # header intact
    for photo in (page, truncated):
        photo_url = reverse("projects:report_photo", args=[photo.pk])
        assert client.get(photo_url, {"size": "thumb"}).status_code == 404
    # A page is never served; a cut-off JPEG is still a JPEG, served for what it is.
    assert client.get(reverse("projects:report_photo", args=[page.pk])).status_code == 404
    cut = client.get(reverse("projects:report_photo", args=[truncated.pk]))
    assert (cut.status_code, cut["Content-Type"]) == (200, "image/jpeg")


# --------------------------------------------------------------------------- status page


def test_status_page_lists_missing_and_late_in_scope(
    client: Any, world: Any, project: Project
) -> None:
    # given, for W47: the project missing, another late, one in town B missing
    late = ProjectFactory(region=world.town_a, name="迟报项目")
    elsewhere = ProjectFactory(region=world.town_b, name="保店镇项目")
    Project.objects.filter(pk__in=[late.pk, elsewhere.pk]).update(
        created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    )
    reporting.submit_report(
        actor=world.user("town_a"),
        project=late,
        week=W47,
        invested_this_week=Decimal("0"),
        progress_text="",
        percent_complete=1,
        today=dt.date(2026, 11, 23),
    )
    client.force_login(world.user("town_a"))
    # when (default: the week last due, W47)
    response = client.get(reverse("projects:report_status"))
    # then
    assert response.status_code == 200
    assert response.context["week_label"] == "2026-W47"
    assert [p.name for p in response.context["page"].rows] == ["甲企业扩产项目"]
    assert [r.project.name for r in response.context["late"]] == ["迟报项目"]
    assert response.context["counts"] == {
        "expected": 2,
        "submitted": 1,
        "on_time": 0,
        "late": 1,
        "missing": 1,
    }
    assert "保店镇项目" not in response.content.decode()
    # the industry office sees both towns
    client.force_login(world.user("industry"))
    rows = client.get(reverse("projects:report_status"), {"week": "2026-W47"}).context["page"].rows
    assert {p.name for p in rows} == {"甲企业扩产项目", "保店镇项目"}


def test_status_page_refuses_roles_without_scope(client: Any, world: Any) -> None:
    client.force_login(world.user("bank"))
    assert client.get(reverse("projects:report_status")).status_code == 403


def test_status_page_on_a_bad_week_says_so(client: Any, world: Any) -> None:
    client.force_login(world.user("town_a"))
    response = client.get(reverse("projects:report_status"), {"week": "2026-W60"}, follow=True)
    assert response.status_code == 200
    assert any("no week 60" in str(m) for m in response.context["messages"])


# --------------------------------------------------------------------------- the panel


def render_panel(project: Project, user: Any) -> str:
    template = Template("{% load project_reports %}{% reports_panel project user %}")
    return template.render(Context({"project": project, "user": user, "today": TODAY}))


def test_panel_shows_history_photos_problems_and_the_button(world: Any, project: Project) -> None:
    reporting.submit_report(
        actor=world.user("town_a"),
        project=project,
        week=W47,
        invested_this_week=Decimal("150000"),
        progress_text="设备调试",
        percent_complete=38,
        photos=[jpeg(taken="2026:11:01 10:00:00")],
        problems=[{"title": "缺少技术工人", "category": "labour"}],
        today=TODAY,
    )
    html = render_panel(project, world.user("town_a"))
    assert "2026-W47" in html
    assert "2026-W46" in html
    assert "15.00" in html
    assert "215.00" in html
    assert "38%" in html
    assert "bg-yellow-lt" in html  # W47 came late
    photo = WeeklyReport.objects.get(week=W47).photos.get()
    assert reverse("projects:report_photo", args=[photo.pk]) + "?size=thumb" in html
    assert "缺少技术工人" in html
    assert 'id="report-this-week"' in html
    assert reverse("projects:report", args=[project.pk]) in html


def test_panel_has_no_button_for_readers(world: Any, project: Project) -> None:
    html = render_panel(project, world.user("leader"))
    assert "2026-W46" in html
    assert 'id="report-this-week"' not in html


def test_detail_page_includes_the_panel(client: Any, world: Any, project: Project) -> None:
    client.force_login(world.user("town_a"))
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    assert 'id="reports-panel"' in response.content.decode()
