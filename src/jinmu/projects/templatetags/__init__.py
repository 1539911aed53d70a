"""Template tags of the project pages."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone


def context_today(context: template.Context) -> dt.date:
    """The context's `today` when the page pins one, else the local date."""
    today = context.get("today")
    return today if isinstance(today, dt.date) else timezone.localdate()
