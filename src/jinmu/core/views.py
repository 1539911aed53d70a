"""Core pages: home, sign-in and the audit log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jinmu.core.models import AuditLog
from jinmu.core.pagination import page_url, paginate
from jinmu.core.scoping import ScopeKind, can_read_audit, scope_for


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


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, for the audit admin and county leaders, newest first."""
    if not can_read_audit(request.user):
        raise PermissionDenied
    scope = scope_for(request.user)
    entries = AuditLog.objects.select_related("content_type")
    if scope.kind is ScopeKind.REGION:
        entries = entries.filter(region__code__startswith=scope.region_prefix)
    else:  # an audit admin without a region-wide role reads their own region's log
        region = getattr(request.user, "region", None)
        if region is not None:
            entries = entries.filter(region__code__startswith=region.scope_prefix)
    if q := request.GET.get("q", "").strip():
        entries = entries.filter(object_repr__icontains=q) | entries.filter(actor_name=q)
    page = paginate(entries, order=("-time", "-id"), cursor=request.GET.get("cursor"), page_size=50)
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "q": q,
            "next_url": page_url(request.GET, page.next_cursor) if page.next_cursor else None,
        },
    )


class LoginView(auth_views.LoginView):
    """Sign-in page in Chinese."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True
