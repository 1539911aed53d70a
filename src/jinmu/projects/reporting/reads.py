"""Reading weekly reports: the form's starting point, and who owes, missed or was late with a
week's report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.types import User
from jinmu.projects import lights, weeks
from jinmu.projects.models import Milestone, Project, ReportPhoto, WeeklyReport
from jinmu.projects.reporting.common import ZERO, monitored_q, to_week


def current_week(today: dt.date | None = None) -> dt.date:
    """The Monday of this week (the report form's default)."""
    return weeks.monday_of(today or timezone.localdate())


def prefill(project: Project, week: dt.date | str) -> dict[str, Any]:
    """What the report form starts from: last report's percent and progress text, the
    running total so far, and the plan's milestones due this week or already overdue.

    Keys: week, week_label, sunday, existing (this week's report or None), previous (the
    latest earlier report or None), percent_complete, progress_text, cumulative_before,
    last_invested_this_week, milestones_due (planned to end this week, unfinished),
    milestones_open (every unfinished milestone planned to start by the week's end: the
    "finished this week" checkboxes, earliest planned end first).
    """
    monday = to_week(week)
    sunday = monday + dt.timedelta(days=6)
    reports = WeeklyReport.objects.filter(project_id=project.pk)
    existing = reports.filter(week=monday).first()
    previous = reports.filter(week__lt=monday).order_by("-week").first()
    open_milestones = list(
        Milestone.objects.filter(
            project_id=project.pk, actual_end__isnull=True, planned_start__lte=sunday
        ).order_by("planned_end", "sort_order", "pk")
    )
    return {
        "week": monday,
        "week_label": weeks.iso_label(monday),
        "sunday": sunday,
        "existing": existing,
        "previous": previous,
        "percent_complete": previous.percent_complete if previous else project.percent_complete,
        "progress_text": previous.progress_text if previous else "",
        "cumulative_before": previous.cumulative_invested if previous else ZERO,
        "last_invested_this_week": previous.invested_this_week if previous else None,
        "milestones_due": [m for m in open_milestones if monday <= m.planned_end <= sunday],
        "milestones_open": open_milestones,
    }


def expected_projects(
    projects_qs: QuerySet[Project], week: dt.date | str, *, due_weekday: int = 7
) -> QuerySet[Project]:
    """Monitored projects of the queryset that owe a report for the week: those under weekly
    scheduling by the week's deadline (ISO weekday `due_weekday`; default the week's end).

    The day a project came under scheduling is the light engine's `monitored_since` (its
    latest entry into a monitored state, else the day it was entered in the ledger), computed
    in SQL, so a project signed on Thursday owes nothing for the weeks before.
    """
    monday = to_week(week)
    deadline = weeks.week_deadline(monday, due_weekday)
    return (
        projects_qs.filter(monitored_q())
        .alias(monitored_since=lights.monitored_since_expression())
        .filter(monitored_since__lte=deadline)
    )


def missing_reports(
    projects_qs: QuerySet[Project], week: dt.date | str, *, due_weekday: int = 7
) -> QuerySet[Project]:
    """Monitored projects of the queryset without a report for the week."""
    monday = to_week(week)
    has_report = WeeklyReport.objects.filter(project_id=OuterRef("pk"), week=monday)
    return expected_projects(projects_qs, monday, due_weekday=due_weekday).filter(
        ~Exists(has_report)
    )


def late_reports(projects_qs: QuerySet[Project], week: dt.date | str) -> QuerySet[WeeklyReport]:
    """Reports for the week, of the queryset's projects, submitted after their deadline."""
    monday = to_week(week)
    return WeeklyReport.objects.filter(
        project__in=projects_qs.values("pk"), week=monday, is_late=True
    )


def report_counts(
    projects_qs: QuerySet[Project], week: dt.date | str, *, due_weekday: int = 7
) -> dict[str, int]:
    """How many projects owe a report for the week, how many reported (on time, late), and how
    many are missing."""
    monday = to_week(week)
    has_report = WeeklyReport.objects.filter(project_id=OuterRef("pk"), week=monday)
    # One query: who owes a report is worked out from the status history once, not per count.
    counts = (
        expected_projects(projects_qs, monday, due_weekday=due_weekday)
        .alias(
            reported=Exists(has_report),
            reported_late=Exists(has_report.filter(is_late=True)),
        )
        .aggregate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(reported=True)),
            late=Count("pk", filter=Q(reported_late=True)),
        )
    )
    total, submitted, late = counts["total"], counts["submitted"], counts["late"]
    return {
        "expected": total,
        "submitted": submitted,
        "on_time": submitted - late,
        "late": late,
        "missing": total - submitted,
    }


def photos_for(user: User) -> QuerySet[ReportPhoto]:
    """Report photos the user may see: those of the reports they see."""
    return ReportPhoto.objects.for_user(user)


def photo_warnings(report: WeeklyReport) -> list[str]:
    """Messages for the report's photos taken before its week began, each named by its place
    in the report (stored names are random: the uploaded name is not kept)."""
    return [
        _("Photo %(number)s was taken on %(day)s, before week %(week)s began.")
        % {
            "number": number,
            "day": timezone.localtime(photo.taken_at).date().isoformat() if photo.taken_at else "",
            "week": report.iso_week,
        }
        for number, photo in enumerate(report.photos.order_by("pk"), start=1)
        if photo.predates_week
    ]
