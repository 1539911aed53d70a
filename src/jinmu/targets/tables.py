"""The tables of the target pages (a target's month-end snapshots, its reported values or the
items behind its number, and a department's recent values), drawn by `tables/table.html`
(`jinmu.core.tables`), and a target's parts. Each shows its empty text alone in the card body,
as the cards did."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.choices import UnitKind
from jinmu.core.markup import format_html
from jinmu.core.money import wan_text
from jinmu.core.tables import Column, Table, url
from jinmu.targets.queries import STATUS_ORDER
from jinmu.targets.templatetags.target_progress import (
    escape,
    percent,
    plain,
    progress_bar,
    status_badge,
    target_bar,
    target_value,
)

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


_DATE_COLUMN = Column(date="Y-m-d")


def _item_date(row: Any) -> str:
    """An item's day as Y-m-d: a date's ISO form (what the `date` filter gives of it, for a
    fraction of its cost on a 50-row list), a time in the current time zone."""
    day = row["item"].date
    if type(day) is dt.date:
        return day.isoformat()
    return str(_DATE_COLUMN.value(day))


def items_table(*, amounts: bool) -> Table:
    """The items behind a target's number (rows of `item` and `url`), with their amounts when
    any item has one."""
    return ITEMS.with_column(_ITEM_AMOUNT, when=amounts)


ITEMS = Table(
    columns=(
        Column(gettext_lazy("Name"), "item.name", link=lambda row: row.get("url") or ""),
        Column(gettext_lazy("Date"), _item_date, css="text-nowrap"),
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


def _part_progress(row: Any) -> SafeString:
    """A part's progress bar, with its shares done and due (序时)."""
    tp = row[1]
    return format_html(
        '{}<div class="small text-secondary">{} / {}</div>',
        target_bar(tp),
        percent(tp.progress),
        percent(tp.expected),
    )


def _part_number(label: Any, accessor: str) -> Column:
    """A right-aligned figure of a part's progress."""
    return Column(
        label, lambda row: plain(getattr(row[1], accessor)), align="end", css="text-nowrap"
    )


def _part_holder(target: Any) -> Any:
    """Who holds a part of `target` (its chain, unit or town), linked to the part's page; a
    chain or a unit other than a town is placed by its town when that is not the whole's
    region. Drawn in Python: a template per row cost the page a millisecond (issue 11)."""

    def draw(row: Any) -> SafeString:
        part = row[0]
        chain, unit, region = part.chain, part.responsible_unit, part.region
        name = chain.name if chain else unit.name if unit else region.name
        link = f'<a href="{escape(_detail_url(part.pk))}">{escape(name)}</a>'
        placed = chain or (unit and unit.kind != UnitKind.TOWN)
        if placed and part.region_id != target.region_id:
            link += f'\n<div class="small text-secondary">{escape(region.name)}</div>'
        return SafeString(link)

    return draw


_HELD_BY = gettext_lazy("Held by")
_PARTS = Table(
    columns=(
        Column(_HELD_BY),
        Column(
            gettext_lazy("Target"), lambda row: target_value(row[0]), align="end", css="text-nowrap"
        ),
        _part_number(gettext_lazy("Measured"), "measured"),
        Column(gettext_lazy("Progress / 序时"), _part_progress, head_css="w-25"),
        Column(gettext_lazy("Status"), lambda row: status_badge(row[1].status)),
        _part_number(gettext_lazy("Forecast"), "forecast"),
    ),
    empty=gettext_lazy("This target has not been decomposed."),
    title=gettext_lazy("Decomposition"),
    actions_template="targets/_parts_additive.html",
    card_id="parts",
    empty_body=True,
    row_attrs=lambda row: {"data-part": row[0].pk},
)


def parts_table(*, target: Any, summed: bool, can_manage: bool) -> Table:
    """A target's parts (pairs of a part and its progress), with the sum of the parts under
    them when `summed`; a manager is offered to decompose a target that has no parts."""
    empty: Any = _PARTS.empty
    if can_manage:
        empty = format_html(
            '{} <a href="{}">{}</a>',
            empty,
            reverse("targets:decompose", args=[target.pk]),
            gettext("Decompose it to towns, parks, departments or chains."),
        )
    columns = (Column(_HELD_BY, _part_holder(target)), *_PARTS.columns[1:])
    return replace(
        _PARTS,
        columns=columns,
        empty=empty,
        foot_template=CELLS + "parts_sum.html" if summed else "",
    )


# -- the board: each goal in a <tbody> of its own, its parts under it, shown on demand.


# Marks a part under its goal; constant markup, nothing from the data.
_PART_MARK = mark_safe('<span class="text-secondary" aria-hidden="true">↳ </span>')


# A target id no database reaches, standing for the id in a reversed URL.
_SOME_ID = 2_147_483_647


@lru_cache(maxsize=16)
def _detail_url_parts(prefix: str, urlconf: str | None, root: str) -> tuple[str, str]:
    """A target page's URL before and after the target's id (for a script prefix and URL
    configuration)."""
    head, _id, tail = reverse("targets:detail", args=[_SOME_ID]).partition(str(_SOME_ID))
    return head, tail


def _detail_url(pk: int) -> str:
    """A target page's URL: `reverse` once per URL configuration, not once per board row."""
    head, tail = _detail_url_parts(get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    return f"{head}{pk}{tail}"


def _goal(row: Any) -> SafeString:
    """A target's name linked to its page, with its period (when not the year) and condition."""
    target = row.target
    period = (
        f' <span class="badge bg-blue-lt ms-1">{escape(str(target.get_period_display()))}</span>'
        if target.period != "year"
        else ""
    )
    condition = (
        f'<div class="small text-secondary">{escape(target.condition)}</div>'
        if target.condition
        else ""
    )
    return SafeString(
        f"{_PART_MARK if row.depth else ''}"
        f'<a href="{escape(_detail_url(target.pk))}" data-goal>'
        f"{escape(target.name)}</a>{period}{condition}"
    )


_MISSING = format_html('<span class="text-secondary">{}</span>', "—")


def _figure(accessor: str) -> Any:
    """A figure of a row's progress with the target's unit; a grey dash when there is none."""

    def draw(row: Any) -> Any:
        value = getattr(row.progress, accessor)
        return _MISSING if value is None else f"{plain(value)}{row.target.unit}"

    return draw


def _shares(row: Any) -> SafeString:
    """The progress bar, with the shares done and due (序时)."""
    tp = row.progress
    done, expected = percent(tp.progress), percent(tp.expected)
    shares = gettext("%(done)s done · 序时 %(expected)s") % {"done": done, "expected": expected}
    return SafeString(
        f'{progress_bar(tp, done, expected)}<div class="small text-secondary mt-1" data-shares>'
        f"{escape(shares)}</div>"
    )


def _holder(row: Any) -> Any:
    """The unit holding the target (its short name); a grey dash for none."""
    holder = row.holder
    return _MISSING if holder is None else (holder.short_name or holder.name)


def _parts(row: Any) -> SafeString:
    """How many parts a target has: for a goal with parts, the button that shows them."""
    count = row.part_count
    if count and not row.depth:
        return SafeString(
            '<button type="button" class="btn btn-sm btn-ghost-primary px-2" @click="open = !open"'
            ' :aria-expanded="open.toString()"'
            f' aria-label="{escape(gettext("Show or hide the parts"))}">{count}'
            """ <span x-text="open ? '▴' : '▾'">▾</span></button>"""
        )
    if count:
        return SafeString(str(count))
    return SafeString('<span class="text-secondary">0</span>')


def _board_row_attrs(row: Any) -> dict[str, Any]:
    """A row's target and status; a part's row names its whole and shows on demand."""
    attrs: dict[str, Any] = {"data-target": row.target.pk, "data-status": row.progress.status}
    if row.depth:
        attrs.update(
            {
                "data-part-of": row.target.parent_id,
                "x-show": "open",
                "x-cloak": True,
                "class": "bg-secondary-lt",
            }
        )
    return attrs


BOARD = Table(
    columns=(
        Column(
            gettext_lazy("Goal"),
            _goal,
            head_css="mw-10",
            attrs=lambda row: {"class": f"indent-{row.depth + 1}"} if row.depth else {},
        ),
        Column(
            gettext_lazy("Target"),
            lambda row: target_value(row.target),
            align="num",
            head_css="w-7r",
            marks=("data-value",),
        ),
        Column(
            gettext_lazy("Measured"),
            _figure("measured"),
            align="num",
            head_css="w-7r",
            marks=("data-measured",),
        ),
        Column(gettext_lazy("Progress against 序时"), _shares, css="mw-9", head_css="w-14r"),
        Column(
            gettext_lazy("Status"), lambda row: status_badge(row.progress.status), head_css="w-7r"
        ),
        Column(
            gettext_lazy("Year-end forecast"),
            _figure("forecast"),
            align="num",
            head_css="w-8r",
            marks=("data-forecast",),
        ),
        Column(
            gettext_lazy("Responsible unit"),
            _holder,
            head_css="w-10r",
            marks=("data-holder",),
        ),
        Column(
            gettext_lazy("Parts"),
            _parts,
            align="num",
            head_css="w-5r",
            attrs=lambda row: {"data-parts": row.part_count},
        ),
    ),
    empty=gettext_lazy("No targets."),
    css="table table-vcenter card-table table-sm",
    row_attrs=_board_row_attrs,
    group_rows=lambda row: row.descendants,
    tbody_attrs={"x-data": "{ open: false }"},
)


# -- the units page: each unit holding targets, with its targets by status.


_ZERO = mark_safe('<span class="text-secondary">0</span>')


def _count_column(index: int, status: str) -> Column:
    """The column counting one status's targets (headed by the status's badge; a grey 0)."""
    return Column(
        status_badge(status),
        lambda summary: summary.counts[index].count or _ZERO,
        align="num",
        attrs=lambda summary: {"data-count": summary.counts[index].status},
    )


# The kinds' labels (lazy: translated when drawn), without the choices lookup that
# `get_kind_display` makes per call.
_KIND_LABELS = dict(UnitKind.choices)


def _kind(summary: Any) -> str:
    """The kind of a unit holding targets."""
    kind = summary.unit.kind
    return str(_KIND_LABELS.get(kind, kind))


def units_table(year: int) -> Table:
    """The units page's table: each unit (linked to its targets of `year`), its kind, its
    targets by status and in all."""
    return Table(
        columns=(
            Column(
                gettext("Unit"),
                "unit.name",
                link=url("targets:unit", "unit.pk", query=f"?year={year}"),
            ),
            Column(gettext("Kind"), _kind, css="text-secondary"),
            *(_count_column(i, status) for i, status in enumerate(STATUS_ORDER)),
            Column(gettext("Total"), "total", align="num", css="fw-bold"),
        ),
        empty=gettext("No unit holds targets for %(year)s in your scope.") % {"year": year},
        css="table table-vcenter card-table table-sm",
        row_attrs=lambda summary: {"data-unit": summary.unit.pk},
    )
