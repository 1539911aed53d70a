"""Reads of weekly reports shown with their photos and problems (the project page's panel and
the reports API)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from jinmu.core.types import Visitor
from jinmu.problems.models import Problem
from jinmu.projects.models import ReportPhoto, WeeklyReport


def project_reports(user: Visitor | None, project_id: Any) -> QuerySet[WeeklyReport]:
    """The weekly reports of one project the user sees, with who submitted them, their photos
    (in upload order) and the problems they raised that the user sees."""
    reports: QuerySet[WeeklyReport] = WeeklyReport.objects.for_user(user)
    return (
        reports.filter(project_id=project_id)
        .select_related("submitted_by")
        .prefetch_related(
            Prefetch("photos", queryset=ReportPhoto.objects.order_by("pk")),
            Prefetch(
                "problems",
                queryset=Problem.objects.for_user(user).select_related("owner_unit"),
            ),
        )
    )
