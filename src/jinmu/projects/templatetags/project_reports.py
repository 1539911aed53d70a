"""Template tags of weekly reports: `{% reports_panel project user %}` for the project page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from jinmu.core.types import User
from jinmu.projects import reporting, weeks
from jinmu.projects.models import Project, settings_for
from jinmu.projects.permissions import can_report
from jinmu.projects.queries.reports import project_reports
from jinmu.projects.tables import reports_panel_table
from jinmu.projects.templatetags import context_today

register = template.Library()

PANEL_WEEKS = 12


@register.inclusion_tag("projects/report_panel.html", takes_context=True)
def reports_panel(context: template.Context, project: Project, user: User) -> dict[str, Any]:
    """The project's latest weekly reports (figures in 万元, late marker, photo thumbnails,
    problems) and, for those who may report, the button to report this week.

    The day is the context's `today` when the page pins one, else the local date.
    """
    today = context_today(context)
    reports = list(project_reports(user, project.pk).order_by("-week")[: PANEL_WEEKS + 1])
    conf = settings_for(project.region_id)
    this_week = reporting.current_week(today)
    due_week = weeks.latest_due_week(today, conf.report_due_weekday)
    reported = {r.week for r in reports}
    monitored = reporting.is_monitored(project)
    may_report = monitored and can_report(user, project)
    return {
        "project": project,
        "reports": reports[:PANEL_WEEKS],
        "reports_table": reports_panel_table(monitored=monitored).of(reports[:PANEL_WEEKS]),
        "has_more": len(reports) > PANEL_WEEKS,
        "can_report": may_report,
        "is_monitored": monitored,
        "this_week": weeks.iso_label(this_week),
        "this_week_reported": this_week in reported,
        "due_week": weeks.iso_label(due_week),
        "due_week_missing": monitored and due_week != this_week and due_week not in reported,
        "problems_url": _problems_url(),
        "request": context.get("request"),
    }


def _problems_url() -> str | None:
    """The problem pool's address, when the problems pages are mounted."""
    try:
        return reverse("problems:list")
    except NoReverseMatch:
        return None
