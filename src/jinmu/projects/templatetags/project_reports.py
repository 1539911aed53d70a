"""Template tags of weekly reports: `{% reports_panel project user rights %}` for the project
page (`rights`: the page's `ProjectRights` of the user; without it the panel asks), and the
panel's table (`reports_panel_table`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.money import wan_text
from jinmu.core.tables import Column, Table, Text, badged
from jinmu.core.types import User
from jinmu.projects import reporting, weeks
from jinmu.projects.models import Project, settings_for
from jinmu.projects.permissions import ProjectRights, can_report
from jinmu.projects.queries.reports import latest_reports
from jinmu.projects.templatetags import context_today

register = template.Library()

PANEL_WEEKS = 12
DASH = "—"


@register.inclusion_tag("projects/report_panel.html", takes_context=True)
def reports_panel(
    context: template.Context, project: Project, user: User, rights: ProjectRights | None = None
) -> dict[str, Any]:
    """The project's latest weekly reports (figures in 万元, late marker, photo thumbnails,
    problems) and, for those who may report, the button to report this week.

    The day is the context's `today` when the page pins one, else the local date.
    """
    today = context_today(context)
    reports = latest_reports(user, project, PANEL_WEEKS + 1)
    conf = settings_for(project.region_id)
    this_week = reporting.current_week(today)
    due_week = weeks.latest_due_week(today, conf.report_due_weekday)
    reported = {r.week for r in reports}
    monitored = reporting.is_monitored(project)
    may_report = monitored and (rights.report if rights else can_report(user, project))
    shown = reports[:PANEL_WEEKS]
    return {
        "project": project,
        "reports": shown,
        "reports_table": reports_panel_table(monitored=monitored, problems_url=_problems_url()).of(
            shown
        ),
        "has_more": len(reports) > PANEL_WEEKS,
        "can_report": may_report,
        "is_monitored": monitored,
        "this_week": weeks.iso_label(this_week),
        "this_week_reported": this_week in reported,
        "due_week": weeks.iso_label(due_week),
        "due_week_missing": monitored and due_week != this_week and due_week not in reported,
        "request": context.get("request"),
    }


def _problems_url() -> str | None:
    """The problem pool's address, when the problems pages are mounted."""
    try:
        return reverse("problems:list")
    except NoReverseMatch:
        return None


# -- the panel's table: a row per week, its photos and problems drawn in Python.


def _report_week(report: Any) -> Any:
    """The report's ISO week, marked when the report came in late."""
    if not report.is_late:
        return report.iso_week
    return badged(
        report.iso_week,
        gettext("late"),
        title=gettext("Submitted after the deadline"),
        css="bg-yellow-lt",
    )


def _wan_column(label: Text, name: str) -> Column:
    """An amount in 万元 (the report's attribute `name`), right-aligned."""
    read = attrgetter(name)
    return Column(label, lambda row: wan_text(read(row)), css="num", head_css="text-end")


PROGRESS_CHARS = 80


def _progress(report: Any) -> str:
    """The report's progress text, cut to `PROGRESS_CHARS` characters by `Truncator`: text
    no longer than that it gives back NFC-normalised (and in one step, not a step a
    character: issue 11)."""
    text = unicodedata.normalize("NFC", report.progress_text)
    if len(text) <= PROGRESS_CHARS:
        return text
    return Truncator(report.progress_text).chars(PROGRESS_CHARS)


def _local(moment: Any) -> Any:
    """An aware time in the current time zone, as a template shows it."""
    return timezone.localtime(moment) if moment and timezone.is_aware(moment) else moment


# A key no photo has, replaced by each photo's in the address `reverse` gives for it.
_KEY_MARK = 987654321987


def _report_photos() -> Callable[[Any], SafeString | str]:
    """A report's photos (`shown_photos`) as thumbnails linked to the full image, marked when
    taken before the report's week."""
    # The address once for the table, each photo's key put in it: a `reverse` per photo cost
    # more than drawing it (issue 11).
    pattern = reverse("projects:report_photo", args=[_KEY_MARK])
    mark_text = str(_KEY_MARK)

    def draw(report: Any) -> SafeString | str:
        photos = report.shown_photos
        if not photos:
            return DASH
        alt = gettext("Site photo")
        parts = []
        for photo in photos:
            address = pattern.replace(mark_text, str(photo.pk))
            mark = ""
            if photo.predates_week:
                day = date_filter(_local(photo.taken_at), "Y-m-d")
                mark = format_html(
                    '<span class="badge bg-red position-absolute top-0 start-0"'
                    ' title="{}">!</span>',
                    gettext("Taken on %(day)s, before this week") % {"day": day},
                )
            parts.append(
                format_html(
                    '<a href="{}" target="_blank" rel="noopener"'
                    ' class="d-inline-block position-relative me-1">'
                    '<img src="{}?size=thumb" alt="{}" width="48" height="48" loading="lazy"'
                    ' class="rounded object-cover">{}</a>',
                    address,
                    address,
                    alt,
                    mark,
                )
            )
        return mark_safe("".join(parts))

    return draw


_CLOSED_PROBLEMS = frozenset({"resolved", "closed"})


def _report_problems(problems_url: str | None) -> Callable[[Any], SafeString | str]:
    """A report's problems (`shown_problems`): each one's status, its title (linked into the
    problem pool at `problems_url`, when it is there) and its owner unit."""

    def draw(report: Any) -> SafeString | str:
        problems = report.shown_problems
        if not problems:
            return DASH
        parts = []
        for problem in problems:
            title = (
                format_html('<a href="{}{}/">{}</a>', problems_url, problem.pk, problem.title)
                if problems_url
                else problem.title
            )
            owner = problem.owner_name
            parts.append(
                format_html(
                    '<div><span class="badge {}">{}</span> {}{}</div>',
                    "bg-green-lt" if problem.status in _CLOSED_PROBLEMS else "bg-orange-lt",
                    problem.status_label,
                    title,
                    format_html(' <small class="text-secondary">→ {}</small>', owner)
                    if owner is not None
                    else "",
                )
            )
        return mark_safe("".join(parts))

    return draw


def reports_panel_table(*, monitored: bool, problems_url: str | None) -> Table:
    """A project's latest weekly reports (`queries.reports.latest_reports`; their problems
    linked into the pool at `problems_url`); a project not under weekly scheduling with no
    report says so in the card body."""
    return Table(
        card_id="reports-panel",
        title=gettext_lazy("Weekly reports"),
        actions_template="projects/_reports_panel_actions.html",
        body_template="projects/_reports_panel_due.html",
        footer_template="projects/_reports_panel_more.html",
        mobile=True,
        columns=(
            Column(gettext_lazy("Week"), _report_week),
            _wan_column(gettext_lazy("This week (万元)"), "invested_this_week"),
            _wan_column(gettext_lazy("Cumulative (万元)"), "cumulative_invested"),
            Column(
                gettext_lazy("Complete"),
                lambda report: f"{report.percent_complete}%",
                css="num",
                head_css="text-end",
            ),
            Column(
                gettext_lazy("Progress"),
                _progress,
                default=DASH,
            ),
            # Drawn in Python: a template per cell cost the page a millisecond (issue 11).
            Column(gettext_lazy("Photos"), _report_photos()),
            Column(gettext_lazy("Problems"), _report_problems(problems_url)),
        ),
        empty=gettext_lazy("No weekly report yet.")
        if monitored
        else gettext_lazy("Not under weekly scheduling in its present state."),
        empty_body=not monitored,
        row_attrs=lambda report: {"class": "report-row", "data-week": report.iso_week},
    )
