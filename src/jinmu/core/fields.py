"""Model fields written once for every app that stores the same kind of value."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.validators import validate_latitude, validate_longitude


def latitude_field(verbose_name: Any = None) -> models.DecimalField[Any, Any]:
    """A WGS-84 latitude in degrees, six decimals (about 0.1 m), optional, within ±90."""
    return models.DecimalField(
        verbose_name or _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_latitude],
    )


def longitude_field(verbose_name: Any = None) -> models.DecimalField[Any, Any]:
    """A WGS-84 longitude in degrees, six decimals, optional, within ±180."""
    return models.DecimalField(
        verbose_name or _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[validate_longitude],
    )
