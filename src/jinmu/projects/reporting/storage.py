"""Storing a checked weekly report: the report, its photos, the problems it raises and the
milestones it finishes, every write audited; then the running totals of later weeks, the
project's figures and its light follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from jinmu.core.audit import record_change
from jinmu.core.choices import AuditAction
from jinmu.core.services import save_object
from jinmu.core.types import User
from jinmu.problems import services as problem_services
from jinmu.problems.choices import ProblemSource
from jinmu.projects import lights, weeks
from jinmu.projects import photos as photo_files
from jinmu.projects.models import Project, ReportPhoto, WeeklyReport, settings_for
from jinmu.projects.reporting.checks import CheckedReport
from jinmu.projects.reporting.figures import rederive, update_project_figures


def submission_time(pinned_day: dt.date | None) -> dt.datetime:
    """Now; on a pinned day (tests, back-dated imports) that day at the present time."""
    if pinned_day is None or pinned_day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(
        dt.datetime.combine(pinned_day, timezone.localtime().time().replace(microsecond=0))
    )


def _new_report(
    *,
    actor: User,
    project: Project,
    checked: CheckedReport,
    day: dt.date,
    submitted_at: dt.datetime,
) -> WeeklyReport:
    """The report row (unsaved), late when given after its region's deadline."""
    conf = settings_for(project.region_id)
    deadline = weeks.week_deadline(checked.week, conf.report_due_weekday)
    return WeeklyReport(
        project=project,
        region_id=project.region_id,
        week=checked.week,
        invested_this_week=checked.invested_this_week,
        cumulative_invested=checked.cumulative_invested,
        year_invested=checked.year_invested,
        progress_text=checked.progress_text,
        percent_complete=checked.percent_complete,
        submitted_by=actor if actor.is_authenticated else None,
        submitted_at=submitted_at,
        is_late=day > deadline,
    )


def _store_photo(*, actor: User, report: WeeklyReport, file: Any, image_format: str) -> ReportPhoto:
    """Save one photo, under a fresh name whose extension is that of the format found in its
    bytes (never the uploaded name), with the time and place its camera recorded."""
    info = photo_files.read_exif(file)
    photo = ReportPhoto(
        report=report,
        region_id=report.region_id,
        taken_at=info.taken_at,
        latitude=info.latitude,
        longitude=info.longitude,
        predates_week=photo_files.predates_week(info.taken_at, report.week),
    )
    photo.image.save(photo_files.stored_name(image_format), file, save=False)
    try:
        photo.save()
    except BaseException:
        photo.image.delete(save=False)
        raise
    record_change(obj=photo, action=AuditAction.CREATE, actor=actor, before=None)
    return photo


def _raise_problems(
    *, actor: User, project: Project, report: WeeklyReport, checked: CheckedReport, day: dt.date
) -> None:
    for row in checked.problems:
        problem_services.raise_problem(
            actor=actor,
            project=project,
            report=report,
            source=ProblemSource.WEEKLY_REPORT,
            today=day,
            **row,
        )


def _finish_milestones(*, actor: User, checked: CheckedReport, day: dt.date) -> None:
    """Milestones reported finished end on the report's day, at the latest the week's Sunday
    (never before their actual start); one already finished keeps its date."""
    done_on = min(day, checked.week + dt.timedelta(days=6))
    for milestone in checked.milestones:
        if milestone.actual_end is None:
            milestone.actual_end = max(done_on, milestone.actual_start or done_on)
            save_object(milestone, actor=actor)


def store_report(
    *,
    actor: User,
    project: Project,
    checked: CheckedReport,
    day: dt.date,
    submitted_at: dt.datetime,
) -> WeeklyReport:
    """Write a checked report of the (locked) project and everything that follows from it.
    Run inside a transaction: on any failure the database rolls back and the photo files
    already written are removed."""
    report = _new_report(
        actor=actor, project=project, checked=checked, day=day, submitted_at=submitted_at
    )
    stored: list[ReportPhoto] = []
    try:
        save_object(report, actor=actor)
        following = checked.neighbours.following
        if following is not None:
            rederive(project, from_week=following.week)
        for file, image_format in checked.photos:
            stored.append(
                _store_photo(actor=actor, report=report, file=file, image_format=image_format)
            )
        _raise_problems(actor=actor, project=project, report=report, checked=checked, day=day)
        _finish_milestones(actor=actor, checked=checked, day=day)
        update_project_figures(project)
        lights.refresh_light(project, today=day)
    except BaseException:
        for photo in stored:
            photo.image.delete(save=False)
        raise
    return report
