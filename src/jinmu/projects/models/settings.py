"""A region's ledger settings (thresholds of lights, lead deadlines, eligibility) and the
board's cache token of lights."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import money_field
from jinmu.core.models import Region, RegionSettings
from jinmu.projects.models.common import _all_exclusions


class LedgerSettings(RegionSettings):
    """A region's thresholds for lights, lead deadlines and attraction eligibility.

    Every default is from practice.md (lights: 银川发改委 2025; lead deadlines: 江门
    江府办函〔2024〕37号; eligibility: 宣城 2024). A town without its own row uses its county's, a
    county without one its city's, and so on up; with no row at all the field defaults apply.
    """

    # 开工: due and not started -> yellow; not started this many months after the plan -> red.
    start_red_months = models.PositiveSmallIntegerField(_("start: red after months"), default=3)
    # 序时进度: percentage points behind the time-proportional share of the annual plan.
    schedule_yellow_points = models.DecimalField(
        _("schedule: yellow from points behind"), max_digits=5, decimal_places=2, default=10
    )
    schedule_red_points = models.DecimalField(
        _("schedule: red above points behind"), max_digits=5, decimal_places=2, default=30
    )
    # Milestones: days past the planned end without being finished.
    milestone_yellow_days = models.PositiveSmallIntegerField(
        _("milestone: yellow from days late"), default=1
    )
    milestone_red_days = models.PositiveSmallIntegerField(
        _("milestone: red from days late"), default=15
    )
    # 入统: months after the start of works without statistical registration.
    statistics_yellow_months = models.PositiveSmallIntegerField(
        _("statistics: yellow after months"), default=1
    )
    statistics_red_months = models.PositiveSmallIntegerField(
        _("statistics: red after months"), default=2
    )
    # Weekly reports are due on this ISO weekday (1 = Monday … 7 = Sunday) of their own week.
    report_due_weekday = models.PositiveSmallIntegerField(
        _("weekly report due on weekday"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    # Lead deadlines (calendar days from registering the lead).
    lead_owner_days = models.PositiveSmallIntegerField(_("lead: owner within days"), default=1)
    lead_assess_days = models.PositiveSmallIntegerField(_("lead: assess within days"), default=3)
    lead_assess_days_large = models.PositiveSmallIntegerField(
        _("lead: assess large leads within days"), default=7
    )
    lead_large_threshold = money_field(
        _("lead: large from total investment (yuan)"), default=Decimal("1000000000")
    )
    lead_feedback_days = models.PositiveSmallIntegerField(
        _("lead: feedback to referrer within days"), default=7
    )
    lead_follow_up_days = models.PositiveSmallIntegerField(
        _("lead: follow-up every days"), default=14
    )
    # What counts as a 过亿元 attraction project.
    attraction_min_total = money_field(
        _("attraction: minimum total investment (yuan)"), default=Decimal("100000000")
    )
    attraction_min_fixed_assets = money_field(
        _("attraction: minimum fixed-asset investment (yuan)"), default=Decimal("60000000")
    )
    attraction_big_total = money_field(
        _("attraction: 过10亿 from total investment (yuan)"), default=Decimal("1000000000")
    )
    attraction_excluded = models.JSONField(
        _("attraction: excluded categories"),
        default=_all_exclusions,
        blank=True,
        help_text=_("Codes of AttractionExclusion that keep a project from counting."),
    )

    threshold_pairs = (
        ("schedule_yellow_points", "schedule_red_points"),
        ("milestone_yellow_days", "milestone_red_days"),
        ("statistics_yellow_months", "statistics_red_months"),
    )
    threshold_message = _("Must not be below the yellow threshold.")

    class Meta(RegionSettings.Meta):
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")


def settings_for(region: Region | str) -> LedgerSettings:
    """The ledger settings that apply in a region: its own row, else the nearest ancestor's,
    else an unsaved row holding the defaults."""
    return LedgerSettings.for_region(region)


class LightGeneration(models.Model):
    """A token per county, renewed by every write of lights there: the portfolio board's
    counts are cached under it, so any change of a light (or of what a light is counted by)
    makes the next board read count afresh, in every server process. A fresh random token
    (not a counter) so that a rolled-back write can never bring back a key already used.

    `nightly_on` is the day the nightly batch last computed every light of the county for: it
    rewrites only the projects whose light or reasons changed, so a project's light is as of
    the later of its own `light_computed_on` and this day (`lights.nights`)."""

    county = models.CharField(_("county code"), max_length=12, primary_key=True)
    counter = models.BigIntegerField(_("counter"), default=0)
    token = models.CharField(_("token"), max_length=32, blank=True)
    nightly_on = models.DateField(_("lights computed nightly on"), null=True, blank=True)

    class Meta:
        verbose_name = _("light generation")
        verbose_name_plural = _("light generations")

    def __str__(self) -> str:
        return f"{self.county}: {self.counter}"
