"""Helpers shared by the `jinmu` management commands."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone


def day_option(text: str | None) -> dt.date:
    """The day a `--date YYYY-MM-DD` option names; today without one."""
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Give the date as YYYY-MM-DD (you gave “{text}”).") from exc
