"""The enterprise register's table and an enterprise's figures over the years, drawn by
`tables/table.html` (`jinmu.core.tables`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.money import wan_text
from jinmu.core.tables import Column, Table
from jinmu.enterprises.models import Enterprise

CELLS = "enterprises/cells/"


def _place(enterprise: Enterprise) -> str:
    """The enterprise's town, and its park when it has one."""
    if enterprise.park:
        return f"{enterprise.region.name} · {enterprise.park.name}"
    return str(enterprise.region.name)


ENTERPRISES = Table(
    columns=(
        Column(gettext_lazy("Name"), "name", link=lambda enterprise: enterprise.get_absolute_url()),
        Column(gettext_lazy("Credit code"), "uscc", template="tables/cells/code.html"),
        Column(gettext_lazy("Town / park"), _place),
        Column(gettext_lazy("Industry"), template=CELLS + "industry.html"),
        Column(gettext_lazy("Scale"), template=CELLS + "scale.html"),
        Column(gettext_lazy("Status"), template=CELLS + "status.html"),
        Column(
            gettext_lazy("Latest revenue (10k yuan)"),
            template=CELLS + "revenue.html",
            css="num",
            head_css="text-end",
        ),
    ),
    empty=gettext_lazy("No enterprises match."),
    title=gettext_lazy("%(n)s enterprises"),
    # Export and import, for editors: in the swapped fragment, so the export carries the filters.
    actions_template="enterprises/_table_actions.html",
    mobile=True,
    hx_target="#enterprise-results",
)


def _figure_label(row: dict[str, Any]) -> SafeString:
    """A figure's name, with its unit when it is money (万元)."""
    if row["kind"] == "money":
        unit = gettext("10k yuan")
        return format_html('{} <small class="text-secondary">({})</small>', row["label"], unit)
    return format_html("{}", row["label"])


def _figure_value(index: int) -> Callable[[dict[str, Any]], Any]:
    """The figure of the year in column `index`: money in 万元, "—" for a missing value."""

    def value(row: dict[str, Any]) -> Any:
        figure = row["values"][index]
        if row["kind"] == "money":
            return wan_text(figure)
        return "—" if figure is None else figure

    return value


def figures_table(years: Sequence[int]) -> Table:
    """An enterprise's figures over `years` (rows of `label`, `kind` and one value per year),
    under the figures chart; the empty text alone when no year has figures."""
    return Table(
        columns=(
            Column(gettext_lazy("Figure"), _figure_label, css="text-nowrap"),
            *(
                Column(str(year), _figure_value(index), css="num", head_css="text-end")
                for index, year in enumerate(years)
            ),
        ),
        empty=gettext_lazy("No figures recorded yet."),
        title=gettext_lazy("Figures over the years"),
        css="table table-vcenter card-table table-sm",
        body_template="enterprises/_figures_chart.html",
        empty_body=True,
    )
