"""Reads of weekly reports shown with their photos and problems (the project page's panel and
the reports API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from jinmu.core.types import Visitor
from jinmu.problems.choices import ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.models import Project, ReportPhoto, WeeklyReport
from jinmu.projects.queries.ledger import choice_labels
from jinmu.projects.weeks import iso_label


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


@dataclass(frozen=True)
class PhotoRow:
    """A report's photo as the panel shows it (a thumbnail, marked when taken before the
    report's week)."""

    pk: int
    taken_at: dt.datetime | None
    predates_week: bool


@dataclass(frozen=True)
class ProblemRow:
    """A problem a report raised, as the panel shows it (`owner_name`: its owner unit's name,
    None without one)."""

    pk: int
    title: str
    status: str
    status_label: str
    owner_name: str | None


@dataclass(frozen=True)
class ReportRow:
    """A weekly report as the panel shows it, with its photos and the problems it raised
    that the user sees."""

    pk: int
    week: dt.date
    invested_this_week: Decimal
    cumulative_invested: Decimal | None
    percent_complete: int
    progress_text: str
    is_late: bool
    shown_photos: list[PhotoRow] = field(default_factory=list)
    shown_problems: list[ProblemRow] = field(default_factory=list)

    @property
    def iso_week(self) -> str:
        """The week as ISO text, e.g. 2026-W48 (as `WeeklyReport.iso_week`)."""
        return iso_label(self.week)


_REPORT_SHOWN = (
    "pk",
    "week",
    "invested_this_week",
    "cumulative_invested",
    "percent_complete",
    "progress_text",
    "is_late",
)


def latest_reports(user: Visitor | None, project: Project, count: int) -> list[ReportRow]:
    """The `count` latest weekly reports of a project the user sees, each with its photos
    (`shown_photos`, in upload order) and the problems it raised that the user sees
    (`shown_problems`, with their owner units' names).

    The reports of a project the user sees are visible with it (`ProjectChildQuerySet`), so
    they are read by the project alone, with their photos joined (a row for each photo); the
    problems are read in one query and handed out here: a prefetch builds a queryset per
    report for each of them, which cost the project page more than the reads. All are read as
    the columns the panel shows, in value rows (issue 11)."""
    latest = WeeklyReport.objects.filter(project=project).order_by("-week").values("pk")[:count]
    rows = (
        WeeklyReport.objects.filter(pk__in=latest)
        .order_by("-week", "photos__pk")
        .values_list(*_REPORT_SHOWN, "photos__pk", "photos__taken_at", "photos__predates_week")
    )
    reports: list[ReportRow] = []
    by_pk: dict[int, ReportRow] = {}
    for *shown, photo_pk, taken_at, predates_week in rows:
        report = by_pk.get(shown[0])
        if report is None:
            report = by_pk[shown[0]] = ReportRow(*shown)
            reports.append(report)
        if photo_pk is not None:
            report.shown_photos.append(PhotoRow(photo_pk, taken_at, predates_week))
    if by_pk:
        labels = choice_labels(ProblemStatus)
        raised = (
            Problem.objects.for_user(user)
            .filter(report_id__in=list(by_pk))
            .values_list("report_id", "pk", "title", "status", "owner_unit__name")
        )
        for report_id, pk, title, status, owner_name in raised:
            by_pk[report_id].shown_problems.append(
                ProblemRow(
                    pk=pk,
                    title=title,
                    status=status,
                    status_label=labels.get(status, status),
                    owner_name=owner_name,
                )
            )
    return reports
