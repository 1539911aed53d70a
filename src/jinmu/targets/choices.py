"""Choices of the targets app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.projects.choices import Light

# The years a target, a board or a reported month may be for.
MIN_YEAR, MAX_YEAR = 2000, 2100


class IndicatorSource(models.TextChoices):
    """Where an indicator's value comes from."""

    MEASURED = "measured", _("Measured from the platform's data")
    REPORTED = "reported", _("Reported monthly by a department")


class Direction(models.TextChoices):
    """Whether more is better."""

    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    """How an indicator's values add up over a period."""

    CUMULATIVE = "cumulative", _("Cumulative over the period")
    LEVEL = "level", _("Level at the end of the period")
    RATE = "rate", _("Rate")


class Bound(models.TextChoices):
    """How a target's value binds (the extraction's `bound`)."""

    EXACT = "exact", _("Exactly")
    AT_LEAST = "at_least", _("At least")
    AT_MOST = "at_most", _("At most")
    APPROX = "approx", _("About")
    RANGE = "range", _("Range")


class Period(models.TextChoices):
    """The part of the year a target covers."""

    YEAR = "year", _("Whole year")
    H1 = "h1", _("First half")
    H2 = "h2", _("Second half")
    Q1 = "q1", _("First quarter")
    Q2 = "q2", _("Second quarter")
    Q3 = "q3", _("Third quarter")
    Q4 = "q4", _("Fourth quarter")


# Months (first, last) each period covers.
PERIOD_MONTHS: dict[str, tuple[int, int]] = {
    Period.YEAR: (1, 12),
    Period.H1: (1, 6),
    Period.H2: (7, 12),
    Period.Q1: (1, 3),
    Period.Q2: (4, 6),
    Period.Q3: (7, 9),
    Period.Q4: (10, 12),
}


class Front(models.TextChoices):
    """The article's four fronts."""

    INNOVATION = "innovation", _("Innovation (创新驱动)")
    CLUSTER = "cluster", _("Industrial clusters (产业集群)")
    INVESTMENT = "investment", _("Effective investment (有效投资)")
    ENVIRONMENT = "environment", _("Business environment (发展环境)")


class Action(models.TextChoices):
    """The 四提四增 actions."""

    SCALE = "scale", _("产业提规增量")
    EFFICIENCY = "efficiency", _("企业提速增效")
    FACTORS = "factors", _("要素提优增能")
    BRAND = "brand", _("品牌提质增值")


# A target's status against 序时进度 takes the colours of a project's light (grey: no data).
Status = Light
