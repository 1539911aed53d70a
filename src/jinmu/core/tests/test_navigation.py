"""The menu: grouped into dropdowns, limited to what the user may open, current page marked."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from jinmu.core.context_processors import navigation
from jinmu.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _menu(world: Any, persona: str, path: str = "/") -> list[dict[str, Any]]:
    """The navigation entries of a persona on a page."""
    request = RequestFactory().get(path)
    request.user = world.user(persona)
    with translation.override("en"):
        items: list[dict[str, Any]] = navigation(request)["nav_items"]
    return items


def test_supervisors_get_grouped_menus(world: Any) -> None:
    """Chains, projects and targets are dropdowns; the industry office also keeps targets."""
    items = _menu(world, "industry")
    groups = {item["group"] for item in items}
    assert {"Chains", "Projects", "Targets"} <= groups
    targets = [item["url"] for item in items if item["group"] == "Targets"]
    assert targets == [
        reverse("targets:board"),
        reverse("targets:units"),
        reverse("targets:report_value"),
        reverse("targets:extract"),
        reverse("targets:settings"),
    ]


def test_a_town_sees_targets_but_cannot_keep_them(world: Any) -> None:
    """A town reads its targets; extraction, settings and reporting are not offered."""
    urls = [item["url"] for item in _menu(world, "town_a")]
    assert reverse("targets:board") in urls
    assert reverse("targets:extract") not in urls
    assert reverse("targets:settings") not in urls
    assert reverse("targets:report_value") not in urls


def test_an_enterprise_gets_a_plain_projects_entry(world: Any) -> None:
    """A group of one entry is shown as a plain entry under the group's name."""
    user = world.user("enterprise")
    user.enterprise = EnterpriseFactory(region=world.town_a)
    user.save()
    items = _menu(world, "enterprise")
    projects = [item for item in items if item["url"] == reverse("projects:list")]
    assert projects == [{**projects[0], "group": "", "label": "Projects"}]
    assert reverse("targets:board") not in [item["url"] for item in items]


def test_current_page_is_the_longest_matching_entry(world: Any) -> None:
    """On a unit's targets page, "Targets by unit" is current, not the board at /targets/."""
    path = reverse("targets:unit", args=[world.town_a_unit.pk])
    current = [item["url"] for item in _menu(world, "industry", path) if item["active"]]
    assert current == [reverse("targets:units")]


def test_dropdown_marks_its_current_entry(world: Any, client: Client) -> None:
    """The page shows the group's dropdown with its current entry active."""
    client.force_login(world.user("industry"))
    html = client.get(reverse("targets:units")).content.decode()
    assert 'class="nav-item dropdown active"' in html
    assert f'class="dropdown-item active" href="{reverse("targets:units")}"' in html


def test_the_menu_bar_is_drawn_once_per_menu_and_page(world: Any) -> None:
    """The drawing is kept for the same entries and current page, and follows the page."""

    def bar(persona: str, path: str) -> Any:
        request = RequestFactory().get(path)
        request.user = world.user(persona)
        with translation.override("en"):
            return navigation(request)["nav_html"]

    # when
    board, again = bar("industry", "/projects/board/"), bar("industry", "/projects/board/")
    ledger = bar("industry", "/projects/")

    # then: the same drawing, and the current entry marked in each
    assert again is board
    board_link = f'<a class="dropdown-item active" href="{reverse("projects:board")}">'
    assert board_link in board
    assert board_link not in ledger
    assert f'<a class="dropdown-item active" href="{reverse("projects:list")}">' in ledger
    assert 'class="navbar-nav"' in board
