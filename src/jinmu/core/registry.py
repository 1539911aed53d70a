"""What each app adds to the shared pages, registered by the app itself in its `navigation.py`:
menu entries, sections of the home page, and the page a kind of user starts from. Core reads
the registry and so knows no domain app (the layers run core → enterprises → chains → …).

    # jinmu/chains/navigation.py
    menu_group(_("Chains"), [(20, _("Chain maps"), "chains:list", "chain"), ...],
               shown=supervising)
    home_section(order=10, template="chains/_home_overview.html", context=overview_context)
    start_page(ScopeKind.CHAIN, lambda user, scope: reverse("chains:office_home"))
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

from jinmu.core.models import User
from jinmu.core.scoping import Scope, ScopeKind

Shown = Callable[[User, Scope], bool]

# Scopes that supervise chains, projects and targets (not an enterprise, bank or judge).
SUPERVISING = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)


def everyone(user: User, scope: Scope) -> bool:
    """Shown to every signed-in user."""
    return True


def scoped(user: User, scope: Scope) -> bool:
    """Shown to users who see some data (any scope but none)."""
    return scope.kind is not ScopeKind.NONE


def supervising(user: User, scope: Scope) -> bool:
    """Shown to the region, chain offices, towns and parks."""
    return scope.kind in SUPERVISING


@dataclass(frozen=True)
class MenuEntry:
    """One menu entry: `group` names the dropdown it sits in ("" at the top level)."""

    order: int
    label: str | Promise
    url_name: str
    icon: str
    group: str | Promise = ""
    shown: Shown = everyone


@dataclass(frozen=True)
class HomeSection:
    """A part of the home page: `context(user, scope)` gives the template's variables."""

    order: int
    template: str
    context: Callable[[User, Scope], dict[str, Any]]
    shown: Shown = everyone


_MENU: dict[str, MenuEntry] = {}
_HOME: dict[str, HomeSection] = {}
_START: dict[ScopeKind, Callable[[User, Scope], str]] = {}


def menu_entry(
    *,
    order: int,
    label: str | Promise,
    url_name: str,
    icon: str,
    group: str | Promise = "",
    shown: Shown = everyone,
) -> None:
    """Register a menu entry (by URL name: registering again replaces it)."""
    _MENU[url_name] = MenuEntry(order, label, url_name, icon, group, shown)


def menu_group(
    group: str | Promise, entries: Iterable[tuple[Any, ...]], *, shown: Shown = everyone
) -> None:
    """Register the entries of one dropdown, each `(order, label, url_name, icon)`, or with a
    fifth item, the entry's own `shown` (else `shown`)."""
    for order, label, url_name, icon, *own in entries:
        menu_entry(
            order=order,
            group=group,
            label=label,
            url_name=url_name,
            icon=icon,
            shown=own[0] if own else shown,
        )


def home_section(
    *,
    order: int,
    template: str,
    context: Callable[[User, Scope], dict[str, Any]],
    shown: Shown = everyone,
) -> None:
    """Register a section of the home page (by template)."""
    _HOME[template] = HomeSection(order, template, context, shown)


def start_page(kind: ScopeKind, url: Callable[[User, Scope], str]) -> None:
    """Send users of a scope kind to their own first page instead of the home page."""
    _START[kind] = url


@functools.cache
def _discover() -> None:
    # Once per process: looking for every app's module on each request would cost every page
    # a search of the file system for the apps that have none.
    autodiscover_modules("navigation")


def menu_for(user: User, scope: Scope) -> list[MenuEntry]:
    """The entries the user is shown, in menu order."""
    _discover()
    entries = sorted(_MENU.values(), key=lambda entry: entry.order)
    return [entry for entry in entries if entry.shown(user, scope)]


def home_sections_for(user: User, scope: Scope) -> list[HomeSection]:
    """The home page's sections the user is shown, in order."""
    _discover()
    sections = sorted(_HOME.values(), key=lambda section: section.order)
    return [section for section in sections if section.shown(user, scope)]


def start_page_for(user: User, scope: Scope) -> str | None:
    """The first page of the user's scope kind, when an app registered one."""
    _discover()
    url = _START.get(scope.kind)
    return None if url is None else url(user, scope)
