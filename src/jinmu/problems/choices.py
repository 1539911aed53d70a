"""Choices of the problems app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    """Where a problem stands."""

    OPEN = "open", _("Awaiting claim")
    CLAIMED = "claimed", _("Claimed")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


UNRESOLVED = (ProblemStatus.OPEN, ProblemStatus.CLAIMED)


class ProblemCategory(models.TextChoices):
    """What kind of help is needed (the factors that follow projects, 要素跟着项目走)."""

    LAND = "land", _("Land")
    APPROVAL = "approval", _("Approvals")
    FUNDING = "funding", _("Funding")
    ENERGY = "energy", _("Power and energy")
    LABOUR = "labour", _("Labour")
    INFRASTRUCTURE = "infrastructure", _("Roads, water and utilities")
    OTHER = "other", _("Other")


class ProblemSource(models.TextChoices):
    """Which channel raised the problem."""

    WEEKLY_REPORT = "weekly_report", _("Weekly report")
    MANUAL = "manual", _("Entered by staff")
