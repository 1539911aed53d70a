"""The chain office opens its chain map and the ECharts canvas is drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from jinmu.chains.models import Chain
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CANVAS_PAINTED = """
() => {
  const canvas = document.querySelector('#chain-map canvas');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) painted++; }
  return painted;
}
"""


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_chain_office_sees_its_chain_map(
    live_server: Any, browser: Any, artifacts: Path, viewport: dict[str, int]
) -> None:
    # given the demo county (small) and the fitness chain office's login
    call_command("demo", enterprises=300, verbosity=0)
    chain = Chain.objects.get(name="健身器材")
    page = browser.new_page(viewport=viewport)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    # when
    login(page, live_server.url, "chain-fitness", "Jinmu@demo2026")
    page.goto(f"{live_server.url}/chains/{chain.pk}/")
    page.wait_for_selector("#chain-map canvas")
    page.wait_for_timeout(1500)  # ECharts animates the first draw
    # then the chart is drawn, in Chinese, and nothing was fetched from outside the machine
    assert page.evaluate(CANVAS_PAINTED) > 1000
    body = page.inner_text("body")
    assert "健身器材" in body
    assert "断点" in body  # the UI is Chinese even though headless chromium asks for en-US
    outside = [
        u for u in requests if not u.startswith(live_server.url) and not u.startswith("data:")
    ]
    assert outside == []
    option = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chain-map'))"
        ".getOption().series.length"
    )
    assert option >= 1
    page.screenshot(path=str(artifacts / f"chain-map-{viewport['width']}.png"), full_page=True)
    page.close()
