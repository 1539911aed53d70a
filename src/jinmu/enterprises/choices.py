"""Choices of the enterprises app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseScale(models.TextChoices):
    """规上 (above designated size: industrial revenue ≥ 20 million yuan) or 规下."""

    ABOVE = "above", _("Above designated size")
    BELOW = "below", _("Below designated size")


class EnterpriseStatus(models.TextChoices):
    """Registration status."""

    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class QualificationLevel(models.TextChoices):
    """Granting level of a qualification."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class IndustryLevel(models.TextChoices):
    """Levels of GB/T 4754-2017: section, division, group, class."""

    SECTION = "section", _("Section")
    DIVISION = "division", _("Division")
    GROUP = "group", _("Group")
    CLASS = "class", _("Class")
