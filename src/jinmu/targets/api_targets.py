"""API of the year's targets: `GET /api/v1/targets/?year=2026` lists the targets in the user's
scope with their live progress against 序时进度.

Mounted by `jinmu.api.urls` with `path("", include("jinmu.targets.api_targets"))`.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.targets.choices import MAX_YEAR, MIN_YEAR
from jinmu.targets.freshness import Generation
from jinmu.targets.progress import evaluate_many
from jinmu.targets.queries import visible_targets
from jinmu.targets.serializers import TargetProgressSerializer

# Years a target can sensibly belong to; anything else is a typing error in the query.


class TargetAccess(permissions.BasePermission):
    """Only roles with a domain scope read targets."""

    message = gettext_lazy("Your role has no access to targets.")

    def has_permission(self, request: Request, view: Any) -> bool:
        """Users without a scope (bank, judge, auditors) are refused."""
        return scope_for(request.user).kind is not ScopeKind.NONE


def year_of(request: Request) -> int:
    """The `year` query parameter, this year when absent; refused when not a sensible year."""
    raw = request.query_params.get("year")
    if raw is None or raw == "":
        return timezone.localdate().year
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {
                "year": [
                    _("Give a year between {low} and {high}.").format(low=MIN_YEAR, high=MAX_YEAR)
                ]
            }
        )
    return year


class TargetListView(APIView):
    """The year's targets in the user's scope, each with its measured value and status."""

    permission_classes = [permissions.IsAuthenticated, TargetAccess]

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year.")],
        responses={200: TargetProgressSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        """List the targets of `year` with their progress today."""
        year = year_of(request)
        generation = Generation.read()
        targets = visible_targets(
            request.user, year, generation, order=("front", "parent_id", "id")
        )
        results = evaluate_many(
            targets, timezone.localdate(), with_items=False, generation=generation
        )
        items = [results[target.pk] for target in targets]
        # The DRF stubs type `instance` as one object even with many=True.
        serializer = TargetProgressSerializer(items, many=True)  # type: ignore[arg-type]
        return Response(serializer.data)


urlpatterns = [
    path("targets/", TargetListView.as_view(), name="api-targets"),
]
