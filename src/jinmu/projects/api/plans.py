"""Project API: battle maps and approvals.

- `/api/v1/projects/{id}/milestones/`: GET the plan's milestones, POST a new one;
- `/api/v1/milestones/{id}/`: GET, PATCH (send `expected_version`), DELETE
  (`?expected_version=`);
- `/api/v1/projects/{id}/baselines/`: GET the frozen baselines, oldest first;
- `/api/v1/projects/{id}/approvals/`: GET the approval items with planned and actual dates;
- `/api/v1/projects/{id}/approval-verdicts/`: GET 拿地即开工 / 交地即发证 for the project;
- `/api/v1/projects/{id}/plan/`: GET the plan state and summary; POST `approve/`, `replan/`
  (with a `reason`), `approve-replan/`, `reject-replan/`.

A project or milestone out of scope is a 404; a refused write a 400 with per-field messages
(a stale version under `expected_version`); a write the user may not make a 403.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.api.actors import actor_of
from jinmu.api.versions import EXPECTED_VERSION_PARAMETER, query_version
from jinmu.core.services import require_version
from jinmu.projects import approvals, planning
from jinmu.projects.api.errors import refused_as_400
from jinmu.projects.api.plan_serializers import (
    ApprovalItemSerializer,
    BaselineSerializer,
    MilestoneSerializer,
    PlanDecisionSerializer,
    PlanSerializer,
    ReplanRequestSerializer,
    VerdictsSerializer,
    verdict_data,
)
from jinmu.projects.models import ApprovalItem, Baseline, Milestone, Project


def _project(request: Request, pk: Any) -> Project:
    """The project if the user sees it, else 404."""
    project: Project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    return project


# --------------------------------------------------------------------------- views


class _ProjectRowsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """The rows of `row_model` of the project in the path, with their `related` rows."""

    row_model: type[Milestone | Baseline | ApprovalItem]
    related: tuple[str, ...] = ()

    def get_queryset(self) -> Any:
        """The project's rows (404 when the project is out of scope)."""
        if getattr(self, "swagger_fake_view", False):
            return self.row_model.objects.none()
        project = _project(self.request, self.kwargs["project_pk"])
        return self.row_model.objects.filter(project=project).select_related(*self.related)


@extend_schema_view(
    list=extend_schema(summary="The milestones of a project's battle map, in plan order"),
    create=extend_schema(summary="Add a milestone (draft plan or re-planning only)"),
)
class ProjectMilestoneViewSet(mixins.CreateModelMixin, _ProjectRowsViewSet):
    """Milestones of one project."""

    serializer_class = MilestoneSerializer
    keyset_order = ("sort_order", "planned_start", "id")
    row_model = Milestone
    related = ("owner_unit",)

    def get_serializer_context(self) -> dict[str, Any]:
        """The project, against which a new milestone's owner unit is checked."""
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and self.request.method == "POST":
            context["project"] = _project(self.request, self.kwargs["project_pk"])
        return context

    def perform_create(self, serializer: Any) -> None:
        """Add through the service."""
        project = serializer.context["project"]
        with refused_as_400():
            serializer.instance = planning.add_milestone(
                actor=actor_of(self.request), project=project, data=serializer.service_data()
            )


@extend_schema_view(
    retrieve=extend_schema(summary="One milestone"),
    partial_update=extend_schema(
        summary="Change a milestone (planned side frozen while the plan is approved)"
    ),
    destroy=extend_schema(
        summary="Remove a milestone (not while the plan is approved)",
        parameters=[EXPECTED_VERSION_PARAMETER],
    ),
)
class MilestoneViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """A milestone by id, in the user's scope."""

    serializer_class = MilestoneSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> Any:
        """Scoped to the user."""
        return Milestone.objects.for_user(self.request.user).select_related("owner_unit", "project")

    def perform_update(self, serializer: Any) -> None:
        """Change through the service; a stale or missing `expected_version` is a 409."""
        with refused_as_400():
            serializer.instance = planning.update_milestone(
                actor=actor_of(self.request),
                milestone=serializer.instance,
                data=serializer.service_data(),
                expected_version=require_version(serializer.client_version()),
            )

    def perform_destroy(self, instance: Milestone) -> None:
        """Remove through the service."""
        with refused_as_400():
            planning.delete_milestone(
                actor=actor_of(self.request),
                milestone=instance,
                expected_version=query_version(self.request),
            )


@extend_schema_view(list=extend_schema(summary="The frozen baselines of a project, oldest first"))
class ProjectBaselineViewSet(_ProjectRowsViewSet):
    """Baselines of one project."""

    serializer_class = BaselineSerializer
    keyset_order = ("number", "id")
    row_model = Baseline
    related = ("requested_by", "approved_by")


@extend_schema_view(list=extend_schema(summary="The approval items of a project"))
class ProjectApprovalViewSet(_ProjectRowsViewSet):
    """Approval items of one project (用地, 规划许可, 施工许可 …)."""

    serializer_class = ApprovalItemSerializer
    keyset_order = ("id",)
    row_model = ApprovalItem
    related = ("authority",)


class ApprovalVerdictsView(APIView):
    """拿地即开工 / 交地即发证 for one project."""

    @extend_schema(
        summary="Whether works started on land acquisition and the title came on delivery",
        responses=VerdictsSerializer,
    )
    def get(self, request: Request, project_pk: int) -> Response:
        """Both verdicts, with the dates and day counts they rest on."""
        project = _project(request, project_pk)
        land, title = approvals.verdicts(project, today=timezone.localdate())
        data = {"land_to_start": verdict_data(land), "delivery_to_title": verdict_data(title)}
        return Response(VerdictsSerializer(data).data)


def _plan_data(project: Project) -> dict[str, Any]:
    project.refresh_from_db()
    return PlanSerializer(
        {
            "project": project.pk,
            "plan_state": project.plan_state,
            "replan_reason": project.replan_reason,
            "version": project.version,
            "plan_signature": planning.plan_signature(project),
            "summary": planning.plan_summary(project, today=timezone.localdate()),
        }
    ).data


class PlanView(APIView):
    """A project's plan state and summary."""

    @extend_schema(summary="The plan state of a project's battle map", responses=PlanSerializer)
    def get(self, request: Request, project_pk: int) -> Response:
        """State, summary and the versions a decision must send back."""
        return Response(_plan_data(_project(request, project_pk)))


class _PlanDecisionView(APIView):
    """POST a decision on a project's plan (input: `input_class`); answers with the plan state."""

    service: Any = None
    input_class: type[PlanDecisionSerializer | ReplanRequestSerializer] = PlanDecisionSerializer
    answers_baseline = False
    checks_plan = True  # the service takes `expected_plan`
    takes_reason = False  # the service takes `reason`

    def post(self, request: Request, project_pk: int) -> Response:
        """Run the decision through the planning service."""
        project = _project(request, project_pk)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        extra: dict[str, Any] = {}
        if self.checks_plan:
            extra["expected_plan"] = data.get("expected_plan")
        if self.takes_reason:
            extra["reason"] = data.get("reason") or ""
        with refused_as_400():
            result = type(self).service(
                actor=actor_of(request),
                project=project,
                expected_version=data.get("expected_version"),
                **extra,
            )
        if self.answers_baseline:
            return Response(BaselineSerializer(result).data, status=status.HTTP_201_CREATED)
        return Response(_plan_data(project))


def _decision_schema(
    summary: str, description: str, responses: Any, request: Any = PlanDecisionSerializer
) -> Any:
    """The schema of a decision's POST."""
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            request=request,
            responses=responses,
        )
    )


@_decision_schema(
    "Approve a draft plan: baseline 1 is frozen", "Approve.", {201: BaselineSerializer}
)
class PlanApproveView(_PlanDecisionView):
    """Approve a draft plan (baseline 1)."""

    service = staticmethod(planning.approve_plan)
    answers_baseline = True


@_decision_schema(
    "Accept the requested re-plan: the next baseline is frozen",
    "Accept.",
    {201: BaselineSerializer},
)
class ReplanApproveView(_PlanDecisionView):
    """Accept a re-plan (the next baseline)."""

    service = staticmethod(planning.approve_replan)
    answers_baseline = True


@_decision_schema(
    "Refuse the requested re-plan: the plan returns to the latest baseline",
    "Refuse.",
    PlanSerializer,
)
class ReplanRejectView(_PlanDecisionView):
    """Refuse a re-plan (back to the latest baseline)."""

    service = staticmethod(planning.reject_replan)
    checks_plan = False


@_decision_schema(
    "Request a re-plan of an approved plan (a reason is required)",
    "The planned side becomes editable until an approver decides.",
    PlanSerializer,
    request=ReplanRequestSerializer,
)
class ReplanRequestView(_PlanDecisionView):
    """Ask for a re-plan of an approved plan."""

    service = staticmethod(planning.request_replan)
    input_class = ReplanRequestSerializer
    checks_plan = False
    takes_reason = True


urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "projects/<int:project_pk>/milestones/",
        ProjectMilestoneViewSet.as_view({"get": "list", "post": "create"}),
        name="project-milestones",
    ),
    path(
        "milestones/<int:pk>/",
        MilestoneViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="milestone-detail",
    ),
    path(
        "projects/<int:project_pk>/baselines/",
        ProjectBaselineViewSet.as_view({"get": "list"}),
        name="project-baselines",
    ),
    path(
        "projects/<int:project_pk>/approvals/",
        ProjectApprovalViewSet.as_view({"get": "list"}),
        name="project-approvals",
    ),
    path(
        "projects/<int:project_pk>/approval-verdicts/",
        ApprovalVerdictsView.as_view(),
        name="project-approval-verdicts",
    ),
    path("projects/<int:project_pk>/plan/", PlanView.as_view(), name="project-plan"),
    path(
        "projects/<int:project_pk>/plan/approve/",
        PlanApproveView.as_view(),
        name="project-plan-approve",
    ),
    path(
        "projects/<int:project_pk>/plan/replan/",
        ReplanRequestView.as_view(),
        name="project-plan-replan",
    ),
    path(
        "projects/<int:project_pk>/plan/approve-replan/",
        ReplanApproveView.as_view(),
        name="project-plan-approve-replan",
    ),
    path(
        "projects/<int:project_pk>/plan/reject-replan/",
        ReplanRejectView.as_view(),
        name="project-plan-reject-replan",
    ),
]
