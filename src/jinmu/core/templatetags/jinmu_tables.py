"""Template tag of `tables/table.html`: a cell drawn by its column's small template,
on top of the page's context (so `user`, `csrf_token` … are there), without the template
file's surrounding whitespace."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe

from jinmu.core.tables import Cell

register = template.Library()


@register.simple_tag(takes_context=True)
def table_cell(context: Context, cell: Cell) -> SafeString:
    """`{% table_cell cell %}`: the cell's template with `row`, `value` and `column`."""
    assert context.template is not None
    drawn = context.template.engine.get_template(cell.template)
    with context.push(row=cell.record, value=cell.value, column=cell.column):
        return mark_safe(drawn.render(context).strip())
