"""Template tags of `tables/table.html`: the rows of a table drawn in Python (a page of 50 rows
and a dozen columns is 600 cells: through the template language each cell's handful of lookups
cost a list page several milliseconds), and a single cell drawn by its column's small template
on top of the page's context (so `user`, `csrf_token` … are there), without the template file's
surrounding whitespace."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django import template
from django.conf import settings
from django.template.base import Template, render_value_in_context
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from jinmu.core.markup import escape, html_attrs
from jinmu.core.tables import BoundTable, Cell, Column

register = template.Library()


class _CellDrawer:
    """Draws the inside of <td>s in one template context: the column's template, a link, or
    the value as the template language shows it (localised, escaped)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.templates: dict[str, Template] = {}

    def __call__(self, column: Column, record: Any, value: Any, link: str) -> str:
        """The inside of `column`'s <td> in `record`'s row, whose `value` and `link` are
        given."""
        if column.template:
            return self._template(column, record, value)
        if link:
            return f'<a href="{escape(link)}">{escape(value)}</a>'
        # The common cases without `render_value_in_context` (the same output): text escaped,
        # markup as it is, whole numbers; it localises the rest (decimals, dates …).
        if type(value) is str:
            return html.escape(value) if self.context.autoescape else value
        if isinstance(value, SafeString):
            return value
        if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
            return str(value)  # what `localize` makes of it then, with nothing to escape
        return str(render_value_in_context(value, self.context))

    def _template(self, column: Column, record: Any, value: Any) -> str:
        """The column's template drawn with `row`, `value` and `column` on top of the context,
        stripped of its file's surrounding whitespace."""
        drawn = self.templates.get(column.template)
        if drawn is None:
            assert self.context.template is not None
            engine = self.context.template.engine
            drawn = self.templates[column.template] = engine.get_template(column.template)
        with self.context.push(row=record, value=value, column=column):
            return drawn.render(self.context).strip()


def _row(
    draw: _CellDrawer,
    record: Any,
    row_attrs: Callable[[Any], Mapping[str, Any]] | None,
    columns: list[tuple[Column, dict[str, Any], SafeString]],
) -> str:
    """One <tr>, drawn with a single join (`columns`: each column with its shared attributes,
    as a mapping and drawn)."""
    parts = [f"<tr{html_attrs(row_attrs(record)) if row_attrs is not None else ''}>"]
    for column, base, shared in columns:
        attrs = column.td_attrs(record, base, shared)
        value = column.value(record)
        link = column.link(record) if column.link is not None else ""
        parts.append(f"<td{attrs}>{draw(column, record, value, link)}</td>")
    parts.append("</tr>\n")
    return "".join(parts)


@register.simple_tag(takes_context=True)
def table_rows(context: Context, table: BoundTable) -> SafeString:
    """`{% table_rows table %}`: every <tr> of the table's rows."""
    draw = _CellDrawer(context)
    row_attrs = table.table.row_attrs
    columns = [
        (column, base, shared)
        for column, (base, shared) in zip(table.columns, table.cell_attrs, strict=True)
    ]
    return mark_safe("".join([_row(draw, record, row_attrs, columns) for record in table.records]))


@register.simple_tag(takes_context=True)
def table_cell(context: Context, cell: Cell) -> SafeString:
    """`{% table_cell cell %}`: the cell's template with `row`, `value` and `column`."""
    return mark_safe(_CellDrawer(context)(cell.column, cell.record, cell.value, cell.link))
