"""Project API: weekly reports (周调度) of one project, read and submitted, and their photos.

`GET/POST /api/v1/projects/{id}/reports/`: the project is looked up in the caller's scope (404
otherwise); submitting needs `can_report` (403). A refused report is a 400 with per-field
messages (`week`, `invested_this_week`, `cumulative_invested`, `percent_complete`, `problems`,
`photos`, `completed_milestones`, or `non_field_errors`). Amounts are yuan as decimal strings.
Photos may be sent as multipart `photos` files (then `problems` is a JSON text field).
`GET /api/v1/report-photos/{id}/file/` returns a photo's bytes (`?size=thumb` for a preview),
with the content type of the format found in them, `nosniff` and a `sandbox` policy
(`photos.photo_response`, shared with the page); an unreadable file is a 404.
"""

from __future__ import annotations

import json
from typing import Any

from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.api.actors import actor_of
from jinmu.core.audit import record_access
from jinmu.core.choices import AuditAction
from jinmu.core.pagination import KeysetApiPagination
from jinmu.problems.choices import ProblemCategory
from jinmu.problems.models import Problem
from jinmu.projects import photos, reporting
from jinmu.projects.models import Project, ReportPhoto, WeeklyReport
from jinmu.projects.permissions import can_report
from jinmu.projects.queries.reports import project_reports


class ProblemInputSerializer(serializers.Serializer[Any]):
    """A problem raised in a report: it becomes a tracked problem with an owner and due date."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(
        choices=ProblemCategory.choices, required=False, default=ProblemCategory.OTHER
    )
    owner_unit = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text=_("Id of the unit to solve it; default: the project's responsible unit."),
    )
    due_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Default: 10 working days after today."),
    )


class ReportInputSerializer(serializers.Serializer[Any]):
    """What a weekly report gives; cumulative figures are derived, never typed."""

    week = serializers.CharField(help_text=_("ISO week, e.g. 2026-W48."))
    invested_this_week = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_("Yuan completed this week (0 if none)."),
    )
    cumulative_invested = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text=_(
            "Instead of invested_this_week: the running total in yuan; this week's figure is "
            "the difference to the previous report and may not be negative."
        ),
    )
    progress_text = serializers.CharField(required=False, allow_blank=True, default="")
    percent_complete = serializers.IntegerField(help_text=_("0–100, not below last week's."))
    problems = ProblemInputSerializer(many=True, required=False)
    completed_milestones = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("Ids of the project's milestones finished this week."),
    )


class ReportPhotoSerializer(serializers.ModelSerializer[ReportPhoto]):
    """A site photo with its EXIF time and place; `url` serves the bytes to those in scope."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportPhoto
        fields = (
            "id",
            "url",
            "thumbnail_url",
            "taken_at",
            "latitude",
            "longitude",
            "predates_week",
        )

    def _url(self, obj: ReportPhoto) -> str:
        url = reverse("api-report-photo-file", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    def get_url(self, obj: ReportPhoto) -> str:
        """The photo's bytes (API authentication: token or session)."""
        return self._url(obj)

    def get_thumbnail_url(self, obj: ReportPhoto) -> str:
        """A small JPEG preview."""
        return self._url(obj) + "?size=thumb"


class ReportProblemSerializer(serializers.ModelSerializer[Problem]):
    """A problem raised in the report, as it stands now."""

    owner_unit_name = serializers.CharField(
        source="owner_unit.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Problem
        fields = ("id", "title", "category", "status", "owner_unit", "owner_unit_name", "due_on")


class WeeklyReportSerializer(serializers.ModelSerializer[WeeklyReport]):
    """A weekly report: the week as ISO text, amounts in yuan (decimal strings)."""

    week = serializers.SerializerMethodField()
    week_start = serializers.DateField(source="week", read_only=True)
    submitted_by = serializers.SerializerMethodField()
    photos = ReportPhotoSerializer(many=True, read_only=True)
    problems = ReportProblemSerializer(many=True, read_only=True)

    class Meta:
        model = WeeklyReport
        fields = (
            "id",
            "project",
            "week",
            "week_start",
            "invested_this_week",
            "cumulative_invested",
            "year_invested",
            "progress_text",
            "percent_complete",
            "is_late",
            "submitted_at",
            "submitted_by",
            "photos",
            "problems",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(help_text="ISO week, e.g. 2026-W48"))
    def get_week(self, obj: WeeklyReport) -> str:
        """The ISO week."""
        return obj.iso_week

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submitted_by(self, obj: WeeklyReport) -> str | None:
        """Who submitted it."""
        user = obj.submitted_by
        return str(user) if user is not None else None


def _input_data(request: Request) -> Any:
    """The request body; a multipart body carries `problems` as JSON text."""
    raw_data: Any = request.data
    if not (request.content_type or "").startswith("multipart/"):
        return raw_data
    data: dict[str, Any] = {}
    for key in raw_data:
        if key in ("photos", "completed_milestones"):
            continue
        data[key] = raw_data.get(key)
    milestones = raw_data.getlist("completed_milestones")
    if milestones:
        data["completed_milestones"] = milestones
    raw = data.get("problems")
    if isinstance(raw, str):
        try:
            data["problems"] = json.loads(raw) if raw.strip() else []
        except ValueError:
            raise ValidationError({"problems": [_("Send the problems as a JSON list.")]}) from None
    return data


class ProjectReportsView(generics.GenericAPIView[WeeklyReport]):
    """Weekly reports of one project in the caller's scope: list (latest first) and submit."""

    serializer_class = WeeklyReportSerializer
    pagination_class = KeysetApiPagination
    keyset_order = ("-week",)

    def _project(self) -> Project:
        project: Project = get_object_or_404(
            Project.objects.for_user(self.request.user), pk=self.kwargs["project_pk"]
        )
        return project

    def get_queryset(self) -> Any:
        """The project's reports with their photos and problems."""
        return project_reports(self.request.user, self.kwargs.get("project_pk"))

    @extend_schema(summary="Weekly reports of a project, latest week first")
    def get(self, request: Request, project_pk: int) -> Response:
        """List the reports."""
        self._project()
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Submit a project's weekly report",
        request=ReportInputSerializer,
        responses={201: WeeklyReportSerializer},
    )
    def post(self, request: Request, project_pk: int) -> Response:
        """Submit a report; refused input is a 400 with per-field messages."""
        project = self._project()
        if not can_report(request.user, project):
            raise PermissionDenied(_("You may not report on this project."))
        serializer = ReportInputSerializer(data=_input_data(request))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = reporting.submit_report(
            actor=actor_of(request),
            project=project,
            week=data["week"],
            invested_this_week=data.get("invested_this_week"),
            cumulative_invested=data.get("cumulative_invested"),
            progress_text=data.get("progress_text", ""),
            percent_complete=data["percent_complete"],
            problems=[dict(row) for row in data.get("problems", [])],
            photos=request.FILES.getlist("photos") if request.FILES else [],
            completed_milestones=data.get("completed_milestones", []),
        )
        report = self.get_queryset().get(pk=report.pk)
        return Response(
            WeeklyReportSerializer(report, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class _FileRenderer(BaseRenderer):
    """Lets a client that asks for an image negotiate; errors are still JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        """Errors (the only data rendered here) as JSON bytes."""
        return json.dumps(data, ensure_ascii=False).encode()


class ReportPhotoFileView(APIView):
    """A report photo's bytes, for callers who see its project."""

    renderer_classes = [JSONRenderer, _FileRenderer]

    @extend_schema(
        summary="A report photo (the image itself)",
        parameters=[
            OpenApiParameter(
                "size", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=["thumb"], required=False
            )
        ],
        responses={(200, "image/*"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        """The image (or a JPEG preview with `?size=thumb`)."""
        photo = get_object_or_404(reporting.photos_for(actor_of(request)), pk=pk)
        thumb = request.query_params.get("size") == "thumb"
        response = photos.photo_response(photo.image, thumb=thumb)
        if not thumb:  # a preview is not a download; the photo itself is
            record_access(request, action=AuditAction.DOWNLOAD, obj=photo, fmt="image")
        return response


urlpatterns: list[URLPattern] = [
    path(
        "projects/<int:project_pk>/reports/",
        ProjectReportsView.as_view(),
        name="api-project-reports",
    ),
    path(
        "report-photos/<int:pk>/file/",
        ReportPhotoFileView.as_view(),
        name="api-report-photo-file",
    ),
]
