"""The derived figures of weekly reports: running totals per report and the project's columns
that follow its latest week. Derived columns are not audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinmu.projects.models import Project, WeeklyReport
from jinmu.projects.reporting.common import ZERO, iso_year


def rederive(project: Project, *, from_week: dt.date | None = None) -> int:
    """Recompute the cumulative and yearly figures of a project's reports from `from_week` on
    (all when None); returns how many rows changed. Derived columns: not audited."""
    reports = WeeklyReport.objects.filter(project_id=project.pk)
    previous = None
    rows = reports.order_by("week")
    if from_week is not None:
        previous = reports.filter(week__lt=from_week).order_by("-week").first()
        rows = rows.filter(week__gte=from_week)
    cumulative = previous.cumulative_invested if previous else ZERO
    year = iso_year(previous.week) if previous else None
    year_sum = previous.year_invested if previous else ZERO
    changed: list[WeeklyReport] = []
    for row in rows.only(
        "id", "week", "invested_this_week", "cumulative_invested", "year_invested"
    ):
        if iso_year(row.week) != year:
            year, year_sum = iso_year(row.week), ZERO
        cumulative += row.invested_this_week
        year_sum += row.invested_this_week
        if row.cumulative_invested != cumulative or row.year_invested != year_sum:
            row.cumulative_invested = cumulative
            row.year_invested = year_sum
            changed.append(row)
    if changed:
        WeeklyReport.objects.bulk_update(
            changed, ["cumulative_invested", "year_invested"], batch_size=500
        )
    return len(changed)


def update_project_figures(project: Project) -> None:
    """Copy the latest report's figures to the project's derived columns (no version bump:
    a weekly report must not make an open edit form of the project stale)."""
    latest = WeeklyReport.objects.filter(project_id=project.pk).order_by("-week").first()
    values: dict[str, Any]
    if latest is None:
        values = {
            "invested_total": ZERO,
            "invested_year": ZERO,
            "invested_year_of": None,
            "percent_complete": 0,
            "last_report_week": None,
        }
    else:
        values = {
            "invested_total": latest.cumulative_invested,
            "invested_year": latest.year_invested,
            "invested_year_of": iso_year(latest.week),
            "percent_complete": latest.percent_complete,
            "last_report_week": latest.week,
        }
    Project.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)
