"""Long work shows its progress: the page of a running background task updates by itself (htmx
polling under the strict CSP) and says when the work is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jinmu.core.choices import Role
from jinmu.core.models import BackgroundTask
from jinmu.core.tests.factories import PASSWORD, county, user_with
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_follows_the_task_to_its_end(
    browser: Any, live_server: Any, artifacts: Path
) -> None:
    """40 of 100 while running; the page turns to 已完成 with the outcome without a reload."""
    user = user_with(Role.INDUSTRY_OFFICE, username="industry-bg")
    task = BackgroundTask.objects.create(
        kind="projects.refresh_county_lights",
        label="重新计算宁津县的项目亮灯",
        region=county(),
        started_by=user,
        status=BackgroundTask.Status.RUNNING,
        done=40,
        total=100,
        next_url="/projects/settings/",
    )
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    login(page, live_server.url, "industry-bg", PASSWORD)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert page.locator("#background-task .badge").inner_text() == "进行中"
    assert page.locator("#background-task progress").get_attribute("value") == "40"
    assert "40 / 100" in page.locator("#background-task").inner_text()
    page.screenshot(path=str(artifacts / "background-task-running.png"), full_page=True)

    BackgroundTask.objects.filter(pk=task.pk).update(
        status=BackgroundTask.Status.DONE, done=100, message="已重新计算 100 个项目亮灯。"
    )
    page.wait_for_selector("#background-task .badge.bg-green-lt", timeout=10_000)
    card = page.locator("#background-task").inner_text()
    assert "已完成" in card
    assert "已重新计算 100 个项目亮灯。" in card
    assert page.locator("#background-task a.btn").get_attribute("href") == "/projects/settings/"
    page.screenshot(path=str(artifacts / "background-task-done.png"), full_page=True)
    assert not [e for e in errors if e.startswith("error") and "Content Security Policy" in e]
    context.close()
