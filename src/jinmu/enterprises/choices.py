"""Choices of the enterprises app."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

# Each field's {value: lazy label}, built once per process (labels are translated when shown).
_LABELS: dict[Any, dict[Any, Any]] = {}


class QuickChoiceLabels:
    """Model mixin: `get_FOO_display()` looks the value up in a table of the field's choices
    built once, and translates only that label. Django's builds the table on each call, which
    hashes, and so translates, every label of the field: the chain page and the register's
    rows spent a millisecond or more there (issue 11). The result is the same."""

    def _get_FIELD_display(self, field: Any) -> Any:
        labels = _LABELS.get(field)
        if labels is None:
            labels = _LABELS[field] = {
                make_hashable(value): label for value, label in field.flatchoices
            }
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


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
