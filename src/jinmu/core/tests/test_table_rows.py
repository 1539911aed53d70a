"""`{% table_rows %}` draws in one pass what the cells say: the same markup as each `Cell`
drawn the way the template language draws a value (localised, escaped), a link by
`format_html`, a column's template, with its attributes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.template import Context, Template
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from jinmu.core.tables import BoundTable, Cell, Column, Table

ROWS_TEMPLATE = Template("{% load jinmu_tables %}{% table_rows table %}")


def _thing(**kwargs: Any) -> SimpleNamespace:
    return SimpleNamespace(**kwargs)


def _reference(table: BoundTable, context: Context) -> str:
    """The rows as `{% table_rows %}` drew them before it drew them in one pass: from the
    `Cell`s, each value through `render_value_in_context`, a link through `format_html`."""

    def inside(cell: Cell) -> str:
        if cell.template:
            drawn = get_template(cell.template).template
            with context.push(row=cell.record, value=cell.value, column=cell.column):
                return str(drawn.render(context)).strip()
        if cell.link:
            return format_html('<a href="{}">{}</a>', cell.link, cell.value)
        return str(render_value_in_context(cell.value, context))

    return "".join(
        f"<tr{row.attrs}>"
        + "".join(f"<td{c.attrs}>{inside(c)}</td>" for c in row.cells)
        + "</tr>\n"
        for row in table.rows
    )


WHEN = timezone.make_aware(dt.datetime(2026, 3, 4, 5, 6, 7), dt.UTC)

EVERYTHING = Table(
    columns=(
        Column(gettext_lazy("Name"), "name", link=lambda r: f"/x/{r.pk}/?a=1&b=2"),
        Column("Text", "text", css="small", align="end"),
        Column("Markup", lambda r: mark_safe(f"<b>{r.pk}</b>")),
        Column("Count", "count", align="num", attrs=lambda r: {"data-n": r.count, "class": "x"}),
        Column("Amount", "amount", attrs=lambda r: {"hidden": r.count == 0, "data-a": None}),
        Column("Ratio", "ratio", marks=("data-ratio",)),
        Column("Day", "day", default="—"),
        Column("Stamp", "stamp"),
        Column("Stamp as text", "stamp", date="Y-m-d H:i"),
        Column("Lazy", lambda r: gettext_lazy("Name")),
        Column("Flag", "flag"),
        Column("Nested", "data.key", default="-"),
        Column("Template", "text", template="tables/cells/code.html"),
    ),
    empty="-",
    row_attrs=lambda r: {"data-pk": r.pk, "data-odd": r.pk % 2 == 1, "title": '"q"'},
)

RECORDS = [
    _thing(
        pk=pk,
        name=f"<甲&{pk}>",
        text=f'it\'s "{pk}"',
        count=pk * 1000,
        amount=Decimal("1234.50"),
        ratio=0.25,
        day=dt.date(2026, 1, pk) if pk > 1 else None,
        stamp=WHEN,
        flag=pk == 1,
        data={"key": f"k{pk}"} if pk > 1 else {"key": ""},
    )
    for pk in (0, 1, 2, 3)
]


def _both(table: BoundTable, **settings: Any) -> tuple[str, str]:
    with translation.override("zh-hans"), override_settings(**settings):
        drawn = ROWS_TEMPLATE.render(Context({"table": table}))
        context = Context({"table": table})
        with context.bind_template(ROWS_TEMPLATE):
            return drawn, _reference(table, context)


def test_the_rows_are_the_cells_drawn() -> None:
    drawn, reference = _both(EVERYTHING.of(RECORDS))
    assert drawn == reference
    assert '<tr data-pk="1" data-odd title="&quot;q&quot;">' in drawn
    assert '<td><a href="/x/1/?a=1&amp;b=2">&lt;甲&amp;1&gt;</a></td>' in drawn
    assert '<td class="x" data-n="2000">2000</td>' in drawn
    assert "<td><code>it&#x27;s &quot;2&quot;</code></td>" in drawn
    assert drawn.count("<td data-ratio>0.25</td>") == len(RECORDS)


def test_the_rows_are_the_cells_drawn_with_thousand_separators_and_on_phones() -> None:
    mobile = EVERYTHING.of(RECORDS, mobile=True)
    drawn, reference = _both(mobile, USE_THOUSAND_SEPARATOR=True)
    assert drawn == reference
    assert 'data-label="名称"' in drawn
    assert ">3,000</td>" in drawn


def test_a_grouped_table_draws_each_body_alike() -> None:
    table = Table(
        columns=(Column("Name", "name", attrs=lambda r: {"data-n": r.name}),),
        empty="-",
        group_rows=lambda r: r.parts,
    )
    whole = _thing(name="甲", parts=[_thing(name="甲1", parts=[])])
    for body in table.of([whole, _thing(name="乙", parts=[])]).bodies:
        drawn, reference = _both(body)
        assert drawn == reference


def test_a_columns_cell_attributes_are_drawn_once_per_table() -> None:
    table = EVERYTHING.of(RECORDS, mobile=True)
    with translation.override("en"):
        base, shared = table.cell_attrs[1]
    assert base == {"class": "text-end small", "data-label": "Text"}
    assert shared == ' class="text-end small" data-label="Text"'
    assert isinstance(shared, SafeString)


def test_a_columns_marks_are_drawn_with_its_shared_attributes() -> None:
    table = Table(columns=(Column("Name", "name", css="x", marks=("data-a", "data-b")),), empty="-")
    base, shared = table.of(RECORDS).cell_attrs[0]
    assert base == {"class": "x", "data-label": None, "data-a": True, "data-b": True}
    assert shared == ' class="x" data-a data-b'
