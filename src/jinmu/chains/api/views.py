"""API viewsets of the chains app: scoped reads (`for_user`), writes through the services.

Roles without a chain scope (enterprise, bank, judge, auditor) get 403; objects out of scope are
absent (404); writes need `can_edit_chains`, and the services also refuse another office's chain.
A service's refusal is answered by `jinmu.api.exceptions.exception_handler`: a 400 per field, a
stale or missing `expected_version` a 409.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jinmu.api.actors import actor_of
from jinmu.api.filters import NamedFilterBackend
from jinmu.api.versions import EXPECTED_VERSION_PARAMETER, query_version
from jinmu.chains import queries, services
from jinmu.chains.api.serializers import (
    BottleneckClearSerializer,
    BottleneckSerializer,
    ChainNodeSerializer,
    ChainPartnerSerializer,
    ChainSerializer,
    GapQuerySerializer,
    GapSerializer,
)
from jinmu.chains.choices import BottleneckStatus, NodeKind, PartnerKind, Segment
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner
from jinmu.core.pagination import KeysetApiPagination, KeysetPage, decode_cursor, encode_cursor
from jinmu.core.scoping import ScopeKind, can_edit_chains, scope_for
from jinmu.core.services import require_version

READER_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)


class ChainAccess(permissions.BasePermission):
    """Reading needs a chain scope; writing needs `can_edit_chains`."""

    message = _("Your role has no access to the industrial chains.")

    def has_permission(self, request: Request, view: Any) -> bool:
        """Module-level check; objects out of scope are simply absent (404)."""
        if scope_for(request.user).kind not in READER_SCOPES:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if can_edit_chains(request.user):
            return True
        self.message = _("You may not change industrial chains.")
        return False


def _scoped_choice(model: Any) -> Any:
    """Filter choices limited to the requesting user's scope."""

    def queryset(request: Any) -> Any:
        return model.objects.for_user(getattr(request, "user", None))

    return queryset


class ChainNodeFilterSet(django_filters.FilterSet):
    """Nodes by chain, segment and kind."""

    chain = django_filters.ModelChoiceFilter(queryset=_scoped_choice(Chain))
    segment = django_filters.ChoiceFilter(choices=Segment.choices)
    kind = django_filters.ChoiceFilter(choices=NodeKind.choices)

    class Meta:
        model = ChainNode
        fields = ("chain", "segment", "kind")


class ChainPartnerFilterSet(django_filters.FilterSet):
    """Partners by chain and kind."""

    chain = django_filters.ModelChoiceFilter(queryset=_scoped_choice(Chain))
    kind = django_filters.ChoiceFilter(choices=PartnerKind.choices)

    class Meta:
        model = ChainPartner
        fields = ("chain", "kind")


class BottleneckFilterSet(django_filters.FilterSet):
    """Bottlenecks by chain, node and status."""

    chain = django_filters.ModelChoiceFilter(
        field_name="node__chain", queryset=_scoped_choice(Chain)
    )
    node = django_filters.ModelChoiceFilter(queryset=_scoped_choice(ChainNode))
    status = django_filters.ChoiceFilter(choices=BottleneckStatus.choices)

    class Meta:
        model = Bottleneck
        fields = ("chain", "node", "status")


class _ChainViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = (permissions.IsAuthenticated, ChainAccess)
    filter_backends = (NamedFilterBackend,)


@extend_schema_view(
    list=extend_schema(summary="List the chains in your scope"),
    partial_update=extend_schema(summary="Change some settings of a chain"),
)
class ChainViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    _ChainViewSet,
):
    """Chains in the user's scope; chain offices and the industry office may change them."""

    serializer_class = ChainSerializer
    keyset_order = ("sort_order", "id")

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        return Chain.objects.for_user(self.request.user).select_related("office")

    def perform_update(self, serializer: Any) -> None:
        """Change through the service; a stale or missing `expected_version` is a 409."""
        serializer.instance = services.update_chain(
            actor=actor_of(self.request),
            chain=serializer.instance,
            data=serializer.service_data(),
            expected_version=require_version(serializer.client_version()),
        )


@extend_schema_view(destroy=extend_schema(parameters=[EXPECTED_VERSION_PARAMETER]))
class _ServiceCrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _ChainViewSet,
):
    """Create, update and delete through the chain services.

    Subclasses name the model whose rows in the user's scope they serve (`scoped_model`, with
    the `related` rows read along), the services, the keyword under which a service takes the
    object (`object_kwarg`) and the parent field a new row hangs from (`parent_field`); a stale
    `expected_version` is a 409 on that field.
    """

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        rows = self.scoped_model.objects.for_user(self.request.user)
        return rows.select_related(*self.related) if self.related else rows

    keyset_order = ("id",)
    scoped_model: type[Any]
    related: tuple[str, ...] = ()
    object_kwarg: str
    parent_field: str
    create_service: Any
    update_service: Any
    delete_service: Any

    def perform_create(self, serializer: Any) -> None:
        """Add through the service."""
        serializer.instance = self.create_service(
            actor=actor_of(self.request),
            **{self.parent_field: serializer.validated_data[self.parent_field]},
            data=serializer.service_data(drop=(self.parent_field,)),
        )

    def perform_update(self, serializer: Any) -> None:
        """Change through the service; a stale or missing `expected_version` is a 409."""
        serializer.instance = self.update_service(
            actor=actor_of(self.request),
            **{self.object_kwarg: serializer.instance},
            data=serializer.service_data(drop=(self.parent_field,)),
            expected_version=require_version(serializer.client_version()),
        )

    def perform_destroy(self, instance: Any) -> None:
        """Remove through the service (a node takes its sub-nodes, links and bottlenecks)."""
        self.delete_service(
            actor=actor_of(self.request),
            **{self.object_kwarg: instance},
            expected_version=query_version(self.request),
        )


class ChainNodeViewSet(_ServiceCrudViewSet):
    """Nodes of the chains in scope; filter by `chain`, `segment`, `kind`."""

    serializer_class = ChainNodeSerializer
    filterset_class = ChainNodeFilterSet
    scoped_model = ChainNode
    object_kwarg = "node"
    parent_field = "chain"
    create_service = staticmethod(services.create_node)
    update_service = staticmethod(services.update_node)
    delete_service = staticmethod(services.delete_node)


class ChainPartnerViewSet(_ServiceCrudViewSet):
    """Partners (政产学研金服用) of the chains in scope; filter by `chain`, `kind`."""

    serializer_class = ChainPartnerSerializer
    filterset_class = ChainPartnerFilterSet
    scoped_model = ChainPartner
    object_kwarg = "partner"
    parent_field = "chain"
    create_service = staticmethod(services.create_partner)
    update_service = staticmethod(services.update_partner)
    delete_service = staticmethod(services.delete_partner)


class BottleneckViewSet(_ServiceCrudViewSet):
    """Bottlenecks (堵点) on the chains in scope; filter by `chain`, `node`, `status`."""

    serializer_class = BottleneckSerializer
    filterset_class = BottleneckFilterSet
    scoped_model = Bottleneck
    related = ("node",)
    object_kwarg = "bottleneck"
    parent_field = "node"
    create_service = staticmethod(services.create_bottleneck)
    update_service = staticmethod(services.update_bottleneck)
    delete_service = staticmethod(services.delete_bottleneck)

    @extend_schema(
        request=BottleneckClearSerializer,
        responses=BottleneckSerializer,
        summary="Record a bottleneck as cleared (today unless `cleared_on` is given)",
    )
    @action(detail=True, methods=["post"])
    def clear(self, request: Request, pk: str | None = None) -> Response:
        """Record the bottleneck as cleared."""
        bottleneck = self.get_object()
        serializer = BottleneckClearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cleared = services.clear_bottleneck(
            actor=actor_of(request),
            bottleneck=bottleneck,
            cleared_on=serializer.validated_data.get("cleared_on"),
            expected_version=serializer.validated_data.get("expected_version"),
        )
        return Response(BottleneckSerializer(cleared, context=self.get_serializer_context()).data)


class ComputedListPagination(KeysetApiPagination):
    """`results`/`next` over a computed list: the cursor is the position in the list."""

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any]:
        """Cut one page from the list."""
        self.request = request
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            size = self.page_size
        size = max(1, min(size, self.max_page_size))
        values = decode_cursor(request.query_params.get("cursor") or "") or [0]
        start = values[0] if isinstance(values[0], int) and values[0] >= 0 else 0
        rows = list(queryset)[start : start + size + 1]
        has_more = len(rows) > size
        self.page = KeysetPage(
            rows=rows[:size],
            next_cursor=encode_cursor([start + size]) if has_more else None,
            is_first=start == 0,
            total_capped=0,
        )
        return list(self.page.rows)


@extend_schema_view(
    list=extend_schema(
        summary="Gaps (断点, 堵点, weak nodes) of the chains in your scope",
        description=(
            "Computed on request from nodes, enterprise links, annual figures and open "
            "bottlenecks. Rows are nodes with at least one gap, in chain and tree order; "
            "`state` filters by a flag (a node can carry several)."
        ),
        parameters=[
            OpenApiParameter("chain", OpenApiTypes.INT, OpenApiParameter.QUERY),
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["missing", "blocked", "weak"],
            ),
        ],
    )
)
class ChainGapViewSet(mixins.ListModelMixin, _ChainViewSet):
    """Read-only gap list computed by `jinmu.chains.queries.gap_list`."""

    serializer_class = GapSerializer
    pagination_class = ComputedListPagination
    keyset_order = ("position",)

    def get_queryset(self) -> Any:
        """Unused: the rows are computed (declared for schema generation)."""
        return Chain.objects.none()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Validate the filters, compute the gaps, return one page."""
        filters = GapQuerySerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = queries.gap_list(
            actor_of(request),
            chain=filters.validated_data.get("chain"),
            state=filters.validated_data.get("state"),
        )
        page = self.paginate_queryset(rows)
        assert page is not None
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
