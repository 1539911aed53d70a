"""Template context shared by every page: the navigation the user's roles allow, built from the
entries each app registers (jinmu.core.registry)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from jinmu.core.registry import MenuEntry, menu_for
from jinmu.core.scoping import scope_for

# Each entry's label, group and address per (entry, language, script prefix, URLconf): the same
# for every request of the process, so translating and reversing them once is enough. Keyed by
# the entry's URL name and checked against the entry itself, since registering again replaces it.
_ITEMS: dict[tuple[str, str | None, str, Any], tuple[MenuEntry, dict[str, str]]] = {}
# The menu bars drawn, by their entries (each entry's group, label, address and whether it is
# the current page: all the drawing reads). Bounded: cleared when full.
_MENUS: dict[tuple[tuple[str, str, str, bool], ...], SafeString] = {}
_MENUS_LIMIT = 512


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in user: a flat list in menu order, each with the `group`
    whose dropdown it sits in ("" for a top-level entry) and whether it is the current page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    context = (get_language(), get_script_prefix(), get_urlconf(settings.ROOT_URLCONF))
    items = [dict(_item(entry, context)) for entry in menu_for(user, scope)]
    _mark_current(items, request.path)
    _flatten_single_groups(items)
    return {"nav_items": items, "nav_html": _menu_html(items), "user_scope": scope}


def _menu_html(items: list[dict[str, Any]]) -> SafeString:
    """The menu bar drawn from its entries (`includes/nav_menu.html`), kept per menu: a role
    sees one of a few menus, each with one entry marked, and drawing it through the template
    language cost every page a few hundred node renders."""
    key = tuple((item["group"], item["label"], item["url"], item["active"]) for item in items)
    drawn = _MENUS.get(key)
    if drawn is None:
        if len(_MENUS) >= _MENUS_LIMIT:
            _MENUS.clear()
        html = render_to_string("includes/nav_menu.html", {"nav_items": items})
        drawn = _MENUS[key] = mark_safe(html.rstrip("\n"))
    return drawn


def _item(entry: MenuEntry, context: tuple[str | None, str, Any]) -> dict[str, str]:
    """The entry's translated label and group, address and icon (cached, see `_ITEMS`)."""
    key = (entry.url_name, *context)
    cached = _ITEMS.get(key)
    if cached is not None and cached[0] is entry:
        return cached[1]
    item = {
        "group": str(entry.group),
        "label": str(entry.label),
        "url": reverse(entry.url_name),
        "icon": entry.icon,
    }
    _ITEMS[key] = (entry, item)
    return item


def _flatten_single_groups(items: list[dict[str, Any]]) -> None:
    """A group of one entry (an enterprise's projects) is a plain entry named after the group."""
    sizes: dict[str, int] = {}
    for item in items:
        sizes[item["group"]] = sizes.get(item["group"], 0) + 1
    for item in items:
        if item["group"] and sizes[item["group"]] == 1:
            item["label"], item["group"] = item["group"], ""


def _mark_current(items: list[dict[str, Any]], path: str) -> None:
    """Mark the entry whose address is the longest prefix of the current page's."""
    best: dict[str, Any] | None = None
    for item in items:
        url = item["url"]
        matches = path == url or (url != "/" and path.startswith(url))
        if matches and (best is None or len(url) > len(best["url"])):
            best = item
    for item in items:
        item["active"] = item is best
