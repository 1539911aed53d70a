"""Project pages: the portfolio board (counts of monitored projects by light).

Every count opens the project list filtered by `light` and the row's filter name (`town`,
`chain`, `kind`, `responsible_unit`), so the board and the list always agree. Roles that do
not supervise projects (enterprise, bank, judge, auditor) get 403, as on the chain pages.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse

from jinmu.core.types import AuthedRequest
from jinmu.projects import queries
from jinmu.projects.tables import board_section_table
from jinmu.projects.views.common import STAFF_SCOPES, require_scope


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """The board of the user's scope: by town, chain, kind and responsible unit."""
    require_scope(request, *STAFF_SCOPES)
    data = queries.portfolio_board(request.user, list_url=reverse("projects:list"))
    return render(
        request,
        "projects/board.html",
        {
            "board": data,
            # Each section's table, by its dimension (`projects/board_section.html`).
            "section_tables": {
                section.dimension: board_section_table(section) for section in data.sections
            },
            "lights": queries.BOARD_LIGHTS,
            "colours": queries.LIGHT_COLOURS,
        },
    )


urlpatterns: list[URLPattern] = [path("board/", board, name="board")]
