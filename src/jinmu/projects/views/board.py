"""Project pages: the portfolio board (counts of monitored projects by light).

Every count opens the project list filtered by `light` and the row's filter name (`town`,
`chain`, `kind`, `responsible_unit`), so the board and the list always agree. Roles that do
not supervise projects (enterprise, bank, judge, auditor) get 403, as on the chain pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.projects import queries

BOARD_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    """The board of the user's scope: by town, chain, kind and responsible unit."""
    if scope_for(request.user).kind not in BOARD_SCOPES:
        raise PermissionDenied
    data = queries.portfolio_board(request.user, list_url=reverse("projects:list"))
    return render(
        request,
        "projects/board.html",
        {
            "board": data,
            "lights": queries.BOARD_LIGHTS,
            "colours": queries.LIGHT_COLOURS,
        },
    )


urlpatterns: list[URLPattern] = [path("board/", board, name="board")]
