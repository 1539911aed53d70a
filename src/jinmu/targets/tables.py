"""The tables of the target pages (a target's month-end snapshots, its reported values or the
items behind its number, and a department's recent values), drawn by `tables/table.html`
(`jinmu.core.tables`). Each shows its empty text alone in the card body, as the cards did."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy

from jinmu.core.money import wan_text
from jinmu.core.tables import Column, Table
from jinmu.targets.templatetags.target_progress import percent, plain, status_badge

CELLS = "targets/cells/"
_MONTH = Column(gettext_lazy("Month"), "month", date="Y-m", css="text-nowrap")


def _reporter(row: Any) -> SafeString:
    """Who reported a value: the unit, and the user after a dot."""
    unit = row.reporting_unit.name if row.reporting_unit is not None else ""
    if row.reported_by:
        return format_html("{} · {}", unit, row.reported_by)
    return format_html("{}", unit)


def _number(label: Any, accessor: str, text: Any = plain) -> Column:
    """A right-aligned number of a snapshot (`text` shows it)."""
    return Column(label, lambda row: text(getattr(row, accessor)), align="end")


_REPORTED_BY = Column(gettext_lazy("Reported by"), _reporter, css="small text-secondary")

SNAPSHOTS = Table(
    columns=(
        _MONTH,
        _number(gettext_lazy("Measured"), "measured"),
        _number(gettext_lazy("Reached"), "progress", percent),
        _number(gettext_lazy("序时"), "expected", percent),
        Column(gettext_lazy("Status"), lambda row: status_badge(row.status)),
        _number(gettext_lazy("Forecast"), "forecast"),
    ),
    empty=gettext_lazy("No month-end snapshot has been taken yet."),
    title=gettext_lazy("At each month's end"),
    card_id="snapshots",
    card_css="card h-100",
    empty_body=True,
    row_attrs=lambda row: {"data-snapshot": f"{row.month:%Y-%m}"},
)

REPORTED = Table(
    columns=(
        _MONTH,
        Column(
            gettext_lazy("Value"),
            template=CELLS + "reported_value.html",
            align="end",
            css="text-nowrap",
        ),
        Column(gettext_lazy("Evidence"), lambda row: linebreaksbr(row.evidence)),
        _REPORTED_BY,
    ),
    empty=gettext_lazy("No value has been reported for this period yet."),
    title=gettext_lazy("Reported values"),
    card_id="items",
    card_css="card h-100",
    empty_body=True,
)

_ITEM_AMOUNT = Column(
    gettext_lazy("Amount (10k yuan)"),
    lambda row: wan_text(row["item"].amount),
    align="end",
    css="text-nowrap",
)


def items_table(*, amounts: bool) -> Table:
    """The items behind a target's number (rows of `item` and `url`), with their amounts when
    any item has one."""
    return ITEMS.with_column(_ITEM_AMOUNT, when=amounts)


ITEMS = Table(
    columns=(
        Column(gettext_lazy("Name"), "item.name", link=lambda row: row.get("url") or ""),
        Column(gettext_lazy("Date"), "item.date", date="Y-m-d", css="text-nowrap"),
    ),
    empty=gettext_lazy("Nothing counts towards this target yet."),
    title=gettext_lazy("Behind the number"),
    actions_template="targets/_items_count.html",
    card_id="items",
    card_css="card h-100",
    wrap_css="table-responsive mh-28",
    empty_body=True,
    row_attrs=lambda row: {"data-item": True},
)

RECENT = Table(
    columns=(
        Column(gettext_lazy("Indicator"), "indicator.name"),
        _MONTH,
        Column(
            gettext_lazy("Value"),
            lambda row: f"{plain(row.value)}{row.indicator.unit}",
            align="end",
            css="text-nowrap",
        ),
        Column(
            gettext_lazy("Evidence"),
            lambda row: Truncator(row.evidence).chars(80),
            css="small",
        ),
        _REPORTED_BY,
        Column(template=CELLS + "correct.html", css="text-end"),
    ),
    empty=gettext_lazy("No value has been reported yet."),
    title=gettext_lazy("Recent values"),
    card_id="recent",
    empty_body=True,
)
