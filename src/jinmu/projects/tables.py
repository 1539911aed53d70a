"""The tables of the project lists (the ledger, a project list, the renovation coverage, the
missing and late weekly reports, the project lists and a project's approval items), drawn by
`tables/table.html` (`jinmu.core.tables`).

Tables whose columns depend on the request (a year in a heading, a column only curators or
editors see) are built by a function of what they depend on; the others are declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.money import wan_text, yi_text
from jinmu.core.tables import Column, Table, money_column, resolve, url

DASH = "—"
CELLS = "projects/cells/"

# A project's name linked to its record, with the column's value (its code, its enterprise)
# in small text under it.
_PROJECT_NAME = CELLS + "project_name.html"


# The ledger's busiest cells are drawn in Python: a small template per cell of a 50-row page
# costs the list several milliseconds (bench/RESULTS.md, issue 10).
def _name_with(accessor: str) -> Callable[[Any], SafeString]:
    """A project's name linked to its record, with `accessor`'s value in small text under it."""

    def draw(project: Any) -> SafeString:
        under = resolve(project, accessor)
        return format_html(
            '<a href="{}">{}</a>{}',
            reverse("projects:detail", args=[project.pk]),
            project.name,
            format_html('<div class="small text-secondary">{}</div>', under) if under else "",
        )

    return draw


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
    """The project's town, and its park when it has one."""
    if project.park:
        return f"{project.region.name} · {project.park.name}"
    return str(project.region.name)


def _year_figures(project: Any) -> str:
    """What the project invested this year against its plan, in 万元."""
    return f"{wan_text(project.invested_this_year)} / {wan_text(project.plan_this_year)}"


def ledger_table(year: int) -> Table:
    """The project ledger; `year` heads the column of this year's investment."""
    return Table(
        columns=(
            Column(gettext_lazy("Name"), _name_with("code")),
            Column(gettext_lazy("Kind"), "kind_label"),
            Column(gettext_lazy("Level"), "level_label", default=DASH),
            Column(gettext_lazy("Status"), _status),
            Column(gettext_lazy("Town / park"), _place),
            Column(gettext_lazy("Chain"), "chain.name", default=DASH),
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
            Column(gettext_lazy("Light"), template=CELLS + "light.html"),
            Column(gettext_lazy("Responsible unit"), "responsible_unit.name", default=DASH),
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
        Column(gettext_lazy("Project"), "enterprise.name", template=_PROJECT_NAME),
        Column(gettext_lazy("Kind"), "get_kind_display", css="text-nowrap"),
        Column(gettext_lazy("Status"), "get_status_display", css="text-nowrap"),
        Column(gettext_lazy("Town"), "region.name", css="text-nowrap"),
        money_column(gettext_lazy("Total investment (100m yuan)"), "total_investment", yi_text),
        Column(gettext_lazy("Light"), template=CELLS + "light_tag.html", css="text-nowrap"),
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
        Column(gettext_lazy("List"), template=CELLS + "tag_name.html"),
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
        Column(gettext_lazy("Enterprise"), template=CELLS + "enterprise_name.html"),
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
        Column(gettext_lazy("Project"), "enterprise.name", template=_PROJECT_NAME),
        Column(gettext_lazy("Town"), "region.name"),
        Column(gettext_lazy("Responsible unit"), template=CELLS + "responsible.html"),
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


def baselines_table(*, chosen: int | None) -> Table:
    """A project's approved baselines; the one the plan is compared with is highlighted."""
    return Table(
        card_id="baselines",
        card_css="card mb-3",
        title=gettext_lazy("Baselines"),
        css="table table-vcenter card-table table-sm",
        columns=(
            Column(gettext_lazy("Baseline"), template=CELLS + "baseline_link.html"),
            Column(gettext_lazy("Approved by"), "approved_by", default=DASH),
            Column(gettext_lazy("Approved at"), "approved_at", date="Y-m-d H:i", css="text-nowrap"),
            Column(gettext_lazy("Requested by"), "requested_by", default=DASH),
            Column(gettext_lazy("Reason"), "reason", template=CELLS + "reason.html"),
            Column(
                gettext_lazy("Milestones"),
                lambda baseline: len(baseline.milestones or []),
                align="num",
            ),
        ),
        empty=gettext_lazy("No baseline yet: the plan has not been approved."),
        row_attrs=lambda baseline: {"class": "table-active" if baseline.number == chosen else None},
    )
