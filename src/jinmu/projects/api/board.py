"""API: the portfolio board — monitored projects counted by light per town, chain, kind and
responsible unit, in the caller's scope (the same counts as the board page)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.api.actors import actor_of
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.projects.queries import BOARD_LIGHTS, Board, BoardRow, portfolio_board

_STAFF_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)

_ROW = inline_serializer(
    "LightCountRow",
    {
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        **{str(light): serializers.IntegerField() for light in BOARD_LIGHTS},
        "total": serializers.IntegerField(),
    },
)


def _row(row: BoardRow) -> dict[str, Any]:
    """One row as JSON: its counts per light and the total."""
    data: dict[str, Any] = {"key": row.key, "label": row.label}
    data.update({str(cell.light): cell.count for cell in row.cells})
    data["total"] = row.total
    return data


def board_json(board: Board) -> dict[str, Any]:
    """The board as the API returns it."""
    return {
        "computed_from": board.computed_from.isoformat() if board.computed_from else None,
        "computed_to": board.computed_to.isoformat() if board.computed_to else None,
        "total": _row(board.total),
        **{
            f"by_{section.dimension}": [_row(row) for row in section.rows]
            for section in board.sections
        },
    }


class ProjectBoardView(APIView):
    """Counts of monitored projects by light (green, yellow, red, grey)."""

    permission_classes = (permissions.IsAuthenticated,)

    @extend_schema(
        responses=inline_serializer(
            "ProjectBoard",
            {
                "computed_from": serializers.DateField(allow_null=True),
                "computed_to": serializers.DateField(allow_null=True),
                "total": _ROW,
                "by_town": _ROW.__class__(many=True),
                "by_chain": _ROW.__class__(many=True),
                "by_kind": _ROW.__class__(many=True),
                "by_responsible_unit": _ROW.__class__(many=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        """The caller's board; roles outside the ledger's staff get 403 as on the page."""
        if scope_for(request.user).kind not in _STAFF_SCOPES:
            raise PermissionDenied
        return Response(board_json(portfolio_board(actor_of(request))))


urlpatterns: list[URLPattern | URLResolver] = [
    path("project-board/", ProjectBoardView.as_view(), name="api-project-board"),
]
