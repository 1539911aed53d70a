"""Core pages: home (the audit log is in views_audit, sign-in in views_account)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from jinmu.core.registry import home_sections_for, start_page_for
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import AuthedRequest


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Send each user to the page their work starts from, or show the sections the apps add."""
    scope = scope_for(request.user)
    start = start_page_for(request.user, scope)
    if start is not None:
        return redirect(start)
    context: dict[str, Any] = {"scope": scope, "home_sections": []}
    if scope.kind is not ScopeKind.NONE:
        for section in home_sections_for(request.user, scope):
            context.update(section.context(request.user, scope))
            context["home_sections"].append(section.template)
    else:
        context["overview"] = None
    return render(request, "core/home.html", context)
