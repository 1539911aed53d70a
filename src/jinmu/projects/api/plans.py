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

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.api.exceptions import version_conflict
from jinmu.core.models import Unit
from jinmu.core.services import StaleObjectError, require_version
from jinmu.problems.services import is_assignable, unassignable_message
from jinmu.projects import approvals, planning
from jinmu.projects.models import ApprovalItem, Baseline, Milestone, Project

_EXPECTED_VERSION_HELP = _(
    "On update: the version you read. If someone saved in between, the write is refused."
)
_EXPECTED_VERSION_PARAMETER = OpenApiParameter(
    "expected_version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    description="The version you read; refused if someone saved in between.",
)


def _as_400(error: DjangoValidationError) -> APIException:
    """A service's refusal as DRF's per-field 400 (a stale version: 409 under
    `expected_version`)."""
    if isinstance(error, StaleObjectError):
        return version_conflict(error)
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                ("non_field_errors" if key == "__all__" else key): value
                for key, value in error.message_dict.items()
            }
        )
    return ValidationError({"non_field_errors": error.messages})


def _query_version(request: Request) -> int | None:
    """`?expected_version=` of a delete, validated."""
    raw = request.query_params.get("expected_version")
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({"expected_version": [_("Enter a whole number.")]}) from None
    if value < 1:
        raise ValidationError({"expected_version": [_("Enter a whole number.")]})
    return value


def _project(request: Request, pk: Any) -> Project:
    """The project if the user sees it, else 404."""
    project: Project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    return project


# --------------------------------------------------------------------------- shapes


class MilestoneSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A milestone of a battle map, with its state and days late as of today."""

    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        allow_null=True,
        required=False,
        help_text=_(
            "Id of a department, town, park, office or leadership unit of the project's county."
        ),
    )
    owner_unit_name = serializers.CharField(
        source="owner_unit.name", read_only=True, allow_null=True
    )
    state = serializers.SerializerMethodField(
        help_text="done, done_late, late, ongoing or upcoming"
    )
    days_late = serializers.SerializerMethodField()
    expected_version = serializers.IntegerField(
        write_only=True, required=False, min_value=1, help_text=_EXPECTED_VERSION_HELP
    )

    class Meta:
        model = Milestone
        fields = (
            "id",
            "project",
            "name",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "owner_unit",
            "owner_unit_name",
            "weight",
            "sort_order",
            "state",
            "days_late",
            "version",
            "expected_version",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("id", "project", "version", "created_at", "updated_at")

    def validate_owner_unit(self, value: Unit | None) -> Unit | None:
        """Only a unit that can own work in the project's county (the one already stored is
        kept as it is)."""
        if value is None:
            return value
        instance = self.instance if isinstance(self.instance, Milestone) else None
        if instance is not None and instance.owner_unit_id == value.pk:
            return value
        project = instance.project if instance is not None else self.context.get("project")
        if project is None or not is_assignable(value, project.region_id):
            raise ValidationError(unassignable_message())
        return value

    def get_state(self, obj: Milestone) -> str:
        """Where the milestone stands today."""
        return planning.milestone_state(obj, today=timezone.localdate())

    def get_days_late(self, obj: Milestone) -> int:
        """Days past the planned end (to the actual end, or today while open)."""
        return planning.days_late(obj, today=timezone.localdate())

    def service_data(self) -> dict[str, Any]:
        """Validated fields as the planning services take them."""
        data = dict(self.validated_data)
        data.pop("expected_version", None)
        return data

    def client_version(self) -> int | None:
        """The version the client read, if it sent one."""
        value = self.validated_data.get("expected_version")
        return int(value) if value is not None else None


class BaselineSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A frozen copy of a plan: who approved it when, why it changed, its milestones."""

    requested_by_name = serializers.SerializerMethodField()
    approved_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Baseline
        fields = (
            "id",
            "project",
            "number",
            "reason",
            "requested_by",
            "requested_by_name",
            "approved_by",
            "approved_by_name",
            "approved_at",
            "milestones",
        )
        read_only_fields = fields

    def get_requested_by_name(self, obj: Baseline) -> str | None:
        """Who asked for the re-plan (none for the first baseline)."""
        return str(obj.requested_by) if obj.requested_by_id else None

    def get_approved_by_name(self, obj: Baseline) -> str | None:
        """Who approved."""
        return str(obj.approved_by) if obj.approved_by_id else None


class ApprovalItemSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An approval item with planned and actual dates and the days it is late."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True, allow_null=True)
    state = serializers.SerializerMethodField(
        help_text="done, done_late, overdue, pending or unplanned"
    )
    days_late = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalItem
        fields = (
            "id",
            "project",
            "kind",
            "kind_label",
            "name",
            "planned_on",
            "actual_on",
            "authority",
            "authority_name",
            "note",
            "state",
            "days_late",
            "version",
        )
        read_only_fields = fields

    def get_state(self, obj: ApprovalItem) -> str:
        """Where the item stands against its planned date."""
        return approvals.approval_state(obj, today=timezone.localdate())[0]

    def get_days_late(self, obj: ApprovalItem) -> int:
        """Days after the planned date (to the actual date, or today while open)."""
        return approvals.approval_state(obj, today=timezone.localdate())[1]


class VerdictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """One of 拿地即开工 / 交地即发证 for one project."""

    rule = serializers.CharField(help_text="land_to_start or delivery_to_title")
    achieved = serializers.BooleanField(
        allow_null=True, help_text="null when no actual land date is recorded"
    )
    state = serializers.CharField(help_text="achieved, late, waiting or no_data")
    land_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(
        allow_null=True, help_text="Works started (拿地即开工) or title issued (交地即发证)."
    )
    days = serializers.IntegerField(
        allow_null=True, help_text="Days from land to done, or from land to today while waiting."
    )


class VerdictsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Both verdicts of a project."""

    land_to_start = VerdictSerializer()
    delivery_to_title = VerdictSerializer()


class PlanSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A battle map at a glance."""

    total = serializers.IntegerField()
    done = serializers.IntegerField()
    weighted_percent = serializers.IntegerField()
    next_milestone = serializers.IntegerField(allow_null=True, source="next_milestone.pk")
    late_count = serializers.IntegerField()
    max_days_late = serializers.IntegerField()
    baseline_count = serializers.IntegerField()
    slipped_count = serializers.IntegerField()


class PlanSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A project's plan state: send `version` and `plan_signature` back with a decision."""

    project = serializers.IntegerField()
    plan_state = serializers.CharField(help_text="draft, approved or replanning")
    replan_reason = serializers.CharField()
    version = serializers.IntegerField(help_text="The project's version.")
    plan_signature = serializers.CharField(
        help_text="Fingerprint of the milestones as they stand; an approval with an older one "
        "is refused."
    )
    summary = PlanSummarySerializer()


class PlanDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The versions a decision was taken on."""

    expected_version = serializers.IntegerField(
        required=False, min_value=1, help_text="The project's version you read."
    )
    expected_plan = serializers.CharField(
        required=False, max_length=64, help_text="The `plan_signature` you read."
    )


class ReplanRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Why the approved plan must change."""

    reason = serializers.CharField(allow_blank=True, max_length=2000)
    expected_version = serializers.IntegerField(
        required=False, min_value=1, help_text="The project's version you read."
    )


# --------------------------------------------------------------------------- views


@extend_schema_view(
    list=extend_schema(summary="The milestones of a project's battle map, in plan order"),
    create=extend_schema(summary="Add a milestone (draft plan or re-planning only)"),
)
class ProjectMilestoneViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Milestones of one project."""

    serializer_class = MilestoneSerializer
    keyset_order = ("sort_order", "planned_start", "id")

    def get_queryset(self) -> Any:
        """The project's milestones (404 when the project is out of scope)."""
        if getattr(self, "swagger_fake_view", False):
            return Milestone.objects.none()
        project = _project(self.request, self.kwargs["project_pk"])
        return Milestone.objects.filter(project=project).select_related("owner_unit")

    def get_serializer_context(self) -> dict[str, Any]:
        """The project, against which a new milestone's owner unit is checked."""
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and self.request.method == "POST":
            context["project"] = _project(self.request, self.kwargs["project_pk"])
        return context

    def perform_create(self, serializer: Any) -> None:
        """Add through the service."""
        project = serializer.context["project"]
        try:
            serializer.instance = planning.add_milestone(
                actor=self.request.user, project=project, data=serializer.service_data()
            )
        except DjangoValidationError as error:
            raise _as_400(error) from error


@extend_schema_view(
    retrieve=extend_schema(summary="One milestone"),
    partial_update=extend_schema(
        summary="Change a milestone (planned side frozen while the plan is approved)"
    ),
    destroy=extend_schema(
        summary="Remove a milestone (not while the plan is approved)",
        parameters=[_EXPECTED_VERSION_PARAMETER],
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
        try:
            serializer.instance = planning.update_milestone(
                actor=self.request.user,
                milestone=serializer.instance,
                data=serializer.service_data(),
                expected_version=require_version(serializer.client_version()),
            )
        except DjangoValidationError as error:
            raise _as_400(error) from error

    def perform_destroy(self, instance: Milestone) -> None:
        """Remove through the service."""
        try:
            planning.delete_milestone(
                actor=self.request.user,
                milestone=instance,
                expected_version=_query_version(self.request),
            )
        except DjangoValidationError as error:
            raise _as_400(error) from error


@extend_schema_view(list=extend_schema(summary="The frozen baselines of a project, oldest first"))
class ProjectBaselineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Baselines of one project."""

    serializer_class = BaselineSerializer
    keyset_order = ("number", "id")

    def get_queryset(self) -> Any:
        """The project's baselines (404 when the project is out of scope)."""
        if getattr(self, "swagger_fake_view", False):
            return Baseline.objects.none()
        project = _project(self.request, self.kwargs["project_pk"])
        return Baseline.objects.filter(project=project).select_related(
            "requested_by", "approved_by"
        )


@extend_schema_view(list=extend_schema(summary="The approval items of a project"))
class ProjectApprovalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Approval items of one project (用地, 规划许可, 施工许可 …)."""

    serializer_class = ApprovalItemSerializer
    keyset_order = ("id",)

    def get_queryset(self) -> Any:
        """The project's approval items (404 when the project is out of scope)."""
        if getattr(self, "swagger_fake_view", False):
            return ApprovalItem.objects.none()
        project = _project(self.request, self.kwargs["project_pk"])
        return ApprovalItem.objects.filter(project=project).select_related("authority")


def _verdict_data(verdict: approvals.Verdict) -> dict[str, Any]:
    return {
        "rule": verdict.rule,
        "achieved": verdict.achieved,
        "state": verdict.state,
        "land_on": verdict.land_on,
        "done_on": verdict.done_on,
        "days": verdict.days,
    }


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
        data = {"land_to_start": _verdict_data(land), "delivery_to_title": _verdict_data(title)}
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
    """POST a decision on a project's plan; answers with the plan state."""

    service: Any = None
    answers_baseline = False
    checks_plan = True  # the service takes `expected_plan`

    def post(self, request: Request, project_pk: int) -> Response:
        """Run the decision through the planning service."""
        project = _project(request, project_pk)
        serializer = PlanDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = type(self).service(
                actor=request.user,
                project=project,
                expected_version=data.get("expected_version"),
                **({"expected_plan": data.get("expected_plan")} if self.checks_plan else {}),
            )
        except DjangoValidationError as error:
            raise _as_400(error) from error
        if self.answers_baseline:
            return Response(BaselineSerializer(result).data, status=status.HTTP_201_CREATED)
        return Response(_plan_data(project))


class PlanApproveView(_PlanDecisionView):
    """Approve a draft plan (baseline 1)."""

    service = staticmethod(planning.approve_plan)
    answers_baseline = True

    @extend_schema(
        summary="Approve a draft plan: baseline 1 is frozen",
        request=PlanDecisionSerializer,
        responses={201: BaselineSerializer},
    )
    def post(self, request: Request, project_pk: int) -> Response:
        """Approve."""
        return super().post(request, project_pk)


class ReplanApproveView(_PlanDecisionView):
    """Accept a re-plan (the next baseline)."""

    service = staticmethod(planning.approve_replan)
    answers_baseline = True

    @extend_schema(
        summary="Accept the requested re-plan: the next baseline is frozen",
        request=PlanDecisionSerializer,
        responses={201: BaselineSerializer},
    )
    def post(self, request: Request, project_pk: int) -> Response:
        """Accept."""
        return super().post(request, project_pk)


class ReplanRejectView(_PlanDecisionView):
    """Refuse a re-plan (back to the latest baseline)."""

    service = staticmethod(planning.reject_replan)
    checks_plan = False

    @extend_schema(
        summary="Refuse the requested re-plan: the plan returns to the latest baseline",
        request=PlanDecisionSerializer,
        responses=PlanSerializer,
    )
    def post(self, request: Request, project_pk: int) -> Response:
        """Refuse."""
        return super().post(request, project_pk)


class ReplanRequestView(APIView):
    """Ask for a re-plan of an approved plan."""

    @extend_schema(
        summary="Request a re-plan of an approved plan (a reason is required)",
        request=ReplanRequestSerializer,
        responses=PlanSerializer,
    )
    def post(self, request: Request, project_pk: int) -> Response:
        """The planned side becomes editable until an approver decides."""
        project = _project(request, project_pk)
        serializer = ReplanRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            planning.request_replan(
                actor=request.user,
                project=project,
                reason=data.get("reason") or "",
                expected_version=data.get("expected_version"),
            )
        except DjangoValidationError as error:
            raise _as_400(error) from error
        return Response(_plan_data(project))


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
