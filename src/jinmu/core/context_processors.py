"""Template context shared by every page: the navigation the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from jinmu.core.scoping import ScopeKind, can_read_audit, scope_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries for the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    scope = scope_for(user)
    items: list[dict[str, str]] = [{"label": _("Home"), "url": reverse("home"), "icon": "home"}]
    if scope.kind is not ScopeKind.NONE:
        items.append(
            {"label": _("Enterprises"), "url": reverse("enterprises:list"), "icon": "building"}
        )
    if scope.kind in (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK):
        items.append({"label": _("Chains"), "url": reverse("chains:list"), "icon": "chain"})
        items.append({"label": _("Chain gaps"), "url": reverse("chains:gaps"), "icon": "alert"})
    if scope.kind is not ScopeKind.NONE:
        items.append({"label": _("Projects"), "url": reverse("projects:list"), "icon": "target"})
    if scope.kind in (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK):
        for label, name, icon in (
            (_("Project board"), "projects:board", "dashboard"),
            (_("Attraction pipeline"), "projects:attraction", "funnel"),
            (_("Weekly reports"), "projects:report_status", "calendar"),
            (_("Weekly bulletin"), "projects:bulletin", "file"),
        ):
            items.append({"label": label, "url": reverse(name), "icon": icon})
        items.append({"label": _("Targets"), "url": reverse("targets:board"), "icon": "chart"})
    if scope.kind is not ScopeKind.NONE:
        items.append({"label": _("Problems"), "url": reverse("problems:list"), "icon": "flag"})
    if can_read_audit(user):
        items.append({"label": _("Audit log"), "url": reverse("audit_log"), "icon": "history"})
    items.append({"label": _("API documentation"), "url": reverse("api-docs"), "icon": "api"})
    return {"nav_items": items, "user_scope": scope}
