"""Core pages: home (the audit log is in views_audit, sign-in in views_account)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jinmu.core.scoping import ScopeKind, scope_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to the page their work starts from."""
    scope = scope_for(request.user)
    if scope.kind is ScopeKind.CHAIN:
        return redirect("chains:office_home")
    if scope.kind is ScopeKind.ENTERPRISE:
        return redirect("enterprises:detail", pk=scope.enterprise_id)
    from jinmu.chains.queries import region_overview

    overview = region_overview(request.user) if scope.kind is not ScopeKind.NONE else None
    return render(request, "core/home.html", {"overview": overview, "scope": scope})
