"""Under the CSP the main pages work: no violation, the charts drawn, Alpine alive."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from jinmu.chains.models import Chain
from jinmu.core.models import User
from jinmu.enterprises.models import Enterprise
from jinmu.projects.models import Project
from jinmu.targets.models import Target
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "Jinmu@demo2026"

# Runs before any page script (Playwright injects it over the DevTools protocol, outside CSP).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + e.lineNumber + ' ' + (e.sample || ''));
});
"""

PAINTED = """
(selector) => {
  const root = document.querySelector(selector);
  if (!root) return -1;
  const svg = root.querySelector('svg');
  if (svg) return svg.querySelectorAll('path, rect, text').length;
  const canvas = root.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) painted++; }
  return painted;
}
"""


@pytest.fixture
def demo(db: Any) -> None:
    """The demo county (small); reference data first, as an earlier transactional test empties
    every table, the rows the migrations loaded included."""
    call_command("load_reference", verbosity=0)
    call_command("demo", enterprises=300, verbosity=0)


class Watcher:
    """Collects CSP violations, console errors and warnings, and uncaught errors of a page."""

    def __init__(self, page: Any) -> None:
        """Listen on the page."""
        self.page = page
        self.messages: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))

    def _console(self, message: Any) -> None:
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # the product has no favicon; the browser asks anyway
        if message.type in ("error", "warning"):
            self.messages.append(f"console.{message.type}: {message.text}")

    def visit(self, url: str, chart: str | None = None) -> None:
        """Open a page, let its scripts run and fail on any complaint."""
        response = self.page.goto(url)
        assert response is not None
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")
        if chart:
            self.page.wait_for_selector(f"{chart} canvas, {chart} svg")
            self.page.wait_for_timeout(1200)  # ECharts animates the first draw
            assert self.page.evaluate(PAINTED, chart) > 50, f"{chart} not drawn on {url}"
            box = self.page.locator(chart).bounding_box()
            if box:  # a tooltip is HTML or rich text: it must not need inline styles either
                self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                self.page.wait_for_timeout(400)
        self.check(url)

    def check(self, where: str) -> None:
        """No CSP violation and no console error so far."""
        violations = self.page.evaluate("() => window.__csp")
        assert violations == [], f"{where}: {violations}"
        assert self.messages == [], f"{where}: {self.messages}"


def test_main_pages_run_under_the_csp(live_server: Any, browser: Any, demo: None) -> None:
    # given the demo county (small) and the industry office's login
    chain = Chain.objects.get(name="健身器材")
    planned = Project.objects.filter(milestones__isnull=False).order_by("pk").first()
    assert planned is not None
    firm = Enterprise.objects.filter(figures__isnull=False).order_by("pk").first()
    assert firm is not None
    target = Target.objects.filter(parent__isnull=True).order_by("pk").first()
    assert target is not None
    page = browser.new_page(viewport=DESKTOP)
    watch = Watcher(page)
    base = live_server.url
    login(page, base, "industry", PASSWORD)
    watch.check("/login/")
    # when each main page opens, then nothing is refused and the charts are drawn
    watch.visit(f"{base}/")
    watch.visit(f"{base}/enterprises/")
    # htmx swaps the filtered list in (no eval, no injected style)
    with page.expect_response(lambda r: "/enterprises/?" in r.url):
        page.fill("#id_q", "宁津")
    page.wait_for_load_state("networkidle")
    watch.check("/enterprises/ filtered by htmx")
    watch.visit(f"{base}/enterprises/{firm.pk}/", chart="#figures-chart")
    watch.visit(f"{base}/chains/{chain.pk}/", chart="#chain-map")
    watch.visit(f"{base}/projects/")
    watch.visit(f"{base}/projects/board/", chart="#board-chart")
    watch.visit(f"{base}/projects/{planned.pk}/")
    watch.visit(f"{base}/projects/{planned.pk}/plan/", chart="#plan-gantt")
    # the A3 wall copy is an SVG data: image (img-src data:)
    assert page.get_attribute("#plan-gantt-print", "src").startswith("data:image/svg+xml")
    watch.visit(f"{base}/targets/")
    watch.visit(f"{base}/targets/{target.pk}/")
    # the account pages (the optional TOTP enrolment draws its QR code)
    watch.visit(f"{base}/account/")
    watch.visit(f"{base}/account/tokens/")
    watch.visit(f"{base}/account/otp/setup/")
    # Alpine's CSP build: the navigation menu still opens
    group = page.locator("li.nav-item.dropdown").first
    group.locator("a.dropdown-toggle").click()
    assert "show" in (group.locator(".dropdown-menu").get_attribute("class") or "")
    watch.check("navigation menu")
    # the API docs: Swagger UI renders the schema from separate script files
    watch.visit(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    watch.check("/api/docs/")
    page.close()


def test_weekly_report_form_runs_under_the_csp(live_server: Any, browser: Any, demo: None) -> None:
    # given a town clerk of the demo county and a project of the town
    clerk = User.objects.get(username="town-dacao")
    probe = Client()
    probe.force_login(clerk)
    project = next(
        p
        for p in Project.objects.order_by("pk")
        if b'id="add-problem"' in probe.get(f"/projects/{p.pk}/report/").content
    )
    page = browser.new_page(viewport={"width": 390, "height": 844})
    watch = Watcher(page)
    login(page, live_server.url, clerk.username, PASSWORD)
    # when the clerk opens the report form and adds then removes a problem
    watch.visit(f"{live_server.url}/projects/{project.pk}/report/")
    rows = page.locator(".problem-row")
    before = rows.count()
    page.click("#add-problem")
    page.fill(f"#problem-title-{before}", "用地指标未落实")
    # then the Alpine component (CSP build) adds the row, and removes it again
    assert rows.count() == before + 1
    rows.nth(before).locator("button").click()
    assert rows.count() == before
    watch.check("report form")
    page.close()
