"""Targets: the indicator catalogue, the year's targets and their decomposition to units,
values departments report, and monthly snapshots of progress."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.chains.models import Chain
from jinmu.core.fields import belongs_to, optional_fk, tree_parent, unique_rule, unit_fk, user_fk
from jinmu.core.models import DomainModel, RegionSettings
from jinmu.core.permissions import TARGET_ACTIONS
from jinmu.targets.choices import (
    PERIOD_MONTHS,
    Action,
    Aggregation,
    Bound,
    Direction,
    Front,
    IndicatorSource,
    Period,
    Status,
)
from jinmu.targets.querysets import ReportedValueQuerySet, TargetQuerySet

_VALUE: dict[str, Any] = {"max_digits": 20, "decimal_places": 4}


class Indicator(models.Model):
    """An entry of the catalogue: measured by a named query over the platform (`measure` with
    `params`) or reported monthly by a department. Shared by every county, like the
    qualification kinds; the synonyms map extracted goals onto it."""

    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    synonyms = models.JSONField(
        _("synonyms"), default=list, blank=True, help_text=_("Names policy texts use for it.")
    )
    unit = models.CharField(_("unit"), max_length=10)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(_("aggregation"), max_length=12, choices=Aggregation.choices)
    source = models.CharField(_("source"), max_length=10, choices=IndicatorSource.choices)
    measure = models.CharField(
        _("measure"),
        max_length=40,
        blank=True,
        help_text=_("The named query that measures it (measured indicators only)."),
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    reported_by = models.CharField(
        _("reported by"), max_length=50, blank=True, help_text=_("For reported indicators.")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A measured indicator names its query; a reported one does not."""
        if self.source == IndicatorSource.MEASURED and not self.measure:
            raise ValidationError({"measure": _("A measured indicator needs its query.")})
        if self.source == IndicatorSource.REPORTED and self.measure:
            raise ValidationError({"measure": _("A reported indicator has no query.")})


class Target(DomainModel):
    """One goal for a period: an indicator, a value with its bound, the group it belongs to and
    the unit responsible; a part of a larger target when `parent` is set (decomposition).

    `region` is where it applies (the county, or a town for a town's part); a park's or a
    chain's part names the park (`responsible_unit`) or the `chain`.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="targets"
    )
    name = models.CharField(
        _("goal as written"), max_length=200, help_text=_("E.g. 国家级高新技术企业.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(
        _("period"), max_length=4, choices=Period.choices, default=Period.YEAR
    )
    value = models.DecimalField(_("target value"), **_VALUE)
    bound = models.CharField(_("bound"), max_length=10, choices=Bound.choices)
    value_high = models.DecimalField(_("upper value"), null=True, blank=True, **_VALUE)
    unit = models.CharField(_("unit"), max_length=10)
    condition = models.CharField(_("condition"), max_length=100, blank=True)
    front = models.CharField(_("front"), max_length=12, choices=Front.choices, blank=True)
    action = models.CharField(
        _("四提四增 action"), max_length=12, choices=Action.choices, blank=True
    )
    responsible_unit = unit_fk(_("responsible unit"), related_name="targets")
    chain = optional_fk(Chain, _("chain"), related_name="targets")
    parent: models.ForeignKey[Target | None, Target | None] = tree_parent(
        _("part of"), on_delete=models.CASCADE, related_name="parts"
    )
    additive = models.BooleanField(
        _("parts add up"),
        default=True,
        help_text=_("When set, the parts of this target must not exceed it."),
    )
    monthly_shares = models.JSONField(
        _("cumulative monthly shares"),
        null=True,
        blank=True,
        help_text=_("Optional monthly profile replacing the linear 序时 share."),
    )
    source_sentence = models.TextField(_("source sentence"), blank=True)
    created_by = user_fk(_("created by"))

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ("year", "front", "id")
        verbose_name = _("target")
        permissions = TARGET_ACTIONS
        verbose_name_plural = _("targets")
        indexes = (models.Index(fields=("region", "year", "period"), name="targets_year_idx"),)

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def clean(self) -> None:
        """A range has an upper value above the lower, others have none; a monthly profile
        has one rising share per month of the period, ending at 1."""
        errors: dict[str, Any] = {}
        if self.bound == Bound.RANGE:
            if self.value_high is None or self.value_high < self.value:
                errors["value_high"] = _("A range needs an upper value not below the lower one.")
        elif self.value_high is not None:
            errors["value_high"] = _("Only a range has an upper value.")
        message = self._monthly_shares_error()
        if message:
            errors["monthly_shares"] = message
        if errors:
            raise ValidationError(errors)

    def _monthly_shares_error(self) -> str | None:
        """Why the monthly profile is unusable, or None when it is absent or fine."""
        shares = self.monthly_shares
        if shares in (None, []):
            return None
        first, last = PERIOD_MONTHS.get(self.period, (1, 12))
        months = last - first + 1
        message = _(
            "Give {months} rising shares between 0 and 1, one per month of the period, "
            "the last one 1."
        ).format(months=months)
        if not isinstance(shares, list) or any(isinstance(v, bool) for v in shares):
            return str(message)
        try:
            values = [Decimal(str(v)) for v in shares]
        except (TypeError, ArithmeticError, ValueError):
            return str(message)
        if (
            len(values) != months
            or any(not v.is_finite() or v < 0 or v > 1 for v in values)
            or any(b < a for a, b in pairwise(values))
            or values[-1] != 1
        ):
            return str(message)
        return None

    @property
    def starts_on(self) -> dt.date:
        """First day of the period."""
        return dt.date(self.year, PERIOD_MONTHS[self.period][0], 1)

    @property
    def ends_on(self) -> dt.date:
        """Last day of the period."""
        month = PERIOD_MONTHS[self.period][1]
        return dt.date(self.year, month, monthrange(self.year, month)[1])


class TargetSettings(RegionSettings):
    """A region's status thresholds for targets (the industry office keeps them).

    The defaults are practice.md's (银川 发改委 2025): green at or above 序时, yellow from 10 up
    to and including 30 percentage points behind, red more than 30 behind. A town without its
    own row uses its county's, and so on up; with no row at all the defaults apply.
    """

    yellow_points = models.DecimalField(
        _("yellow from points behind 序时"), max_digits=5, decimal_places=2, default=Decimal(10)
    )
    red_points = models.DecimalField(
        _("red above points behind 序时"), max_digits=5, decimal_places=2, default=Decimal(30)
    )

    threshold_pairs = (("yellow_points", "red_points"),)
    threshold_message = _("Red must start no earlier than yellow.")

    class Meta(RegionSettings.Meta):
        verbose_name = _("target settings")
        verbose_name_plural = _("target settings")

    def __str__(self) -> str:
        # By the region's code, as its audit rows have always named it.
        return f"{self.region_id}"

    def clean(self) -> None:
        """Both thresholds are positive and red lies beyond yellow."""
        errors: dict[str, Any] = {}
        if self.yellow_points is not None and self.yellow_points <= 0:
            errors["yellow_points"] = _("Give a number of points above 0.")
        errors.update(self.threshold_errors())
        if errors:
            raise ValidationError(errors)


def target_settings_for_many(codes: Any) -> dict[str, TargetSettings]:
    """The target settings in force in each region (`RegionSettings.for_regions`)."""
    return TargetSettings.for_regions(codes)


def target_settings_for(region: Any) -> TargetSettings:
    """The target settings that apply in a region (see `target_settings_for_many`)."""
    return TargetSettings.for_region(region)


class ReportedValue(DomainModel):
    """A department's monthly value of a reported indicator, with its evidence."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="reported_values",
    )
    month = models.DateField(_("month"), help_text=_("Its first day."))
    value = models.DecimalField(_("value"), **_VALUE)
    evidence = models.TextField(_("evidence"))
    reporting_unit = unit_fk(_("reporting unit"))
    reported_by = user_fk(_("reported by"), blank=False)

    objects = ReportedValueQuerySet.as_manager()

    class Meta:
        ordering = ("indicator", "-month")
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        constraints = (
            unique_rule(
                ("region", "indicator", "month"),
                "targets_reported_one_per_month",
                _("A value for this indicator and month already exists."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.indicator} {self.month:%Y-%m}"


class TargetSnapshot(models.Model):
    """A target's progress at a month's end, kept so that "where were we at the end of June"
    stays answerable after the data moves on."""

    target = belongs_to(Target, _("target"), "snapshots")
    month = models.DateField(_("month"), help_text=_("Its last day."))
    measured = models.DecimalField(_("measured"), null=True, blank=True, **_VALUE)
    expected = models.DecimalField(_("expected share"), max_digits=7, decimal_places=4)
    progress = models.DecimalField(
        _("progress"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    forecast = models.DecimalField(_("year-end forecast"), null=True, blank=True, **_VALUE)
    taken_at = models.DateTimeField(_("taken at"), auto_now=True)

    class Meta:
        ordering = ("target", "month")
        verbose_name = _("target snapshot")
        verbose_name_plural = _("target snapshots")
        constraints = (unique_rule(("target", "month"), "targets_snapshot_month"),)

    def __str__(self) -> str:
        return f"{self.target} {self.month:%Y-%m}"


class MeasureGeneration(models.Model):
    """A token per table that the measures read, renewed by a database trigger on every write
    to that table (`jinmu.targets.freshness`): measured values are cached under the tokens, so
    any write, through whatever path, makes the next read measure afresh in every process. A
    random token (not a counter), so that a rolled-back write never brings back a used key."""

    source = models.CharField(_("source"), max_length=63, primary_key=True)
    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("measure generation")
        verbose_name_plural = _("measure generations")

    def __str__(self) -> str:
        return f"{self.source}: {self.token}"
