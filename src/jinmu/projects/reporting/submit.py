"""Submitting a weekly report: who may, for which projects, then check and store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.types import User
from jinmu.projects.choices import ProjectStatus
from jinmu.projects.models import LIGHT_FIELDS, REPORT_FIGURES, Project, WeeklyReport
from jinmu.projects.permissions import can_report
from jinmu.projects.reporting.checks import ReportInput, check_report
from jinmu.projects.reporting.common import is_monitored
from jinmu.projects.reporting.storage import store_report, submission_time

# Derived columns the caller's instance receives after a report.
_FOLLOWED = (*REPORT_FIGURES, *LIGHT_FIELDS)


def _require_monitored(project: Project) -> None:
    if not is_monitored(project):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "“%(name)s” is not under weekly scheduling in its present state (%(status)s): "
                    "weekly reports start when it is signed, prepared or issued, and stop when it "
                    "is finished."
                )
                % {"name": project.name, "status": ProjectStatus(project.status).label}
            }
        )


@transaction.atomic
def submit_report(
    *,
    actor: User,
    project: Project,
    week: dt.date | str,
    invested_this_week: Decimal | str | None = None,
    progress_text: str = "",
    percent_complete: int | str | None,
    problems: Iterable[Mapping[str, Any]] = (),
    photos: Iterable[Any] = (),
    completed_milestones: Iterable[Any] = (),
    today: dt.date | None = None,
    cumulative_invested: Decimal | str | None = None,
) -> WeeklyReport:
    """Record a project's report for one ISO week.

    Give `invested_this_week` (yuan), or `cumulative_invested` (yuan, for imports where people
    type the running total: this week's figure is then the difference to the previous
    report). Refused field by field (`week`, `invested_this_week`, `cumulative_invested`,
    `percent_complete`, `problems`, `photos`, `completed_milestones`): a week in the future,
    a week already reported, a negative amount, a cumulative figure below the previous
    report's or (for a late report) above the following one's, a percent outside 0–100 or
    below the previous week's. Nothing is stored unless all is valid.
    """
    if not can_report(actor, project):
        raise PermissionDenied(_("You may not report on this project."))
    current = Project.objects.select_for_update().get(pk=project.pk)
    _require_monitored(current)
    day = today or timezone.localdate()
    data = ReportInput(
        week=week,
        percent_complete=percent_complete,
        invested_this_week=invested_this_week,
        cumulative_invested=cumulative_invested,
        progress_text=progress_text,
        problems=tuple(problems),
        photos=tuple(photos),
        completed_milestones=tuple(completed_milestones),
    )
    checked, errors = check_report(current, data, day=day)
    if checked is None:
        raise ValidationError(errors)
    report = store_report(
        actor=actor,
        project=current,
        checked=checked,
        day=day,
        submitted_at=submission_time(today),
    )
    for name in _FOLLOWED:
        setattr(project, name, getattr(current, name))
    return report
