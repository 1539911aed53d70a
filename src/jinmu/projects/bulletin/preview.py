"""The weekly bulletin's page (its preview): bare bordered tables whose columns are those of the
Word document (`bulletin.columns`), drawn by `tables/grid.html` (`jinmu.core.tables`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.money import DASH
from jinmu.core.tables import Accessor, Column, Table, badged
from jinmu.projects.bulletin.columns import LISTS, TOTALS
from jinmu.projects.bulletin.content import WeeklyBulletin


def _bulletin_column(key: str, accessor: Accessor | None = None, **options: Any) -> Column:
    """The bulletin's column `key` (heading and alignment as in the .docx); its cells show
    `accessor` when given, else the .docx's text."""
    spec = LISTS[key]
    return Column(spec.label, accessor or spec.text, align="num" if spec.right else "", **options)


def _flagged_name(project: Any) -> Any:
    """The project's name, marked when its light was set by hand."""
    if not project.overridden:
        return project.name
    return badged(project.name, gettext("overridden"), title=gettext("The light was set by hand."))


def _reasons(project: Any) -> SafeString | str:
    """The light's reasons, one a line; a dash for none."""
    return format_html_join("", "<div>{}</div>", ((r,) for r in project.reasons)) or DASH


def _problem_status(problem: Any) -> str:
    """The problem's status, marked when it is overdue."""
    if problem.overdue:
        return f"{problem.status_label} · {gettext('overdue')}"
    return str(problem.status_label)


_BULLETIN = Table(columns=(), empty="", css="table table-sm table-bordered")
_UNIT = _bulletin_column("unit", "responsible_unit", default=DASH)
_TOWN = _bulletin_column("town", css="text-nowrap")

BULLETIN_TOTALS = replace(
    _BULLETIN,
    columns=tuple(
        Column(c.label, c.text, align="num")
        if c.right
        else Column(c.label, c.text, css="text-nowrap")
        for c in TOTALS
    ),
)
BULLETIN_NEW_STARTS = replace(
    _BULLETIN,
    columns=(
        _bulletin_column("project"),
        _bulletin_column("kind"),
        _bulletin_column("town"),
        _UNIT,
        _bulletin_column("investment"),
        _bulletin_column("started_on", css="text-nowrap"),
    ),
    empty=gettext_lazy("No project started works this week."),
)
BULLETIN_FLAGGED = replace(
    _BULLETIN,
    columns=(
        _bulletin_column("project", _flagged_name),
        _TOWN,
        _UNIT,
        _bulletin_column("reasons", _reasons, css="small"),
    ),
    empty=gettext_lazy("None."),
)
BULLETIN_PROBLEMS = replace(
    _BULLETIN,
    columns=(
        _bulletin_column("problem"),
        _bulletin_column("problem_project"),
        _bulletin_column("raised_on", css="text-nowrap"),
        _bulletin_column("due_on", css="text-nowrap"),
        _bulletin_column("status", _problem_status, css="text-nowrap"),
    ),
    row_attrs=lambda problem: {"class": "table-danger" if problem.overdue else None},
)
BULLETIN_MISSING = replace(
    _BULLETIN,
    columns=(_TOWN, _UNIT, _bulletin_column("missing"), _bulletin_column("missing_projects")),
    empty=gettext_lazy("Every monitored project reported for the week."),
)
BULLETIN_LATE = replace(
    _BULLETIN,
    columns=(
        _bulletin_column("project"),
        _TOWN,
        _UNIT,
        _bulletin_column("submitted_at", "submitted_at", date="Y-m-d H:i", css="text-nowrap"),
    ),
    empty=gettext_lazy("No report came in late."),
)


def bulletin_tables(bulletin: WeeklyBulletin) -> dict[str, Any]:
    """The preview's tables of `bulletin`: the totals by kind (the overall row in bold), the
    lists, and each unit's problems (pairs of the unit's group and its table)."""
    overall = bulletin.overall
    return {
        "totals": BULLETIN_TOTALS.of(
            [*bulletin.totals, overall],
            row_attrs=lambda t: {"class": "fw-bold" if t is overall else None},
        ),
        "new_starts": BULLETIN_NEW_STARTS.of(bulletin.new_starts),
        "red": BULLETIN_FLAGGED.of(bulletin.red),
        "yellow": BULLETIN_FLAGGED.of(bulletin.yellow),
        "problems": [
            (group, BULLETIN_PROBLEMS.of(group.problems)) for group in bulletin.problems_by_unit
        ],
        "missing": BULLETIN_MISSING.of(bulletin.missing),
        "late": BULLETIN_LATE.of(bulletin.late),
    }
