"""The enterprise register's table and an enterprise's figures over the years, drawn by
`tables/table.html` (`jinmu.core.tables`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy

from jinmu.core.markup import format_html
from jinmu.core.money import wan_text
from jinmu.core.tables import Column, Table
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus
from jinmu.enterprises.models import Enterprise

DASH = "—"


# Every cell of the register is drawn in Python: a small template per cell cost a 50-row page
# about a fifth of its time (bench/RESULTS.md, issue 11).
def _code(enterprise: Enterprise) -> SafeString:
    """The credit code, in monospace."""
    return format_html("<code>{}</code>", enterprise.uscc)


@functools.lru_cache(maxsize=2048)
def _short_name(name: str, language: str | None) -> str:
    """An industry's name cut to 12 characters (in `language`, whose ellipsis it ends with):
    the few hundred names of the reference data are cut once, not on every row."""
    return Truncator(name).chars(12)


def _industry(enterprise: Enterprise) -> SafeString | str:
    """The industry's code and short name (the whole name on hover)."""
    industry = enterprise.industry
    if industry is None:
        return DASH
    return format_html(
        '<span title="{}">{} {}</span>',
        industry.name,
        industry.code,
        _short_name(industry.name, get_language()),
    )


def _badged(text: Any, css: str, *, badge: bool) -> SafeString:
    """`text` as a badge of `css` when `badge`, else plain."""
    if badge:
        return format_html('<span class="badge {}">{}</span>', css, text)
    return format_html("{}", text)


def _scale(enterprise: Enterprise) -> SafeString:
    """The scale; above designated size (规上) as a blue badge."""
    above = enterprise.scale == EnterpriseScale.ABOVE
    return _badged(enterprise.get_scale_display(), "bg-blue-lt", badge=above)


def _status(enterprise: Enterprise) -> SafeString:
    """The status; any but operating as a grey badge."""
    operating = enterprise.status == EnterpriseStatus.OPERATING
    return _badged(enterprise.get_status_display(), "bg-secondary-lt", badge=not operating)


def _revenue(enterprise: Enterprise) -> SafeString:
    """The latest revenue in 万元, with its year."""
    year = getattr(enterprise, "latest_year", None)
    return format_html(
        "{}{}",
        wan_text(getattr(enterprise, "latest_revenue", None)),
        format_html(' <small class="text-secondary">({})</small>', year) if year else "",
    )


def _place(enterprise: Enterprise) -> str:
    """The enterprise's town, and its park when it has one."""
    if enterprise.park:
        return f"{enterprise.region.name} · {enterprise.park.name}"
    return str(enterprise.region.name)


ENTERPRISES = Table(
    columns=(
        Column(gettext_lazy("Name"), "name", link=lambda enterprise: enterprise.get_absolute_url()),
        Column(gettext_lazy("Credit code"), _code),
        Column(gettext_lazy("Town / park"), _place),
        Column(gettext_lazy("Industry"), _industry),
        Column(gettext_lazy("Scale"), _scale),
        Column(gettext_lazy("Status"), _status),
        Column(gettext_lazy("Latest revenue (10k yuan)"), _revenue, css="num", head_css="text-end"),
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
