"""API viewsets: scoped reads (`for_user`), writes through the services, keyset pages.

A service's refusal is answered by `jinmu.api.exceptions.exception_handler`: a 400 per field, a
stale or missing `expected_version` a 409.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.request import Request

from jinmu.api.actors import actor_of
from jinmu.api.filters import NamedFilterBackend
from jinmu.api.versions import EXPECTED_VERSION_PARAMETER, query_version
from jinmu.core.scoping import ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.services import require_version
from jinmu.enterprises.api.serializers import (
    AnnualFiguresSerializer,
    EnterpriseSerializer,
    QualificationSerializer,
)
from jinmu.enterprises.filtersets import (
    AnnualFiguresFilterSet,
    EnterpriseFilterSet,
    QualificationFilterSet,
)
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification
from jinmu.enterprises.services import (
    create_enterprise,
    delete_qualification,
    save_annual_figures,
    save_qualification,
    update_enterprise,
)

_WRITING_SCOPES = (ScopeKind.REGION, ScopeKind.TOWN, ScopeKind.PARK)


_OWN_FIELDS = tuple(field.name for field in Enterprise._meta.concrete_fields)


class EnterpriseAccess(permissions.BasePermission):
    """Reading needs a scope (security admin, auditor, bank and judge have none: 403);
    writing needs `can_edit_enterprises` and a town, park or region scope."""

    message = _("Your role has no access to the enterprise register.")

    def has_permission(self, request: Request, view: Any) -> bool:
        """Module-level check; objects out of scope are simply absent (404)."""
        scope = scope_for(request.user)
        if scope.kind is ScopeKind.NONE:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if can_edit_enterprises(request.user) and scope.kind in _WRITING_SCOPES:
            return True
        self.message = _("You may not change enterprise records.")
        return False


class _ScopedViewSet(viewsets.GenericViewSet):  # type: ignore[type-arg]
    permission_classes = (permissions.IsAuthenticated, EnterpriseAccess)
    filter_backends = (NamedFilterBackend,)

    def _expected_version(self, serializer: Any) -> int:
        """The version an update names (required: a missing one is a 409 like a stale one)."""
        return require_version(serializer.client_version())


@extend_schema_view(
    list=extend_schema(summary="List enterprises (same filters as the page; `q` searches)"),
    partial_update=extend_schema(summary="Change some fields of an enterprise"),
)
class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    _ScopedViewSet,
):
    """Enterprises the user may see, sorted by pinyin; writes are audited and version-checked."""

    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    # Without a named filter the register's filters (the chains' role filter among them, which
    # skips an empty value too) leave the rows alone.
    unfiltered_is_all = True
    keyset_order = ("name_pinyin", "id")

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        enterprises = Enterprise.objects.for_user(self.request.user).select_related(
            "region", "park"
        )
        if self.action == "list":
            # Of the region and the park a row shows only the name.
            enterprises = enterprises.only(*_OWN_FIELDS, "region__name", "park__name")
        return enterprises

    def perform_create(self, serializer: Any) -> None:
        """Record through the service."""
        serializer.instance = create_enterprise(
            actor=actor_of(self.request), data=serializer.service_data()
        )

    def perform_update(self, serializer: Any) -> None:
        """Change through the service; a stale or missing `expected_version` is a 409."""
        serializer.instance = update_enterprise(
            actor=actor_of(self.request),
            enterprise=serializer.instance,
            data=serializer.service_data(),
            expected_version=self._expected_version(serializer),
        )


class _EnterpriseRowViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    _ScopedViewSet,
):
    """Rows of an enterprise, recorded and changed by one service (`save_service`, which takes
    the row to change under `row_kwarg`)."""

    save_service: Any
    row_kwarg: str

    def perform_create(self, serializer: Any) -> None:
        """Record through the service."""
        serializer.instance = self.save_service(
            actor=actor_of(self.request),
            enterprise=serializer.validated_data["enterprise"],
            data=serializer.service_data(),
        )

    def perform_update(self, serializer: Any) -> None:
        """Change through the service; a stale or missing `expected_version` is a 409."""
        serializer.instance = self.save_service(
            actor=actor_of(self.request),
            enterprise=serializer.instance.enterprise,
            **{self.row_kwarg: serializer.instance},
            data=serializer.service_data(),
            expected_version=self._expected_version(serializer),
        )


class AnnualFiguresViewSet(_EnterpriseRowViewSet):
    """Annual figures of the enterprises the user may see, newest year first."""

    serializer_class = AnnualFiguresSerializer
    filterset_class = AnnualFiguresFilterSet
    keyset_order = ("-year", "id")
    save_service = staticmethod(save_annual_figures)
    row_kwarg = "figures"

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        return AnnualFigures.objects.for_user(self.request.user)


@extend_schema_view(destroy=extend_schema(parameters=[EXPECTED_VERSION_PARAMETER]))
class QualificationViewSet(mixins.DestroyModelMixin, _EnterpriseRowViewSet):
    """Qualifications of the enterprises the user may see."""

    serializer_class = QualificationSerializer
    filterset_class = QualificationFilterSet
    keyset_order = ("id",)
    save_service = staticmethod(save_qualification)
    row_kwarg = "qualification"

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        return Qualification.objects.for_user(self.request.user).select_related("kind")

    def perform_destroy(self, instance: Qualification) -> None:
        """Delete through the service (audited with its last state)."""
        expected = query_version(self.request, minimum=None, message=_("A whole number."))
        delete_qualification(
            actor=actor_of(self.request), qualification=instance, expected_version=expected
        )
