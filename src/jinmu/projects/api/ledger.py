"""Project API: the ledger (`/api/v1/projects/`): scoped reads with the page's filters, writes
and lifecycle transitions through the services, manual lights.

A project out of scope is a 404; a refused write is a 400 with per-field messages; a write
the user's role does not allow is a 403. The list is paged by keyset (`next` cursor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from jinmu.api.actors import actor_of
from jinmu.api.filters import NamedFilterBackend
from jinmu.core.permissions import has_action
from jinmu.core.services import require_version
from jinmu.projects import services
from jinmu.projects.api.errors import refused_as_400
from jinmu.projects.api.serializers import (
    LIST_COLUMNS,
    LIST_NAMES,
    LightOverrideSerializer,
    ProjectDetailSerializer,
    ProjectListSerializer,
    ProjectWriteSerializer,
    TransitionSerializer,
)
from jinmu.projects.filtersets import ProjectFilterSet, keyset_order_for
from jinmu.projects.lights import with_nights
from jinmu.projects.models import Project, StatusChange
from jinmu.projects.permissions import can_create_projects, can_override_light


class ProjectAccess(permissions.BasePermission):
    """Reading needs a role that reads the ledger (the scope decides what is seen); registering
    a project needs `can_create_projects`. Changes are checked per project by the services."""

    message = _("You may not register projects.")

    def has_permission(self, request: Request, view: Any) -> bool:
        """Module-level check; objects out of scope are simply absent (404)."""
        # A role that may not read the ledger is refused the list; a single project is simply
        # absent for it (404), as any project out of scope is.
        action = getattr(view, "action", None)
        if action == "list" and not has_action(request.user, "projects.view_project"):
            self.message = _("Your role has no access to the project ledger.")
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, "action", None) == "create":
            return can_create_projects(request.user)
        if getattr(view, "action", None) == "light" and not can_override_light(request.user):
            self.message = _("Only the industry office or a county leader can set a light.")
            return False
        return True


@extend_schema_view(
    list=extend_schema(
        summary="List projects (same filters as the ledger page)",
        responses=ProjectListSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="One project with all its fields and status history",
        responses=ProjectDetailSerializer,
    ),
    create=extend_schema(
        summary="Register a project (only the fields of its kind)",
        request=ProjectWriteSerializer,
        responses={201: ProjectDetailSerializer},
    ),
    partial_update=extend_schema(
        summary="Change some fields of a project (send `expected_version`)",
        request=ProjectWriteSerializer,
        responses=ProjectDetailSerializer,
    ),
)
class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Projects the user may see; writes are audited, version-checked and lifecycle-checked."""

    permission_classes = (permissions.IsAuthenticated, ProjectAccess)
    filterset_class = ProjectFilterSet
    filter_backends = (NamedFilterBackend,)
    # A partial change only: a full PUT would blank every field the client left out.
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def keyset_order(self) -> tuple[str, ...]:
        """The keyset order of the requested `ordering` (newest first by default)."""
        return keyset_order_for(self.request.query_params.get("ordering"))

    def get_queryset(self) -> Any:
        """Scoped to the user; the detail also fetches lists, plans and history at once."""
        return self._scoped(detail=self.action != "list")

    def _scoped(self, *, detail: bool) -> Any:
        # The county's night, so that lights read as of their day without a query per row.
        queryset = with_nights(Project.objects.for_user(self.request.user)).annotate(**LIST_NAMES)
        if detail:
            history = StatusChange.objects.select_related("changed_by").order_by("changed_at", "id")
            queryset = queryset.select_related("enterprise").prefetch_related(
                "tags", "year_plans", Prefetch("history", queryset=history)
            )
        else:
            queryset = queryset.only(*LIST_COLUMNS)
        return queryset

    def get_serializer_class(self) -> Any:
        """Row, detail, write or action shape."""
        return {
            "list": ProjectListSerializer,
            "retrieve": ProjectDetailSerializer,
            "transition": TransitionSerializer,
            "light": LightOverrideSerializer,
        }.get(self.action, ProjectWriteSerializer)

    def perform_create(self, serializer: Any) -> None:
        """Register through the service (in the kind's first state)."""
        with refused_as_400():
            project = services.create_project(
                actor=actor_of(self.request),
                data=serializer.service_data(),
                tags=serializer.service_tags() or (),
            )
        serializer.instance = self._fresh(project)

    def perform_update(self, serializer: Any) -> None:
        """Change through the service; a stale or missing `expected_version` is a 409."""
        with refused_as_400():
            project = services.update_project(
                actor=actor_of(self.request),
                project=serializer.instance,
                data=serializer.service_data(),
                expected_version=require_version(serializer.client_version()),
                tags=serializer.service_tags(),
            )
        serializer.instance = self._fresh(project)

    def _fresh(self, project: Project) -> Project:
        """The project re-read with everything the detail shape shows."""
        fresh: Project | None = self._scoped(detail=True).filter(pk=project.pk).first()
        # A change can take a project out of its editor's sight (a chain office moving it to
        # another chain): answer with what was saved rather than fail.
        return fresh if fresh is not None else project

    @extend_schema(
        summary="Move a project along its lifecycle",
        request=TransitionSerializer,
        responses=ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """`{to_status, reason, on}`: a move the lifecycle does not allow is a 400."""
        return self._act(
            request, TransitionSerializer, services.transition, rename={"status": "to_status"}
        )

    @extend_schema(
        summary="Set a project's light by hand (with a reason) or clear the override",
        request=LightOverrideSerializer,
        responses=ProjectDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def light(self, request: Request, pk: str | None = None) -> Response:
        """`{light, reason}`; `light: ""` clears the override."""
        return self._act(request, LightOverrideSerializer, services.override_light)

    def _act(
        self,
        request: Request,
        input_class: type[TransitionSerializer | LightOverrideSerializer],
        service: Callable[..., Any],
        rename: dict[str, str] | None = None,
    ) -> Response:
        """Check the input, run `service` on the project with it (a refusal: 400, fields
        renamed by `rename`), answer with the project as it now is."""
        project = self.get_object()
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        with refused_as_400(rename=rename):
            service(actor=actor_of(request), project=project, **serializer.service_data())
        return Response(self._detail(project))

    def _detail(self, project: Project) -> Any:
        fresh = self._fresh(project)
        return ProjectDetailSerializer(fresh, context=self.get_serializer_context()).data


router = SimpleRouter()
router.register("projects", ProjectViewSet, basename="project")
urlpatterns = router.urls
