"""What the Excel import templates are filled with: the names a user may pick in the ledger
workbook's dropdowns, and the rows of a week's report workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinmu.chains.models import Chain
from jinmu.core.models import Unit
from jinmu.core.places import county_prefix, parks_in_scope, towns_in_scope
from jinmu.core.regions import county_code
from jinmu.core.scoping import scope_for
from jinmu.core.types import User
from jinmu.projects import excel, reporting
from jinmu.projects.models import Project, ProjectTag, WeeklyReport
from jinmu.projects.permissions import can_report


def import_choices(user: User) -> excel.Choices:
    """The towns, parks, chains, units and lists the user may name in the ledger workbook."""
    scope = scope_for(user)
    county = county_code(county_prefix(scope))
    return excel.Choices(
        towns=list(towns_in_scope(scope).order_by("code").values_list("name", flat=True)),
        parks=list(parks_in_scope(scope).order_by("name").values_list("name", flat=True)),
        chains=list(Chain.objects.for_user(user).values_list("name", flat=True)),
        units=list(
            Unit.objects.for_user(user)
            .filter(is_active=True, region__code__startswith=county)
            .exclude(kind__in=("enterprise", "bank"))
            .order_by("kind", "name")
            .values_list("name", flat=True)
        ),
        tags=list(ProjectTag.objects.for_user(user).values_list("name", flat=True)),
    )


def report_rows(user: User, monday: dt.date) -> list[list[Any]]:
    """One row per project the user reports on in the week, prefilled from the week before
    (or with the week's report when it is already in)."""
    projects = (
        reporting.expected_projects(Project.objects.for_user(user), monday)
        .select_related("enterprise")
        .order_by("code", "name", "id")
    )
    rows = []
    for project in projects:
        if not can_report(user, project):
            continue
        start = reporting.prefill(project, monday)
        existing: WeeklyReport | None = start["existing"]
        rows.append(
            excel.report_row(
                project,
                week=monday,
                percent=existing.percent_complete if existing else start["percent_complete"],
                progress_text=existing.progress_text if existing else start["progress_text"],
                previous_cumulative=start["cumulative_before"],
                invested_this_week=existing.invested_this_week if existing else None,
            )
        )
    return rows
