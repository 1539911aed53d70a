"""Reads of weekly reports shown with their photos and problems (the project page's panel and
the reports API)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from jinmu.core.types import Visitor
from jinmu.problems.models import Problem
from jinmu.projects.models import Project, ReportPhoto, WeeklyReport


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


# What a report's row shows of its problems.
_PROBLEM_SHOWN = ("report", "title", "status", "owner_unit__name")


def latest_reports(user: Visitor | None, project: Project, count: int) -> list[WeeklyReport]:
    """The `count` latest weekly reports of a project the user sees, each with its photos
    (`shown_photos`, in upload order) and the problems it raised that the user sees
    (`shown_problems`, with their owner units).

    The reports of a project the user sees are visible with it (`ProjectChildQuerySet`), so
    they are read by the project alone. The photos and problems are read in one query each
    and handed out here: a prefetch builds a queryset per report for each of them, which cost
    the project page more than the reads."""
    reports = list(WeeklyReport.objects.filter(project=project).order_by("-week")[:count])
    ids = [report.pk for report in reports]
    photos: dict[int, list[ReportPhoto]] = {pk: [] for pk in ids}
    problems: dict[int, list[Problem]] = {pk: [] for pk in ids}
    if ids:
        for photo in ReportPhoto.objects.filter(report_id__in=ids).order_by("pk"):
            photos[photo.report_id].append(photo)
        raised = (
            Problem.objects.for_user(user)
            .filter(report_id__in=ids)
            .select_related("owner_unit")
            .only(*_PROBLEM_SHOWN)
        )
        for problem in raised:
            problems[problem.report_id].append(problem)
    for report in reports:
        report.shown_photos = photos[report.pk]
        report.shown_problems = problems[report.pk]
    return reports
