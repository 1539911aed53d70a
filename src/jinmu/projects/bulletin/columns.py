"""The columns of the bulletin's tables, defined once for the Word document and the page: each
column's heading, whether it is right-aligned (amounts, counts) and the text of a row in it.

The Word document writes `text` in every cell; the page (`jinmu.projects.tables`) takes the
heading and alignment and, where a cell shows more than text (a badge, a date in the local time
zone), draws that cell itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from jinmu.core.money import percent_text, wan_text, yi_text
from jinmu.projects.bulletin.text import date_text, problem_status, reasons_text


@dataclass(frozen=True)
class ListColumn:
    """One column of a bulletin table: its heading, alignment and a row's text in it."""

    label: Promise
    text: Callable[[Any], str]
    right: bool = False  # amounts and counts, right-aligned


def _count(accessor: str) -> Callable[[Any], str]:
    """A count as plain digits (as a template shows an int)."""
    return lambda row: str(attrgetter(accessor)(row))


# The totals by kind (rows of `KindTotals`), in order.
TOTALS = (
    ListColumn(gettext_lazy("Kind"), attrgetter("label")),
    ListColumn(gettext_lazy("Projects"), _count("count"), right=True),
    ListColumn(gettext_lazy("Under weekly scheduling"), _count("monitored"), right=True),
    ListColumn(
        gettext_lazy("Total investment (亿元)"), lambda t: yi_text(t.total_investment), right=True
    ),
    ListColumn(
        gettext_lazy("Planned this year (亿元)"), lambda t: yi_text(t.planned_year), right=True
    ),
    ListColumn(
        gettext_lazy("Completed this year (亿元)"), lambda t: yi_text(t.completed_year), right=True
    ),
    ListColumn(
        gettext_lazy("Completion"), lambda t: percent_text(t.completion_percent), right=True
    ),
    ListColumn(gettext_lazy("Due (序时)"), lambda t: percent_text(t.expected_percent), right=True),
    ListColumn(
        gettext_lazy("Completed this week (万元)"), lambda t: wan_text(t.completed_week), right=True
    ),
)

# The columns of the lists (new starts, red and yellow projects, a unit's problems, missing and
# late reports) by key.
LISTS = {
    "project": ListColumn(gettext_lazy("Project"), attrgetter("name")),
    "kind": ListColumn(gettext_lazy("Kind"), attrgetter("kind_label")),
    "town": ListColumn(gettext_lazy("Town"), attrgetter("town")),
    "unit": ListColumn(gettext_lazy("Responsible unit"), attrgetter("responsible_unit")),
    "investment": ListColumn(
        gettext_lazy("Total investment (万元)"), lambda s: wan_text(s.total_investment), right=True
    ),
    "started_on": ListColumn(gettext_lazy("Started on"), lambda s: date_text(s.started_on)),
    "reasons": ListColumn(gettext_lazy("Reasons"), reasons_text),
    "problem": ListColumn(gettext_lazy("Problem"), attrgetter("title")),
    "problem_project": ListColumn(gettext_lazy("Project"), attrgetter("project_name")),
    "raised_on": ListColumn(gettext_lazy("Raised on"), lambda p: date_text(p.raised_on)),
    "due_on": ListColumn(gettext_lazy("Due on"), lambda p: date_text(p.due_on)),
    "status": ListColumn(gettext_lazy("Status"), problem_status),
    "submitted_at": ListColumn(
        gettext_lazy("Submitted at"), lambda r: r.submitted_at.strftime("%Y-%m-%d %H:%M")
    ),
    # A group of missing reports (one town and responsible unit).
    "missing": ListColumn(gettext_lazy("Missing"), _count("count"), right=True),
    "missing_projects": ListColumn(
        gettext_lazy("Projects"), lambda g: "、".join(p.name for p in g.projects)
    ),
}
