"""Template tags of `tables/table.html`: the rows of a table drawn in Python (a page of 50 rows
and a dozen columns is 600 cells: through the template language each cell's handful of lookups
cost a list page several milliseconds), and a single cell drawn by its column's small template
on top of the page's context (so `user`, `csrf_token` … are there), without the template file's
surrounding whitespace."""

from __future__ import annotations

from django import template
from django.template.base import Template, render_value_in_context
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from jinmu.core.tables import BoundTable, Cell

register = template.Library()


def _drawn(context: Context, cell: Cell, templates: dict[str, Template]) -> str:
    """The inside of one <td>: its template, its link or its value (escaped, localised)."""
    if cell.template:
        drawn = templates.get(cell.template)
        if drawn is None:
            assert context.template is not None
            drawn = templates[cell.template] = context.template.engine.get_template(cell.template)
        with context.push(row=cell.record, value=cell.value, column=cell.column):
            return drawn.render(context).strip()
    if cell.link:
        return format_html('<a href="{}">{}</a>', cell.link, cell.value)
    return render_value_in_context(cell.value, context)


@register.simple_tag(takes_context=True)
def table_rows(context: Context, table: BoundTable) -> SafeString:
    """`{% table_rows table %}`: every <tr> of the table's rows."""
    templates: dict[str, Template] = {}
    parts: list[str] = []
    for row in table.rows:
        parts.append(f"<tr{row.attrs}>")
        parts.extend(
            f"<td{cell.attrs}>{_drawn(context, cell, templates)}</td>" for cell in row.cells
        )
        parts.append("</tr>\n")
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def table_cell(context: Context, cell: Cell) -> SafeString:
    """`{% table_cell cell %}`: the cell's template with `row`, `value` and `column`."""
    return mark_safe(_drawn(context, cell, {}))
