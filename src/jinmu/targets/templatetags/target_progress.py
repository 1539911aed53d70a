"""Targets in templates: `{% target_bar tp %}` (a progress bar with the 序时 marker),
`{% status_badge status %}`, `{{ target|target_value }}` (the value with its bound and unit)
and `{{ number|plain }}` (a decimal without trailing zeros)."""

from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jinmu.core.money import DASH, plain_text, share_as_percent
from jinmu.core.templatetags.jinmu import TRAFFIC_TABLER
from jinmu.targets.choices import Bound, Status
from jinmu.targets.models import Target
from jinmu.targets.progress import TargetProgress

register = template.Library()

# Tabler colour names of the statuses.
STATUS_TABLER = TRAFFIC_TABLER
# The statuses' labels (lazy: translated when drawn), looked up without building the enum's
# list of values on each call.
_LABELS = {str(status.value): status.label for status in Status}
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
_STEPS = {0: Decimal(1), 1: Decimal("0.1"), 4: Decimal("0.0001")}


def escape(text: str) -> str:
    """Text as HTML (what `format_html` does to each argument, without its overhead)."""
    return html.escape(text)


@register.filter
def plain(value: Any) -> str:
    """A number without trailing zeros (30, 291.3), rounded to two decimals; "—" for None."""
    return plain_text(value)


@register.filter
def percent(value: Any) -> str:
    """A share (0–1) as a whole percentage, e.g. 0.874 → 87%; "—" for None."""
    percentage = share_as_percent(value, 0)
    return DASH if percentage is None else f"{percentage}%"


# The signs of the bounds written before a value ("about" is translated when drawn).
_BOUND_SIGNS = {Bound.AT_LEAST: "≥", Bound.AT_MOST: "≤"}


@register.filter
def target_value(target: Target) -> str:
    """The value as a user reads it: ≥30家, ≤5%, 约6%, 5–6%, 45个."""
    unit = target.unit
    value = plain(target.value)
    if target.bound == Bound.RANGE:
        return f"{value}–{plain(target.value_high)}{unit}"
    bound = Bound(target.bound)
    prefix = _("about ") if bound == Bound.APPROX else _BOUND_SIGNS.get(bound, "")
    return f"{prefix}{value}{unit}"


@register.simple_tag
def status_badge(status: str) -> SafeString:
    """A coloured badge naming the status."""
    colour = STATUS_TABLER.get(status, "secondary")
    label = _LABELS.get(status, status)
    return SafeString(
        f'<span class="badge bg-{escape(colour)}-lt" data-status="{escape(status)}">'
        f"{escape(str(label))}</span>"
    )


@register.simple_tag
def target_bar(tp: TargetProgress) -> SafeString:
    """A progress bar coloured by status, with a thin marker where 序时 stands."""
    return progress_bar(tp, percent(tp.progress), percent(tp.expected))


def progress_bar(tp: TargetProgress, done_text: str, expected_text: str) -> SafeString:
    """`target_bar` with the shares done and expected already as text (a board row shows them
    twice)."""
    colour = escape(STATUS_TABLER.get(tp.status, "secondary"))
    done = ZERO if tp.progress is None else max(ZERO, min(tp.progress, ONE))
    expected = max(ZERO, min(tp.expected, ONE))
    title = escape(_("Done {done}, 序时 {expected}").format(done=done_text, expected=expected_text))
    progress = "" if tp.progress is None else _places(tp.progress, 4)
    # Drawn with an f-string: a bar per board row through format_html cost a board ~1 ms.
    return SafeString(
        f'<div class="position-relative" title="{title}" data-progress="{progress}"'
        f' data-expected="{_places(tp.expected, 4)}">'
        f'<div class="progress progress-sm"><div class="progress-bar bg-{colour}"'
        f' data-width="{_places(done * HUNDRED, 1)}"'
        f' role="progressbar" aria-valuenow="{_places(done * HUNDRED, 0)}"'
        ' aria-valuemin="0" aria-valuemax="100"'
        f' aria-label="{title}"></div></div>'
        '<div class="position-absolute top-0 bottom-0 border-start border-2 border-dark'
        f' target-marker" data-left="{_places(expected * HUNDRED, 1)}"'
        " data-marker></div></div>"
    )


def _places(value: Decimal, places: int) -> str:
    """A number rounded half up to 0, 1 or 4 places, as plain digits (as `rounded` and
    `share_as_percent` give it, without their conversions: an attribute needs no escaping)."""
    return format(value.quantize(_STEPS[places], rounding=ROUND_HALF_UP), "f")
