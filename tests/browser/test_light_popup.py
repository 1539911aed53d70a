"""In the ledger list a light's reasons are not on the page until its popup is opened; then they
arrive and read as on the project's page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jinmu.core.models import User
from jinmu.core.tests.factories import PASSWORD
from jinmu.projects.models import Project
from tests.browser.conftest import login
from tests.browser.test_weekly_report import PHONE, clerk, grey_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["clerk", "grey_project"]  # fixtures shared with the weekly report's test


def test_a_list_rows_light_explains_itself_when_opened(
    live_server: Any, browser: Any, artifacts: Path, clerk: User, grey_project: Project
) -> None:
    page = browser.new_page(viewport=PHONE)
    login(page, live_server.url, clerk.username, PASSWORD)
    # given the clerk on the ledger list, where the row's popup holds no reasons yet
    page.goto(f"{live_server.url}/projects/")
    badge = page.locator(".light-badge").first
    assert badge.locator(".light-reasons-list").count() == 0
    # when they tap the light
    badge.locator("button").click()
    # then the reasons arrive inside the open popup, one per rule
    reasons = badge.locator(".light-reasons-list [data-rule]")
    reasons.first.wait_for(state="visible")
    assert reasons.count() >= 1
    assert badge.locator(".dropdown-menu").is_visible()
    page.screenshot(path=str(artifacts / "ledger-light-popup-phone.png"), full_page=True)
    page.close()
