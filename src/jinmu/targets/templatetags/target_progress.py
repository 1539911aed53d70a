"""Targets in templates: `{% target_bar tp %}` (a progress bar with the 序时 marker),
`{% status_badge status %}`, `{{ target|target_value }}` (the value with its bound and unit)
and `{{ number|plain }}` (a decimal without trailing zeros)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jinmu.core.money import DASH, plain_text, rounded, share_as_percent
from jinmu.core.templatetags.jinmu import TRAFFIC_TABLER
from jinmu.targets.choices import Bound, Status
from jinmu.targets.models import Target
from jinmu.targets.progress import TargetProgress

register = template.Library()

# Tabler colour names of the statuses.
STATUS_TABLER = TRAFFIC_TABLER


@register.filter
def plain(value: Any) -> str:
    """A number without trailing zeros (30, 291.3), rounded to two decimals; "—" for None."""
    return plain_text(value)


@register.filter
def percent(value: Any) -> str:
    """A share (0–1) as a whole percentage, e.g. 0.874 → 87%; "—" for None."""
    percentage = share_as_percent(value, 0)
    return DASH if percentage is None else f"{percentage}%"


@register.filter
def target_value(target: Target) -> str:
    """The value as a user reads it: ≥30家, ≤5%, 约6%, 5–6%, 45个."""
    unit = target.unit
    value = plain(target.value)
    if target.bound == Bound.RANGE:
        return f"{value}–{plain(target.value_high)}{unit}"
    prefix = {
        Bound.AT_LEAST: "≥",
        Bound.AT_MOST: "≤",
        Bound.APPROX: _("about "),
    }.get(Bound(target.bound), "")
    return f"{prefix}{value}{unit}"


@register.simple_tag
def status_badge(status: str) -> SafeString:
    """A coloured badge naming the status."""
    colour = STATUS_TABLER.get(status, "secondary")
    label = Status(status).label if status in Status.values else status
    return format_html(
        '<span class="badge bg-{}-lt" data-status="{}">{}</span>', colour, status, label
    )


@register.simple_tag
def target_bar(tp: TargetProgress) -> SafeString:
    """A progress bar coloured by status, with a thin marker where 序时 stands."""
    colour = STATUS_TABLER.get(tp.status, "secondary")
    done = Decimal(0) if tp.progress is None else max(Decimal(0), min(tp.progress, Decimal(1)))
    expected = max(Decimal(0), min(tp.expected, Decimal(1)))
    title = _("Done {done}, 序时 {expected}").format(
        done=percent(tp.progress), expected=percent(tp.expected)
    )
    return format_html(
        '<div class="position-relative" title="{}" data-progress="{}" data-expected="{}">'
        '<div class="progress progress-sm"><div class="progress-bar bg-{}" data-width="{}"'
        ' role="progressbar" aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100"'
        ' aria-label="{}"></div></div>'
        '<div class="position-absolute top-0 bottom-0 border-start border-2 border-dark'
        ' target-marker" data-left="{}" data-marker></div></div>',
        title,
        "" if tp.progress is None else format(rounded(tp.progress, 4), "f"),
        format(rounded(tp.expected, 4), "f"),
        colour,
        format(share_as_percent(done, 1), "f"),
        format(share_as_percent(done, 0), "f"),
        title,
        format(share_as_percent(expected, 1), "f"),
    )
