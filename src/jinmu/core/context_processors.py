"""Template context shared by every page: the navigation the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from jinmu.core.permissions import has_action
from jinmu.core.scoping import ScopeKind, can_read_audit, scope_for

# Scopes that supervise chains, projects and targets (not an enterprise, bank or judge).
_SUPERVISING = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in user: a flat list in menu order, each with the `group`
    whose dropdown it sits in ("" for a top-level entry) and whether it is the current page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    # Imported here: the targets app's services import models of every other app.
    from jinmu.targets.services import can_manage_targets, can_report_values

    scope = scope_for(user)
    entries: list[tuple[str, str, str, str]] = [("", _("Home"), "home", "home")]
    if scope.kind is not ScopeKind.NONE:
        entries.append(("", _("Enterprises"), "enterprises:list", "building"))
    if scope.kind in _SUPERVISING:
        chains = _("Chains")
        entries += [
            (chains, _("Chain maps"), "chains:list", "chain"),
            (chains, _("Chain gaps"), "chains:gaps", "alert"),
        ]
    projects = _("Projects")
    if scope.kind is not ScopeKind.NONE:
        entries.append((projects, _("Project ledger"), "projects:list", "target"))
    if scope.kind in _SUPERVISING:
        entries += [
            (projects, _("Project board"), "projects:board", "dashboard"),
            (projects, _("Attraction pipeline"), "projects:attraction", "funnel"),
            (projects, _("Weekly reports"), "projects:report_status", "calendar"),
            (projects, _("Weekly bulletin"), "projects:bulletin", "file"),
        ]
        targets = _("Targets")
        entries += [
            (targets, _("Target board"), "targets:board", "chart"),
            (targets, _("Targets by unit"), "targets:units", "users"),
        ]
        if can_report_values(user):
            entries.append((targets, _("Report a value"), "targets:report_value", "pencil"))
        if can_manage_targets(user):
            entries += [
                (targets, _("Targets from a policy text"), "targets:extract", "file"),
                (targets, _("Target settings"), "targets:settings", "settings"),
            ]
    if scope.kind is not ScopeKind.NONE:
        entries.append(("", _("Problems"), "problems:list", "flag"))
    if can_read_audit(user):
        entries.append(("", _("Audit log"), "audit_log", "history"))
    if has_action(user, "core.change_user"):  # 三员分立: only the security administrator
        organisation = _("Organisation")
        entries += [
            (organisation, _("Users"), "organisation:users", "users"),
            (organisation, _("Units"), "organisation:units", "building"),
            (organisation, _("Regions"), "organisation:regions", "map"),
            (organisation, _("Import units and users"), "organisation:import", "file"),
        ]
    entries.append(("", _("API documentation"), "api-docs", "api"))
    items = [
        {"group": group, "label": label, "url": reverse(name), "icon": icon}
        for group, label, name, icon in entries
    ]
    _mark_current(items, request.path)
    # A group of one entry (an enterprise's projects) is a plain entry named after the group.
    sizes: dict[str, int] = {}
    for item in items:
        sizes[item["group"]] = sizes.get(item["group"], 0) + 1
    for item in items:
        if item["group"] and sizes[item["group"]] == 1:
            item["label"], item["group"] = item["group"], ""
    return {"nav_items": items, "user_scope": scope}


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
