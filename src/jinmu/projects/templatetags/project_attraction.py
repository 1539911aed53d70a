"""Template tags of attraction projects: the eligibility verdict and the lead deadlines."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from jinmu.projects.choices import ProjectKind
from jinmu.projects.eligibility import eligibility
from jinmu.projects.leads import lead_deadlines, lead_state
from jinmu.projects.models import settings_for
from jinmu.projects.tables import LEAD_DEADLINES
from jinmu.projects.templatetags import context_today

register = template.Library()


@register.simple_tag(takes_context=True)
def attraction_panel(context: template.Context, project: Any) -> SafeString:
    """`{% attraction_panel project %}`: whether the project counts as a 过亿元 attraction project
    (with the reasons) and its lead deadlines; nothing for other kinds of project.

    The day is the context's `today` when the page pins one, else the local date.
    """
    if project is None or getattr(project, "kind", None) != ProjectKind.ATTRACTION:
        return mark_safe("")
    today = context_today(context)
    rules = settings_for(project.region_id)
    deadlines = lead_deadlines(project, today=today, settings=rules)
    html = render_to_string(
        "projects/lists_attraction_panel.html",
        {
            "project": project,
            "verdict": eligibility(project, rules),
            "deadlines": deadlines,
            "deadlines_table": LEAD_DEADLINES.of(deadlines),
            "lead_state": lead_state(deadlines),
            "rules": rules,
            "today": today,
        },
        request=context.get("request"),
    )
    return mark_safe(html)
