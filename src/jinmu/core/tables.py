"""One declarative table for every list page: columns, rows, the empty state and the pager.

A page declares its table once (a `Table` of `Column`s, labels through `gettext_lazy`), binds
it to a keyset page (`Table.page`) or to a short list of rows (`Table.of`) and includes
`tables/table.html`, which draws the Tabler card every list shares: header row, rows, the
empty-state line, and a footer with the total ("1000+" past the cap) or a note, and the
"First page" / "Next page" links.

Why our own helper and not django-tables2: tables2 pages with Django's `Paginator` (page
numbers, OFFSET and a COUNT(*) per page; even its `LazyPaginator` pages by OFFSET) and sorts by
any clicked column, whereas our lists page by keyset on an index that matches one fixed order
and count only up to a cap (decision 0002). Bending tables2 to that means replacing its
paginator, its sorting and its templates (Bootstrap markup that is not the Tabler markup our
lists use), which leaves little of it beside a new dependency. What the pages need is small:
this module and one template. Cells read the same attributes the templates read before, so a
page runs the same queries as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.db import models
from django.http import HttpRequest, QueryDict
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from jinmu.core import money
from jinmu.core.markup import format_html, html_attrs
from jinmu.core.pagination import KeysetPage, capped_count, page_links, page_url, paginate

# The text of a label, an empty-state message or a note: a string or a lazy translation.
Text = str | Promise
# A cell's value: a dotted path ("unit.name", "get_kind_display") or a function of the row.
Accessor = str | Callable[[Any], Any]

ALIGN_CLASSES = {"": "", "num": "num", "end": "text-end", "center": "text-center"}


def resolve(record: Any, accessor: Accessor | None) -> Any:
    """The value `accessor` reads from `record`: the record itself when there is no accessor;
    a dotted path walks attributes (or mapping keys) and calls what is callable, as a template
    variable does (`get_kind_display`)."""
    if accessor is None:
        return record
    if callable(accessor):
        return accessor(record)
    return _walk(record, accessor.split("."))


def _walk(record: Any, path: Sequence[str]) -> Any:
    """The value at the end of `path` (attribute or key names) from `record`."""
    value = record
    for part in path:
        if value is None:
            return None
        value = value[part] if isinstance(value, Mapping) else getattr(value, part)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return value


def money_column(
    label: Text, accessor: str, text: Callable[[Any], str] = money.wan_text, **options: Any
) -> Column:
    """A right-aligned amount: the yuan `accessor` reads, shown by `text` (万元; `yi_text` for
    亿元)."""
    return Column(label, lambda record: text(resolve(record, accessor)), align="num", **options)


def url(viewname: str, *accessors: Accessor, query: str = "") -> Callable[[Any], str]:
    """A column link: `reverse(viewname)` with arguments read from the row, plus `query`
    (e.g. "?year=2026") — `url("organisation:user_edit", "pk")`."""

    def link(record: Any) -> str:
        args = [resolve(record, accessor) for accessor in accessors]
        return reverse(viewname, args=args) + query

    return link


def _local(value: Any) -> Any:
    """An aware datetime in the current time zone (as templates show it); else `value`."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _classes(*names: str) -> str:
    return " ".join(name for name in names if name)


def badged(text: Any, label: Text, *, title: Text = "", css: str = "") -> SafeString:
    """`text` followed by a small badge: `label`, `title` shown on hover, `css` its colour
    ("bg-yellow-lt")."""
    return format_html(
        '{} <span class="{}"{}>{}</span>',
        text,
        _classes("badge", css),
        html_attrs({"title": title or None}),
        label,
    )


@dataclass(frozen=True)
class Column:
    """One column: its heading and how each row's cell is drawn.

    The cell shows the accessor's value (formatted with `date` when given, `default` when it
    is None or empty), linked when `link` is given; or, with `template`, that small template
    rendered with `row` (the record), `value` and `column` on top of the page's context.

    A cell with markup of its own (a badge, a link with a line under it) is best drawn by an
    accessor function returning `jinmu.core.markup.format_html(…)` (Django's, faster): a
    template per cell costs a 50-row list several milliseconds (bench/RESULTS.md, issue 11).
    `template` is for cells that need the page's context (`csrf_token`, the user, the page's
    variables).
    """

    label: Text = ""
    accessor: Accessor | None = None
    template: str = ""
    link: Callable[[Any], str] | None = None
    css: str = ""  # classes of each <td>
    head_css: str = ""  # classes of the <th>
    align: str = ""  # "num", "end" or "center": on the <th> and every <td>
    attrs: Callable[[Any], Mapping[str, Any]] | None = None  # more <td> attributes per row
    marks: tuple[str, ...] = ()  # attributes without a value on every <td> ("data-value")
    date: str = ""  # a date format ("Y-m-d H:i"), in the current time zone
    default: str = ""  # shown for None or ""

    def value(self, record: Any) -> Any:
        """The cell's value for `record`, formatted and defaulted."""
        accessor = self.accessor
        if accessor is None:
            value = record
        elif isinstance(accessor, str):
            value = _walk(record, self._path)
        else:
            value = accessor(record)
        if self.date and value is not None:
            value = date_filter(_local(value), self.date)
        if value is None or value == "":
            return self.default
        return value

    # A column is declared once and draws every row of every request: what depends on neither
    # the row nor the language is worked out on first use and kept.
    @cached_property
    def _path(self) -> tuple[str, ...]:
        """The names of a dotted accessor."""
        return tuple(self.accessor.split(".")) if isinstance(self.accessor, str) else ()

    @cached_property
    def _td_class(self) -> str | None:
        """The class of each <td> (None for none)."""
        return _classes(ALIGN_CLASSES[self.align], self.css) or None

    @cached_property
    def head_attrs(self) -> SafeString:
        """The <th>'s attributes (its class)."""
        return html_attrs({"class": _classes(ALIGN_CLASSES[self.align], self.head_css) or None})

    def base_attrs(self, label: str = "") -> dict[str, Any]:
        """The <td> attributes every row of this column shares (its class, its `data-label`,
        its marks)."""
        shared: dict[str, Any] = {"class": self._td_class, "data-label": label or None}
        shared.update(dict.fromkeys(self.marks, True))
        return shared

    def td_attrs(self, record: Any, base: Mapping[str, Any], shared: SafeString) -> SafeString:
        """The attributes of this column's <td> in `record`'s row: `shared` (`base` drawn once
        for all rows), or `base` with the column's `attrs` for the row."""
        if self.attrs is None:
            return shared
        return html_attrs({**base, **self.attrs(record)})

    def cell(self, record: Any, *, label: str = "", shared: SafeString | None = None) -> Cell:
        """The cell of this column in `record`'s row (`label`: its `data-label`, for tables
        that stack on phones; `shared`: the column's attributes drawn once for all rows)."""
        base = self.base_attrs(label)
        return Cell(
            column=self,
            record=record,
            value=self.value(record),
            link=self.link(record) if self.link is not None else "",
            attrs=self.td_attrs(record, base, html_attrs(base) if shared is None else shared),
        )


@dataclass(frozen=True)
class Cell:
    """One drawn cell."""

    column: Column
    record: Any
    value: Any
    link: str
    attrs: SafeString

    @property
    def template(self) -> str:
        """The column's cell template ("" to show the value)."""
        return self.column.template


@dataclass(frozen=True)
class Row:
    """One drawn row: its record, cells and <tr> attributes."""

    record: Any
    cells: list[Cell]
    attrs: SafeString


@dataclass(frozen=True)
class Table:
    """A list's table, declared once per page (module level, or per request when columns
    depend on the request).

    `total` is a "%(n)s users"-style text shown in the footer with the (capped) total, `note`
    a footer text shown instead; `title` (a text, or the same form as `total`) heads the card,
    with `actions_template` after it. `body_template` is drawn above the table (a chart …),
    `footer_template` at the card's end, after the footer of the total and the pager (its own
    `card-footer`s, a form …), `foot_template` in the table's <tfoot> (a sum row). `empty_body`
    shows the empty text alone in the card body when there are no rows (no table head, no
    `body_template`). `row_attrs` adds <tr> attributes (`data-unit` …). `mobile` stacks the
    table on phones (`table-mobile-md`, with each cell's `data-label`). `hx_target` makes the
    pager links swap that element with htmx. A page with a card of its own (or a bare printed
    table) includes `tables/grid.html`: the <table> alone.
    """

    columns: Sequence[Column]
    empty: Text
    id: str = ""
    css: str = "table table-vcenter card-table"
    row_attrs: Callable[[Any], Mapping[str, Any]] | None = None
    total: Text = ""
    note: Text = ""
    title: Text = ""
    mobile: bool = False
    hx_target: str = ""
    actions_template: str = ""  # drawn in the card header, after the title if any (buttons …)
    card_id: str = ""  # the id of the card around the table
    card_css: str = "card"  # the classes of that card ("card mb-3" …)
    wrap_css: str = "table-responsive"  # the classes of the <div> around the <table>
    empty_body: bool = False  # with no rows, the empty text in a card body instead of the table
    body_template: str = ""  # drawn between the card header and the table (a chart …)
    footer_template: str = ""  # drawn at the card's end, in the page's context (footers …)
    foot_template: str = ""  # the <tfoot>'s rows (a sum row), in the page's context
    # Rows drawn under each record in a <tbody> of its own (a target's parts, shown on demand),
    # with `tbody_attrs`; None draws every row in one <tbody>.
    group_rows: Callable[[Any], Iterable[Any]] | None = None
    tbody_attrs: Mapping[str, Any] | None = None

    def page(
        self,
        request: HttpRequest,
        queryset: models.QuerySet[Any],
        *,
        order: Sequence[str],
        page_size: int = 50,
        count: bool = True,
        count_from: models.QuerySet[Any] | None = None,
        first_query: QueryDict | None = None,
        **changes: Any,
    ) -> BoundTable:
        """The table over one keyset page of `queryset` (the cursor from `?cursor=`).

        The total counts `queryset`, or `count_from` when given (the plain filtered rows,
        cheaper than rows with annotations); `count=False` counts nothing (for a table
        without a total). The "First page" link keeps the request's query,
        or `first_query`. `changes` replace fields of the table for this request (`empty` …).
        """
        page = paginate(
            queryset,
            order=order,
            cursor=request.GET.get("cursor"),
            page_size=page_size,
            count=count and count_from is None,
        )
        if count and count_from is not None:
            page.total_capped = capped_count(count_from)
        return self.bind(page, request.GET, first_query=first_query, **changes)

    def bind(
        self,
        page: KeysetPage[Any],
        query: QueryDict,
        *,
        records: Sequence[Any] | None = None,
        first_query: QueryDict | None = None,
        **changes: Any,
    ) -> BoundTable:
        """The table over a page the view cut itself, its links built from `query`; `records`
        replace the page's rows (rows the view derived from them, one per row)."""
        links = page_links(query, page)
        first_url = links["first_url"] if first_query is None else page_url(first_query, None)
        return BoundTable(
            table=replace(self, **changes) if changes else self,
            records=page.rows if records is None else records,
            page=page,
            next_url=links["next_url"],
            first_url=first_url or "",
        )

    def with_column(self, column: Column, *, when: bool = True) -> Table:
        """This table with `column` added last when `when` (an editor's buttons …), else
        the table itself."""
        return replace(self, columns=(*self.columns, column)) if when else self

    def of(self, records: Iterable[Any], **changes: Any) -> BoundTable:
        """The table over a short list that is not paged (`changes` as in `page`)."""
        table = replace(self, **changes) if changes else self
        return BoundTable(table=table, records=list(records))


@dataclass
class BoundTable:
    """A table with its rows: what `tables/table.html` draws."""

    table: Table
    records: Sequence[Any]
    page: KeysetPage[Any] | None = None
    next_url: str | None = None
    first_url: str = ""

    @property
    def columns(self) -> Sequence[Column]:
        """The columns, in order."""
        return self.table.columns

    @property
    def colspan(self) -> int:
        """How many columns the empty-state line spans."""
        return len(self.table.columns)

    @property
    def css(self) -> str:
        """The <table>'s classes."""
        return _classes(self.table.css, "table-mobile-md" if self.table.mobile else "")

    @cached_property
    def cell_attrs(self) -> list[tuple[dict[str, Any], SafeString]]:
        """Each column's <td> attributes common to every row, as a mapping and drawn: labels
        are translated and attributes escaped once per table, not once per cell."""
        mobile = self.table.mobile
        out = []
        for column in self.table.columns:
            base = column.base_attrs(str(column.label) if mobile else "")
            out.append((base, html_attrs(base)))
        return out

    @cached_property
    def rows(self) -> list[Row]:
        """Every record's row, with its cells (`{% table_rows %}` draws them without these
        objects)."""
        row_attrs = self.table.row_attrs
        columns = self.table.columns
        return [
            Row(
                record=record,
                cells=[
                    c.cell(record, label=base["data-label"] or "", shared=shared)
                    for c, (base, shared) in zip(columns, self.cell_attrs, strict=True)
                ],
                attrs=html_attrs(row_attrs(record)) if row_attrs else SafeString(""),
            )
            for record in self.records
        ]

    @cached_property
    def bodies(self) -> list[BoundTable]:
        """The <tbody>s: one per record with its `group_rows` when the table groups its rows,
        else one holding every row (none when there are no rows)."""
        group_rows = self.table.group_rows
        if group_rows is None:
            return [self] if self.records else []
        return [
            BoundTable(table=self.table, records=[record, *group_rows(record)])
            for record in self.records
        ]

    @cached_property
    def tbody_attrs(self) -> SafeString:
        """The attributes of each <tbody>."""
        return html_attrs(self.table.tbody_attrs or {})

    def _with_total(self, text: Text) -> str:
        """`text` with its "%(n)s" filled: the page's capped total, or the rows of a list that
        is not paged."""
        if not text:
            return ""
        total = self.page.total_display if self.page is not None else str(len(self.records))
        return str(text) % {"n": total}

    @property
    def title(self) -> str:
        """The card header's text, with the total ("" for no header)."""
        return self._with_total(self.table.title)

    @property
    def summary(self) -> str:
        """The footer's text: the total, else the note ("" for none)."""
        return self._with_total(self.table.total) or str(self.table.note)

    @property
    def show_first(self) -> bool:
        """Whether the "First page" link is shown (on any page after the first)."""
        return self.page is not None and not self.page.is_first

    @property
    def has_footer(self) -> bool:
        """Whether the card has a footer (a text or a pager link)."""
        return bool(self.summary or self.next_url or self.show_first)


__all__ = [
    "BoundTable",
    "Cell",
    "Column",
    "Row",
    "Table",
    "badged",
    "html_attrs",
    "resolve",
    "url",
]
