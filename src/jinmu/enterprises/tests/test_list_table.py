"""The register's table (enterprises.tables): its cells, the editors' buttons in its header,
and the pager that swaps the results with htmx while keeping the filters."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import translation

from jinmu.enterprises.tests.factories import EnterpriseFactory

LIST_URL = "/enterprises/"


def _get(client: Client, world: Any, persona: str, **params: Any) -> str:
    client.force_login(world.user(persona))
    with translation.override("en"):
        return client.get(LIST_URL, params, headers={"HX-Request": "true"}).content.decode()


def test_rows_show_place_scale_and_status_with_phone_labels(world: Any, client: Client) -> None:
    # given
    firm = EnterpriseFactory(
        name="宁津健身器材有限公司",
        region=world.town_a,
        park=world.park,
        scale="above",
        status="closed",
    )

    # when
    html = _get(client, world, "industry")

    # then
    assert f'<td data-label="Name"><a href="{firm.get_absolute_url()}">{firm.name}</a></td>' in html
    assert f'<td data-label="Credit code"><code>{firm.uscc}</code></td>' in html
    assert f"{world.town_a.name} · {world.park.name}" in html
    assert '<span class="badge bg-blue-lt">' in html  # above designated size
    assert '<span class="badge bg-secondary-lt">' in html  # not operating
    assert '<th class="text-end">Latest revenue (10k yuan)</th>' in html
    assert '<td class="num" data-label="Latest revenue (10k yuan)">—</td>' in html
    assert "table-mobile-md" in html
    assert '<h3 class="card-title">1 enterprises</h3>' in html


def test_the_header_has_export_and_import_for_editors_only(world: Any, client: Client) -> None:
    # given
    EnterpriseFactory(region=world.town_a)

    # when
    editor = _get(client, world, "industry", scale="above")
    reader = _get(client, world, "leader", scale="above")

    # then
    assert f'href="{reverse("enterprises:export")}?scale=above"' in editor
    assert reverse("enterprises:import") in editor
    assert reverse("enterprises:export") not in reader
    assert reverse("enterprises:import") not in reader


def test_the_pager_swaps_the_results_and_page_one_keeps_the_filters(
    world: Any, client: Client
) -> None:
    # given
    for i in range(30):
        EnterpriseFactory(name=f"企业{i:02d}", region=world.town_a)
    first = _get(client, world, "admin")
    (next_url,) = re.findall(r'href="(\?cursor=[^"]+)"', first)

    # when
    second = _get(client, world, "admin", q="企业", town="", cursor=next_url.split("=", 1)[1])

    # then
    assert f'hx-get="{next_url}" hx-target="#enterprise-results" hx-push-url="true"' in first
    assert "First page" not in first
    assert (
        'href="?q=%E4%BC%81%E4%B8%9A" hx-get="?q=%E4%BC%81%E4%B8%9A"' in second
    )  # no cursor, no empty field
    assert "Next page" not in second


def test_no_match_says_so(world: Any, client: Client) -> None:
    html = _get(client, world, "admin", q="nothing-like-this")
    assert 'colspan="7"' in html
    assert "No enterprises match." in html
