"""Lights in templates: `{% light_badge project %}` (a badge that opens its reasons; in a list's
rows `light_button`, whose reasons are fetched when opened),
`{% light_dot "red" %}` (a bare coloured dot for tables and boards) and `|light_label`."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core.markup import format_html
from jinmu.core.money import as_decimal, percent_text
from jinmu.core.templatetags.jinmu import TRAFFIC_TABLER, wan
from jinmu.projects.choices import Light, LightRule
from jinmu.projects.lights import OVERRIDE_RULE, light_as_of, shown_reasons

register = template.Library()

# Tabler colour names of the lights (badge bg-*, status-*).
LIGHT_TABLER = TRAFFIC_TABLER

# How the inputs a rule records are named on screen.
INPUT_LABELS: dict[str, Any] = {
    "planned_start": gettext_lazy("Planned start"),
    "actual_start": gettext_lazy("Actual start"),
    "days_late": gettext_lazy("Days late"),
    "today": gettext_lazy("As of"),
    "days_overdue": gettext_lazy("Days overdue"),
    "months_overdue": gettext_lazy("Whole months overdue"),
    "red_from": gettext_lazy("Red from"),
    "red_after_months": gettext_lazy("Red after months"),
    "year": gettext_lazy("Year"),
    "planned_investment": gettext_lazy("Planned investment this year (10k yuan)"),
    "invested_year": gettext_lazy("Invested this year (10k yuan)"),
    "expected_share": gettext_lazy("Share due by now"),
    "actual_share": gettext_lazy("Share done"),
    "points_behind": gettext_lazy("Points behind"),
    "by_month": gettext_lazy("Monthly profile"),
    "yellow_points": gettext_lazy("Yellow from points"),
    "red_points": gettext_lazy("Red above points"),
    "due": gettext_lazy("Milestones due"),
    "late": gettext_lazy("Milestones late"),
    "milestone": gettext_lazy("Latest-slipping milestone"),
    "planned_end": gettext_lazy("Planned end"),
    "yellow_days": gettext_lazy("Yellow from days"),
    "red_days": gettext_lazy("Red from days"),
    "registered_on": gettext_lazy("Statistical registration on"),
    "entered_on": gettext_lazy("Entered in the ledger on"),  # reasons stored before
    "monitored_since": gettext_lazy("Under weekly scheduling since"),
    "months_since_start": gettext_lazy("Whole months since start"),
    "yellow_from": gettext_lazy("Yellow from"),
    "red_after": gettext_lazy("Red after"),
    "week": gettext_lazy("Week due"),
    "deadline": gettext_lazy("Deadline"),
    "last_report_week": gettext_lazy("Latest report"),
    "by": gettext_lazy("Set by"),
    "at": gettext_lazy("Set on"),
    "reason": gettext_lazy("Reason"),
    "computed_light": gettext_lazy("Computed light"),
}


# `Light.values` builds a new list on each read; a list page asks once per row.
_LIGHT_VALUES = frozenset(Light.values)


@register.filter
def light_label(value: Any) -> str:
    """The label of a light value; "Not monitored" for an empty one."""
    if value in _LIGHT_VALUES:
        return str(Light(value).label)
    return _("Not monitored")


@register.simple_tag
def light_dot(value: Any, label: bool = False) -> SafeString:
    """A coloured dot for a light value (with its label after it when `label` is true)."""
    colour = LIGHT_TABLER.get(str(value or ""))
    text = light_label(value)
    if colour is None:
        return format_html('<span class="text-secondary" title="{}">—</span>', text)
    if label:
        return format_html(
            '<span class="text-nowrap"><span class="status-dot status-{} me-1"></span>{}</span>',
            colour,
            text,
        )
    return format_html(
        '<span class="status-dot status-{}" title="{}" role="img" aria-label="{}"></span>',
        colour,
        text,
        text,
    )


def _rule_label(rule: str) -> str:
    if rule == OVERRIDE_RULE:
        return _("Set by hand")
    if rule in LightRule.values:
        return str(LightRule(rule).label)
    return rule


# Inputs stored in yuan (shown in 万元) and as shares 0–1 (shown in per cent).
MONEY_INPUTS = frozenset({"planned_investment", "invested_year"})
SHARE_INPUTS = frozenset({"expected_share", "actual_share"})


def _value_text(key: str, value: str) -> str:
    if key == "computed_light" and value in Light.values:
        return str(Light(value).label)
    if key == "by_month":
        return _("yes") if value == "yes" else _("no")
    if value and key in MONEY_INPUTS:
        return wan(value)
    if value and key in SHARE_INPUTS:
        share = as_decimal(value)
        return value if share is None else percent_text(share * 100)
    return value or "—"


def reason_rows(reasons: Any) -> list[dict[str, Any]]:
    """The stored reasons prepared for display: rule and light labels, named inputs."""
    rows: list[dict[str, Any]] = []
    for reason in reasons or []:
        if not isinstance(reason, dict):
            continue
        light = str(reason.get("light", ""))
        inputs = reason.get("inputs") or {}
        rows.append(
            {
                "rule": reason.get("rule", ""),
                "rule_label": _rule_label(str(reason.get("rule", ""))),
                "light": light,
                "light_label": light_label(light),
                "colour": LIGHT_TABLER.get(light, "secondary"),
                "text": reason.get("text", ""),
                "inputs": [
                    (str(INPUT_LABELS.get(key, key)), _value_text(key, str(value)))
                    for key, value in inputs.items()
                    if key != "reason"  # the override's reason is already its text
                ],
            }
        )
    return rows


def light_context(project: Any) -> dict[str, Any]:
    """What the badge and its popup show: the light, an override, and each rule's reason."""
    light = getattr(project, "light", "") or ""
    overridden = bool(light and getattr(project, "light_override", ""))
    computed_on = light_as_of(project)
    return {
        "project_id": getattr(project, "pk", None),
        "light": light,
        "label": light_label(light),
        "colour": LIGHT_TABLER.get(light),
        "overridden": overridden,
        "override_reason": getattr(project, "light_override_reason", "") if overridden else "",
        "computed_light": getattr(project, "computed_light", ""),
        "computed_label": light_label(getattr(project, "computed_light", "")),
        "computed_on": computed_on,
        "reasons": reason_rows(shown_reasons(getattr(project, "light_reasons", None), computed_on))
        if light
        else [],
    }


@register.inclusion_tag("projects/_light.html")
def light_badge(project: Any) -> dict[str, Any]:
    """The project's light as a badge; a click (or tap) opens each rule with its inputs."""
    return light_context(project)


def light_button(project: Any, reasons_url: str | None = None) -> SafeString:
    """The badge of `light_badge` for a row of a list, drawn in Python: its popup is empty
    until opened, when htmx fetches the reasons (`projects:light_reasons`, or `reasons_url`
    when the list has it), so a list page does not carry every row's explanation."""
    light = getattr(project, "light", "") or ""
    label = light_label(light)
    if not light:
        return format_html(
            '<span class="badge bg-secondary-lt" title="{}">{}</span>',
            _("Not under weekly scheduling: no light."),
            label,
        )
    colour = LIGHT_TABLER.get(light)
    if getattr(project, "light_override", ""):
        label = f"{label} · {_('Set by hand')}"
    return format_html(
        '<div class="dropdown d-inline-block light-badge">'
        '<button type="button" class="badge bg-{} text-{}-fg border-0 text-nowrap"'
        ' data-bs-toggle="dropdown" data-bs-auto-close="outside"'
        ' data-bs-popper-config=\'{{"strategy":"fixed"}}\' aria-expanded="false"'
        ' aria-haspopup="true" title="{}" hx-get="{}" hx-trigger="show.bs.dropdown once"'
        ' hx-target="next .light-reasons">{}</button>'
        '<div class="dropdown-menu p-0 shadow light-reasons">{}</div></div>',
        colour,
        colour,
        _("Why this light?"),
        reasons_url or reverse("projects:light_reasons", args=[project.pk]),
        label,
        _LOADING,
    )


# What an opened popup shows until its reasons arrive.
_LOADING = mark_safe(
    '<span class="spinner-border spinner-border-sm text-secondary m-3" aria-hidden="true"></span>'
)
