"""Weekly reports (周调度) and their site photos."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import (
    belongs_to,
    figure_field,
    latitude_field,
    longitude_field,
    money_field,
    unique_rule,
    user_fk,
)
from jinmu.projects.models.common import ProjectChild, _photo_path, project_fk


class WeeklyReport(ProjectChild):
    """A project's report for one ISO week (周调度): an append-only fact.

    `invested_this_week` is what the reporter gives; `cumulative_invested` and `year_invested`
    are derived by the report service from all earlier weeks and are never typed.
    """

    project = project_fk("reports")
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week."))
    invested_this_week = money_field(
        _("investment completed this week (yuan)"), null=False, blank=False
    )
    cumulative_invested = figure_field(_("investment completed to date (yuan)"))
    year_invested = figure_field(_("investment completed this year (yuan)"))
    progress_text = models.TextField(_("progress (形象进度)"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MaxValueValidator(100)]
    )
    submitted_by = user_fk(_("submitted by"), blank=False)
    submitted_at = models.DateTimeField(_("submitted at"))
    is_late = models.BooleanField(_("late"), default=False)

    class Meta:
        ordering = ("project", "-week")
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = (
            unique_rule(
                ("project", "week"),
                "projects_report_one_per_week",
                _("This project already has a report for that week."),
            ),
        )
        indexes = (models.Index(fields=("region", "week"), name="projects_report_week_idx"),)

    def __str__(self) -> str:
        iso = self.week.isocalendar()
        return f"{self.project} {iso.year}-W{iso.week:02d}"

    @property
    def iso_week(self) -> str:
        """The week as ISO text, e.g. 2026-W48."""
        iso = self.week.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


class ReportPhoto(ProjectChild):
    """A site photo of a weekly report, with the time and place its camera recorded."""

    report = belongs_to(WeeklyReport, _("report"), "photos")
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    latitude = latitude_field(_("latitude (EXIF)"))
    longitude = longitude_field(_("longitude (EXIF)"))
    predates_week = models.BooleanField(_("taken before the report week"), default=False)

    class Meta:
        ordering = ("report", "id")
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.image.name or ""
