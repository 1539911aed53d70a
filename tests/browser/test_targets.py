"""The industry office reads a policy text into targets, then follows one on the board."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from jinmu.core.choices import Role
from jinmu.core.models import User
from jinmu.core.tests.factories import PASSWORD, county, user_with
from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.targets.catalogue import load_catalogue
from jinmu.targets.models import Indicator, Target
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
POLICY = "今年全县新增国家级高新技术企业30家以上，新增上云企业60家，建设口袋公园5个。"


@pytest.fixture
def office(db: Any) -> User:
    """The county's industry office, with two firms certified high-tech this year."""
    # Transactional tests empty every table afterwards, the migration's catalogue included.
    load_catalogue(Indicator)
    region = county()
    kind = QualificationKindFactory(code="high-tech")
    today = timezone.localdate()
    for name in ("宁津华健体育器材有限公司", "宁津金木机械有限公司"):
        firm = EnterpriseFactory(region=region, name=name)
        QualificationFactory(enterprise=firm, kind=kind, granted_on=today.replace(day=1))
    return user_with(Role.INDUSTRY_OFFICE, username="gongxin", region=region)


def test_policy_text_becomes_targets_measured_on_the_board(
    live_server: Any, browser: Any, artifacts: Path, office: User
) -> None:
    page = browser.new_page(viewport=PHONE)
    login(page, live_server.url, office.username, PASSWORD)
    # given the policy text pasted on the extraction page
    page.goto(f"{live_server.url}/targets/extract/")
    page.fill("#id_text", POLICY)
    page.click("#extract-form button.btn-primary")
    page.wait_for_selector("#extract-review")
    # then each goal is a draft with its number highlighted in the sentence
    drafts = page.locator(".draft-row")
    assert drafts.count() == 3
    assert drafts.nth(0).locator("mark").inner_text() == "30家以上"
    page.screenshot(path=str(artifacts / "targets-review-phone.png"), full_page=True)
    # when the office drops the park goal, which no indicator measures, and confirms
    drafts.nth(2).locator("input[type=checkbox]").uncheck()
    page.click("#extract-review button.btn-primary")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/targets/(\?.*)?$"))
    # then the board shows the two targets, the certified firms counted against 序时
    assert Target.objects.count() == 2
    high_tech = Target.objects.get(indicator__code="high-tech-new")
    row = page.locator(f"tr[data-target='{high_tech.pk}']").first
    assert row.locator("[data-measured]").inner_text().strip() == "2家"
    assert row.get_attribute("data-status") in ("green", "yellow", "red")
    assert row.locator("[data-marker]").count() == 1
    page.screenshot(path=str(artifacts / "targets-board-phone.png"), full_page=True)
    # and the goal opens on the firms behind the number
    row.locator("a[data-goal]").click()
    page.wait_for_url(f"{live_server.url}/targets/{high_tech.pk}/")
    body = page.locator("main, body").first.inner_text()
    assert "宁津华健体育器材有限公司" in body
    assert "宁津金木机械有限公司" in body
    page.screenshot(path=str(artifacts / "targets-detail-phone.png"), full_page=True)
    page.close()
