"""The tables of the project pages (the ledger, a project list, the renovation coverage, the
missing and late weekly reports, the project lists, a project's approval items, milestones and
baselines, the sections of the portfolio board), drawn by `tables/table.html` or, inside a card
of the page's own, `tables/grid.html` (`jinmu.core.tables`).

Tables whose columns depend on the request (a year in a heading, a column only curators or
editors see) are built by a function of what they depend on; the others are declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.markup import format_html
from jinmu.core.money import wan_text, yi_text
from jinmu.core.tables import (
    Accessor,
    BoundTable,
    Column,
    Table,
    money_column,
    resolve,
    url,
)
from jinmu.projects.queries import BOARD_LIGHTS
from jinmu.projects.templatetags.project_lights import light_button, light_dot, light_label

DASH = "—"
CELLS = "projects/cells/"
# A count of none, greyed; constant markup.
_GREY_ZERO = mark_safe('<span class="text-secondary">0</span>')


# The busiest cells are drawn in Python: a small template per cell of a 50-row page costs the
# list several milliseconds (bench/RESULTS.md, issues 10 and 11).
# A pk no row has, reversed in its place by `pk_url`.
_PK_MARK = "7364019258"


def pk_url(viewname: str) -> Callable[[Any], str]:
    """`reverse(viewname, args=[pk])` for any row's pk, reversed once: a reverse per row cost
    a 25-row list about a millisecond. Made per request (the address carries the request's
    script prefix)."""
    head, _mark, tail = reverse(viewname, args=[_PK_MARK]).partition(_PK_MARK)
    return lambda pk: f"{head}{pk}{tail}"


def _linked_name(
    viewname: str, under: Accessor, url_of: Callable[[Any], str] | None = None
) -> Callable[[Any], SafeString]:
    """A row's name linked to `viewname` (with the row's pk; `url_of(pk)` when given, see
    `pk_url`), with `under`'s value in small text under it (nothing when empty)."""

    def draw(row: Any) -> SafeString:
        text = resolve(row, under)
        return format_html(
            '<a href="{}">{}</a>{}',
            url_of(row.pk) if url_of is not None else reverse(viewname, args=[row.pk]),
            row.name,
            format_html('<div class="small text-secondary">{}</div>', text) if text else "",
        )

    return draw


def _name_with(
    accessor: str, url_of: Callable[[Any], str] | None = None
) -> Callable[[Any], SafeString]:
    """A project's name linked to its record, with `accessor`'s value in small text under it."""
    return _linked_name("projects:detail", accessor, url_of)


# The light of a project on a list, as a pale badge (no reasons).
_PALE_LIGHTS = {"red": "bg-red-lt", "yellow": "bg-yellow-lt", "green": "bg-green-lt"}


def _pale_light(project: Any) -> SafeString | str:
    """The project's light as a pale badge; "—" for none."""
    if not project.light:
        return DASH
    return format_html(
        '<span class="badge {}">{}</span>',
        _PALE_LIGHTS.get(project.light, "bg-secondary-lt"),
        project.get_light_display(),
    )


def _responsible(project: Any) -> str:
    """The responsible unit, and the person when one is named."""
    unit = project.responsible_unit.name if project.responsible_unit else ""
    person = project.responsible_person
    return f"{unit or DASH} · {person}" if person else unit or DASH


def _status(project: Any) -> SafeString:
    """The status; a terminated project's as a grey badge."""
    if project.status == "terminated":
        return format_html('<span class="badge bg-secondary-lt">{}</span>', project.status_label)
    return format_html("{}", project.status_label)


def _investment(project: Any) -> str:
    """The total investment in 亿元 from 1亿 up, else in 万元."""
    amount = project.total_investment
    if amount is None:
        return DASH
    if project.over_100m:
        return f"{yi_text(amount)} {gettext('100m yuan')}"
    return f"{wan_text(amount)} {gettext('10k yuan')}"


def _place(project: Any) -> str:
    """The project's town, and its park when it has one (`queries.ledger.list_rows`)."""
    if project.park_id is not None:
        return f"{project.region_name} · {project.park_name}"
    return str(project.region_name)


def _year_figures(project: Any) -> str:
    """What the project invested this year against its plan, in 万元."""
    return f"{wan_text(project.invested_this_year)} / {wan_text(project.plan_this_year)}"


def ledger_table(year: int) -> Table:
    """The project ledger (rows of `queries.ledger.list_rows`); `year` heads the column of
    this year's investment."""
    reasons_url = pk_url("projects:light_reasons")
    return Table(
        columns=(
            Column(gettext_lazy("Name"), _name_with("code", pk_url("projects:detail"))),
            Column(gettext_lazy("Kind"), "kind_label"),
            Column(gettext_lazy("Level"), "level_label", default=DASH),
            Column(gettext_lazy("Status"), _status),
            Column(gettext_lazy("Town / park"), _place),
            Column(gettext_lazy("Chain"), "chain_name", default=DASH),
            Column(
                gettext_lazy("Total investment"),
                _investment,
                css="num",
                head_css="text-end",
            ),
            Column(
                gettext("Invested in %(year)s / plan (10k yuan)") % {"year": year},
                _year_figures,
                css="num",
                head_css="text-end",
            ),
            Column(
                gettext_lazy("Complete"),
                lambda project: f"{project.percent_complete}%",
                css="num",
                head_css="text-end",
            ),
            Column(gettext_lazy("Last report"), "last_week_label", default=DASH),
            Column(gettext_lazy("Light"), lambda row: light_button(row, reasons_url(row.pk))),
            Column(gettext_lazy("Responsible unit"), "responsible_unit_name", default=DASH),
        ),
        empty=gettext_lazy("No projects match."),
        title=gettext_lazy("%(n)s projects"),
        actions_template="projects/_project_table_actions.html",
        mobile=True,
        hx_target="#project-results",
    )


_TAG_PROJECTS = Table(
    id="tag-projects",
    columns=(
        Column(gettext_lazy("Project"), _name_with("enterprise.name")),
        Column(gettext_lazy("Kind"), "get_kind_display", css="text-nowrap"),
        Column(gettext_lazy("Status"), "get_status_display", css="text-nowrap"),
        Column(gettext_lazy("Town"), "region.name", css="text-nowrap"),
        money_column(gettext_lazy("Total investment (100m yuan)"), "total_investment", yi_text),
        Column(gettext_lazy("Light"), _pale_light, css="text-nowrap"),
    ),
    empty=gettext_lazy("No projects on this list."),
    row_attrs=lambda project: {"data-project": project.pk},
)
_REMOVE_FROM_TAG = Column(template=CELLS + "tag_remove.html", css="text-end")


def tag_projects_table(*, can_curate: bool) -> Table:
    """The projects on a list; curators get a column of "Remove" buttons."""
    return _TAG_PROJECTS.with_column(_REMOVE_FROM_TAG, when=can_curate)


TAGS = Table(
    id="tag-table",
    columns=(
        Column(gettext_lazy("List"), _linked_name("projects:tag", "description")),
        Column(gettext_lazy("Projects"), "project_count", align="num", css="tag-count"),
        money_column(gettext_lazy("Total investment (100m yuan)"), "project_amount", yi_text),
        Column(gettext_lazy("Last updated"), "updated_at", date="Y-m-d", css="text-nowrap small"),
    ),
    empty=gettext_lazy("No project lists yet."),
    row_attrs=lambda tag: {"data-tag": tag.pk},
)


def coverage_table(*, year: int, with_project: bool) -> Table:
    """The enterprises of the renovation coverage; those with a project show the projects of
    `year`."""
    columns = [
        Column(gettext_lazy("Enterprise"), _linked_name("enterprises:detail", "park")),
        Column(gettext_lazy("Town"), "region.name", css="text-nowrap"),
    ]
    if with_project:
        columns.append(
            Column(
                gettext("Renovation projects of %(year)s") % {"year": year},
                template=CELLS + "renovations.html",
                css="small",
            )
        )
    return Table(
        id="coverage-table",
        columns=columns,
        empty=gettext_lazy("No enterprises."),
        actions_template="projects/_coverage_tabs.html",
    )


MISSING_REPORTS = Table(
    card_id="missing-reports",
    card_css="card mb-3",
    title=gettext_lazy("Missing reports"),
    mobile=True,
    columns=(
        Column(gettext_lazy("Project"), _name_with("enterprise.name")),
        Column(gettext_lazy("Town"), "region.name"),
        Column(gettext_lazy("Responsible unit"), _responsible),
        Column(gettext_lazy("Latest report"), "last_report_week", date="Y-m-d", default=DASH),
        Column(template=CELLS + "report_button.html"),
    ),
    empty=gettext_lazy("No report is missing."),
)
LATE_REPORTS = Table(
    card_id="late-reports",
    title=gettext_lazy("Late reports"),
    mobile=True,
    columns=(
        Column(gettext_lazy("Project"), "project.name", link=url("projects:detail", "project_id")),
        Column(gettext_lazy("Town"), "project.region.name"),
        Column(gettext_lazy("Submitted"), "submitted_at", date="Y-m-d H:i"),
        Column(gettext_lazy("By"), "submitted_by", default=DASH),
    ),
    empty=gettext_lazy("No late report."),
)


def _days_late_attrs(row: Any) -> dict[str, str]:
    """Days late in red when there are any."""
    return {"class": "num text-red"} if row.days_late else {}


_APPROVALS = Table(
    css="table table-vcenter card-table table-sm",
    title=gettext_lazy("Approval items"),
    card_css="card mb-3",
    columns=(
        Column(gettext_lazy("Approval"), template=CELLS + "approval_name.html"),
        Column(gettext_lazy("Approving unit"), "item.authority", default=DASH),
        Column(
            gettext_lazy("Planned"),
            "item.planned_on",
            date="Y-m-d",
            default=DASH,
            css="text-nowrap",
        ),
        Column(
            gettext_lazy("Actual"), "item.actual_on", date="Y-m-d", default=DASH, css="text-nowrap"
        ),
        Column(gettext_lazy("Days late"), "days_late", align="num", attrs=_days_late_attrs),
        Column(gettext_lazy("State"), "state", template=CELLS + "approval_state.html"),
        Column(gettext_lazy("Note"), "item.note", css="small"),
    ),
    empty=gettext_lazy("No approval items yet."),
    row_attrs=lambda row: {"data-kind": row.item.kind},
)
_EDIT_APPROVAL = Column(template=CELLS + "approval_edit.html", css="no-print", head_css="no-print")


def approvals_table(*, can_edit: bool) -> Table:
    """A project's approval items; editors get a column of "Edit" links."""
    return _APPROVALS.with_column(_EDIT_APPROVAL, when=can_edit)


def _day(day: Any, default: str = "") -> str:
    """A date as Y-m-d (its ISO form), `default` for none."""
    return day.isoformat() if day else default


def _span(start: Any, end: Any, default: str = "") -> str:
    """Two days as "start – end" (Y-m-d), `default` for a missing one."""
    return f"{_day(start, default)} – {_day(end, default)}"


def _baseline_span(item: Any) -> SafeString:
    """A milestone's dates in the baseline, with how far re-planning moved its end."""
    row = item["row"]
    if not row.baseline_start:
        return format_html('<span class="text-secondary">{}</span>', gettext("not in baseline"))
    slip = row.slip_days
    if not slip:
        return format_html("{}", _span(row.baseline_start, row.baseline_end))
    return format_html(
        '{} <span class="text-orange">({}{}{})</span>',
        _span(row.baseline_start, row.baseline_end),
        "+" if slip > 0 else "",
        slip,
        gettext("d"),
    )


def _milestone(accessor: str) -> str:
    """The path of a milestone's field in a row of the battle map's table."""
    return "row.milestone." + accessor


_SMALL_DATES = "text-nowrap small"


def _edit_milestone(frozen: bool) -> Column:
    """The editors' column of links to each milestone's form: "Record actuals" while the plan
    is `frozen` (approved), "Edit" otherwise."""
    text = gettext("Record actuals") if frozen else gettext("Edit")

    def draw(item: Any) -> SafeString:
        milestone = item["row"].milestone
        return format_html(
            '<a class="btn btn-sm" href="{}">{}</a>',
            reverse("projects:milestone_edit", args=[milestone.project_id, milestone.pk]),
            text,
        )

    return Column(accessor=draw, css="no-print", head_css="no-print")


def milestones_table(*, baseline: int | None, can_edit: bool, frozen: bool) -> Table:
    """The battle map's milestones (rows of `row`, `number`, `state_label` and `state_class`);
    `baseline` (the compared baseline's number) heads its column; editors get a column of
    links to the milestones' forms (for actual dates only while the plan is `frozen`)."""
    return Table(
        card_id="milestones",
        card_css="card mb-3",
        title=gettext_lazy("Milestones"),
        css="table table-vcenter card-table table-sm",
        columns=(
            Column("#", "number", css="text-secondary"),
            Column(gettext_lazy("Milestone"), _milestone("name")),
            Column(gettext_lazy("Owner unit"), _milestone("owner_unit"), default=DASH),
            Column(
                gettext_lazy("Weight"),
                lambda item: floatformat(item["row"].milestone.weight, "-2"),
                align="num",
            ),
            Column(
                gettext_lazy("Baseline")
                if baseline is None
                else gettext("Baseline %(number)s") % {"number": baseline},
                _baseline_span,
                css=_SMALL_DATES,
            ),
            Column(
                gettext_lazy("Plan"),
                lambda item: _span(
                    item["row"].milestone.planned_start, item["row"].milestone.planned_end
                ),
                css=_SMALL_DATES,
            ),
            Column(
                gettext_lazy("Actual"),
                lambda item: _span(
                    item["row"].milestone.actual_start, item["row"].milestone.actual_end, DASH
                ),
                css=_SMALL_DATES,
            ),
            Column(
                gettext_lazy("Days late"),
                "row.days_late",
                align="num",
                attrs=lambda item: _days_late_attrs(item["row"]),
            ),
            Column(
                gettext_lazy("State"),
                lambda item: format_html(
                    '<span class="badge {}">{}</span>', item["state_class"], item["state_label"]
                ),
            ),
        ),
        empty=gettext_lazy("No milestones yet."),
        footer_template="projects/_plan_removed.html",
    ).with_column(_edit_milestone(frozen), when=can_edit)


def baselines_table(*, chosen: int | None) -> Table:
    """A project's approved baselines; the one the plan is compared with is highlighted."""
    return Table(
        card_id="baselines",
        card_css="card mb-3",
        title=gettext_lazy("Baselines"),
        css="table table-vcenter card-table table-sm",
        columns=(
            Column(
                gettext_lazy("Baseline"),
                lambda baseline: format_html(
                    '<a href="?baseline={}">{}</a>',
                    baseline.number,
                    gettext("Baseline %(number)s") % {"number": baseline.number},
                ),
            ),
            Column(gettext_lazy("Approved by"), "approved_by", default=DASH),
            Column(gettext_lazy("Approved at"), "approved_at", date="Y-m-d H:i", css="text-nowrap"),
            Column(gettext_lazy("Requested by"), "requested_by", default=DASH),
            Column(
                gettext_lazy("Reason"),
                lambda baseline: linebreaksbr(baseline.reason or DASH, autoescape=True),
            ),
            Column(
                gettext_lazy("Milestones"),
                lambda baseline: len(baseline.milestones or []),
                align="num",
            ),
        ),
        empty=gettext_lazy("No baseline yet: the plan has not been approved."),
        row_attrs=lambda baseline: {"class": "table-active" if baseline.number == chosen else None},
    )


# -- the portfolio board: a section's counts by light, each linked to the projects it counts.


def _light_count(index: int) -> Callable[[Any], Any]:
    """The count of a board row's `index`-th light: linked to its projects, a grey 0 for
    none."""

    def draw(row: Any) -> Any:
        cell = row.cells[index]
        if cell.count and cell.url:
            return format_html('<a href="{}">{}</a>', cell.url, cell.count)
        return cell.count or _GREY_ZERO

    return draw


def _light_attrs(index: int) -> Callable[[Any], dict[str, str]]:
    """The light of a board row's `index`-th count, on its cell."""
    return lambda row: {"data-light": row.cells[index].light}


def board_section_table(section: Any) -> BoundTable:
    """A section of the portfolio board (by town, chain, kind or unit): a row per value with
    its count per light and in all, and the section's total row under them."""
    lights = [
        Column(
            format_html(
                '{}<span class="d-none d-sm-inline ms-1">{}</span>',
                light_dot(light),
                light_label(light),
            ),
            _light_count(index),
            align="num",
            attrs=_light_attrs(index),
        )
        for index, light in enumerate(BOARD_LIGHTS)
    ]
    return Table(
        css="table table-vcenter card-table table-sm",
        columns=(
            Column(format_html('<span class="visually-hidden">{}</span>', section.title), "label"),
            *lights,
            Column(gettext_lazy("Total"), "total", align="num", css="fw-bold"),
        ),
        empty=gettext_lazy("Nothing to count."),
        row_attrs=lambda row: {"data-key": row.key},
        foot_template=CELLS + "board_total.html",
    ).of(section.rows)


# -- an attraction lead's deadlines (the weekly reports' panel draws its table in
# `templatetags.project_reports`).


LEAD_DEADLINES = Table(
    columns=(
        Column(gettext_lazy("Lead deadline"), "label"),
        Column(gettext_lazy("Due on"), "due_on", date="Y-m-d", css="text-nowrap"),
        Column(gettext_lazy("Done on"), "done_on", date="Y-m-d", default=DASH, css="text-nowrap"),
        Column(gettext_lazy("State"), template=CELLS + "deadline_state.html"),
    ),
    empty="",
)
