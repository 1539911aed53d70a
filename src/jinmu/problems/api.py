"""API of the problem pool: `/api/v1/problems/` (list, retrieve, claim, resolve), scoped.

Roles without a scope (bank, judge, auditors) get 403; a problem out of scope is a 404. Mounted
by `jinmu.api.urls` with `path("", include("jinmu.problems.api"))`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from jinmu.api.actors import actor_of
from jinmu.api.exceptions import version_conflict
from jinmu.api.filters import NamedFilterBackend
from jinmu.api.filtersets import StaticFilterSet
from jinmu.api.rows import FastRowsMixin
from jinmu.api.versions import expected_version_field
from jinmu.core.filtersets import IdFilter
from jinmu.core.models import Unit
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.services import StaleObjectError
from jinmu.problems import services
from jinmu.problems.choices import UNRESOLVED, ProblemCategory, ProblemSource, ProblemStatus
from jinmu.problems.models import Problem

_EXPECTED_VERSION_HELP = _(
    "The version you read. If someone saved in between, the write is refused."
)


class ProblemSerializer(FastRowsMixin, serializers.ModelSerializer[Problem]):
    """A tracked problem: where it came from, who owns it, by when, and how it ended."""

    # Read with the problem (`RELATED_NAMES`), rather than each related row built whole.
    owner_unit_name = serializers.CharField(read_only=True, allow_null=True, default=None)
    project_name = serializers.CharField(read_only=True, allow_null=True, default=None)
    enterprise_name = serializers.CharField(read_only=True, allow_null=True, default=None)
    report_week = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = (
            "id",
            "title",
            "description",
            "category",
            "source",
            "status",
            "project",
            "project_name",
            "report",
            "report_week",
            "enterprise",
            "enterprise_name",
            "owner_unit",
            "owner_unit_name",
            "due_on",
            "is_overdue",
            "raised_on",
            "resolved_on",
            "resolution",
            "region",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_report_week(self, obj: Problem) -> str | None:
        """The ISO week of the report that raised it."""
        week = getattr(obj, "report_week_of", None)
        if week is None:
            return None
        iso = week.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, obj: Problem) -> bool:
        """Unresolved and past its due date."""
        return services.is_overdue(obj, self.context.get("today"))


class ClaimSerializer(serializers.Serializer[Any]):
    """Input of `claim`: the version read."""

    expected_version = expected_version_field(help_text=_EXPECTED_VERSION_HELP)


class ResolveSerializer(serializers.Serializer[Any]):
    """Input of `resolve`: how it was solved (required) and the version read."""

    resolution = serializers.CharField(allow_blank=True)
    expected_version = expected_version_field(help_text=_EXPECTED_VERSION_HELP)


class ProblemFilterSet(StaticFilterSet):
    """Problems by status, owner unit, category, source, project; `overdue=true`."""

    status = django_filters.ChoiceFilter(choices=ProblemStatus.choices)
    category = django_filters.ChoiceFilter(choices=ProblemCategory.choices)
    source = django_filters.ChoiceFilter(choices=ProblemSource.choices)
    owner_unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.all())
    project = IdFilter(field_name="project_id")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Problem
        fields = ("status", "category", "source", "owner_unit", "project", "overdue")

    def filter_overdue(self, queryset: Any, name: str, value: bool | None) -> Any:
        """Unresolved and past due (or the opposite)."""
        if value is None:
            return queryset
        condition = {"status__in": UNRESOLVED, "due_on__lt": timezone.localdate()}
        return queryset.filter(**condition) if value else queryset.exclude(**condition)


# The names of the related rows a problem shows (and its report's week), read as columns of the
# problem: four related rows built whole per problem were a third of the list's time.
RELATED_NAMES: dict[str, F] = {
    "owner_unit_name": F("owner_unit__name"),
    "project_name": F("project__name"),
    "enterprise_name": F("enterprise__name"),
    "report_week_of": F("report__week"),
}
OWN_FIELDS = tuple(field.name for field in Problem._meta.concrete_fields)


class ProblemAccess(permissions.BasePermission):
    """Only roles with a scope read the pool; what they see is scoped by `for_user`."""

    message = _("Your role has no access to the problem pool.")

    def has_permission(self, request: Request, view: Any) -> bool:
        """Module-level check; objects out of scope are absent (404)."""
        return scope_for(request.user).kind is not ScopeKind.NONE


class ProblemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Problem]
):
    """Problems in the caller's scope, newest first; claim and resolve through the services."""

    serializer_class = ProblemSerializer
    filterset_class = ProblemFilterSet
    filter_backends = (NamedFilterBackend,)
    permission_classes = [permissions.IsAuthenticated, ProblemAccess]
    keyset_order = ("-id",)

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        problems = Problem.objects.for_user(self.request.user).annotate(**RELATED_NAMES)
        if self.action in ("list", "retrieve"):
            # Reading: the problem's own columns and the names; the writes hand whole objects
            # (and their related rows) to the services.
            return problems.only(*OWN_FIELDS)
        return problems.select_related("owner_unit", "project", "enterprise", "report")

    def get_serializer_context(self) -> dict[str, Any]:
        """Today, for the overdue flag."""
        context = dict(super().get_serializer_context())
        context["today"] = timezone.localdate()
        return context

    def _write(
        self,
        request: Request,
        input_class: type[serializers.Serializer[Any]],
        write: Callable[..., Problem],
        **fields: str,
    ) -> Response:
        """Check the input, run `write` (a service) on the problem with the actor, the version
        read and the input named in `fields` (service argument: input field), answer with the
        problem as it now is."""
        problem = self.get_object()
        serializer = input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            written = write(
                actor=actor_of(request),
                problem=problem,
                expected_version=data.get("expected_version"),
                **{argument: data[name] for argument, name in fields.items()},
            )
        except StaleObjectError as error:
            raise version_conflict(error) from error
        fresh = self.get_queryset().get(pk=written.pk)
        return Response(ProblemSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=ClaimSerializer, responses=ProblemSerializer, summary="Claim (认领)")
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str | None = None) -> Response:
        """Take an open problem on for your unit."""
        return self._write(request, ClaimSerializer, services.claim_problem)

    @extend_schema(request=ResolveSerializer, responses=ProblemSerializer, summary="Resolve")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """Record how the problem was solved."""
        return self._write(
            request, ResolveSerializer, services.resolve_problem, resolution="resolution"
        )


router = SimpleRouter()
router.register("problems", ProblemViewSet, basename="problem")
urlpatterns = router.urls
