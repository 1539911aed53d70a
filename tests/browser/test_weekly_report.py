"""On a phone, a town clerk files the missing weekly report and sees the light turn green."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from jinmu.core.choices import Role, UnitKind
from jinmu.core.models import Unit, User
from jinmu.core.tests.factories import PASSWORD, UnitFactory, town, user_with
from jinmu.problems.models import Problem
from jinmu.projects import lights, reporting, weeks
from jinmu.projects.choices import Light
from jinmu.projects.models import Project, WeeklyReport, settings_for
from jinmu.projects.tests.factories import ProjectFactory
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def site_photo() -> bytes:
    """A small JPEG as a phone camera would send."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "steelblue").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def clerk(db: Any) -> User:
    """The 大曹镇 town government's clerk."""
    town_a = town("371422105", "大曹镇")
    unit = UnitFactory(name="大曹镇人民政府", kind=UnitKind.TOWN, town_region=town_a)
    return user_with(Role.TOWN, username="dacao-clerk", unit=unit)


@pytest.fixture
def grey_project(clerk: User) -> Project:
    """A town project registered long ago whose report for the week last due is missing.

    Dates follow the real local date (the live server cannot be pinned): the last report is
    for the week before the one last due.
    """
    today = timezone.localdate()
    unit: Unit = clerk.unit
    due_weekday = settings_for(unit.town_region_id).report_due_weekday
    due_week = weeks.latest_due_week(today, due_weekday)
    project = ProjectFactory(
        region=unit.town_region, responsible_unit=unit, name="大曹镇健身器材智能工厂"
    )
    Project.objects.filter(pk=project.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    project.refresh_from_db()
    earlier = due_week - dt.timedelta(days=7)
    reporting.submit_report(
        actor=clerk,
        project=project,
        week=earlier,
        invested_this_week=Decimal("1200000"),
        progress_text="钢结构厂房封顶",
        percent_complete=30,
        today=weeks.week_deadline(earlier, due_weekday),
    )
    lights.refresh_light(project, today=today)
    project.refresh_from_db()
    assert project.light == Light.GREY
    return project


def test_town_clerk_reports_on_a_phone_and_the_light_turns_green(
    live_server: Any,
    browser: Any,
    artifacts: Path,
    settings: Any,
    tmp_path: Path,
    clerk: User,
    grey_project: Project,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    page = browser.new_page(viewport=PHONE)
    # given the clerk on the project's page, where the light is grey
    login(page, live_server.url, clerk.username, PASSWORD)
    page.goto(f"{live_server.url}/projects/{grey_project.pk}/")
    badge = page.locator(".light-badge button").first
    assert "bg-secondary" in (badge.get_attribute("class") or "")
    # when they open this week's report: last week's percent and text are already there
    page.click("#report-this-week")
    page.wait_for_selector("#weekly-report-form")
    assert page.input_value("#id_percent_complete") == "30"
    assert page.input_value("#id_progress_text") == "钢结构厂房封顶"
    page.fill("#id_invested_wan", "85.5")
    page.fill("#id_percent_complete", "34")
    page.set_input_files(
        "input[name=photos][multiple]",
        files=[{"name": "site.jpg", "mimeType": "image/jpeg", "buffer": site_photo()}],
    )
    page.click("#add-problem")
    page.fill("#problem-title-0", "施工用电增容未批复")
    page.select_option("#problem-category-0", "energy")
    page.screenshot(path=str(artifacts / "weekly-report-form-phone.png"), full_page=True)
    submit = page.locator("#weekly-report-form button[type=submit]")
    box = submit.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a thumb-sized target
    submit.click()
    page.wait_for_url(f"{live_server.url}/projects/{grey_project.pk}/")
    # then the project page shows the report and a green light
    badge = page.locator(".light-badge button").first
    assert "bg-green" in (badge.get_attribute("class") or "")
    this_week = weeks.iso_label(weeks.monday_of(timezone.localdate()))
    row = page.locator(f"#reports-panel tr[data-week='{this_week}']")
    assert row.count() == 1
    assert "85.50" in row.inner_text()
    assert "205.50" in row.inner_text()  # 120万 + 85.5万, derived
    assert row.locator("img").count() == 1
    assert "施工用电增容未批复" in row.inner_text()
    page.screenshot(path=str(artifacts / "weekly-report-phone.png"), full_page=True)
    report = WeeklyReport.objects.get(
        project=grey_project, week=weeks.monday_of(timezone.localdate())
    )
    assert report.invested_this_week == Decimal("855000.00")
    assert Problem.objects.get(report=report).owner_unit == clerk.unit
    grey_project.refresh_from_db()
    assert grey_project.light == Light.GREEN
    page.close()
