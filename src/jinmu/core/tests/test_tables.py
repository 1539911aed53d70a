"""The list helper (jinmu.core.tables): columns and accessors, cells, the empty state, the
footer's total (capped) or note, and the pager's cursor links."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from jinmu.core.choices import Role
from jinmu.core.models import User
from jinmu.core.pagination import KeysetPage, decode_cursor, page_links
from jinmu.core.tables import BoundTable, Column, Table, badged, html_attrs, resolve, url
from jinmu.core.tests.factories import user_with


def _thing(**kwargs: Any) -> SimpleNamespace:
    return SimpleNamespace(**kwargs)


def _render(table: BoundTable, **context: Any) -> str:
    with translation.override("en"):
        return render_to_string("tables/table.html", {"table": table, **context})


def _page(total: int, *, first: bool = True, next_cursor: str | None = None) -> KeysetPage[Any]:
    return KeysetPage(rows=[], next_cursor=next_cursor, is_first=first, total_capped=total)


# -- accessors and cells -------------------------------------------------------------------------


def test_an_accessor_walks_attributes_keys_and_calls_methods() -> None:
    row = _thing(unit=_thing(name="产业办", kind=lambda: "office"), data={"n": 3}, empty=None)
    assert resolve(row, "unit.name") == "产业办"
    assert resolve(row, "unit.kind") == "office"
    assert resolve(row, "data.n") == 3
    assert resolve(row, "empty.name") is None
    assert resolve(row, lambda r: r.data["n"] * 2) == 6
    assert resolve(row, None) is row


def test_a_column_defaults_empty_values_and_formats_dates() -> None:
    when = timezone.make_aware(dt.datetime(2026, 3, 4, 5, 6, 7))
    row = _thing(name="", parent=None, time=when, zero=0)
    assert Column("Name", "name", default="—").value(row) == "—"
    assert Column("Parent", "parent", default="—").value(row) == "—"
    assert Column("Zero", "zero", default="—").value(row) == 0
    assert Column("Time", "time", date="Y-m-d H:i:s").value(row) == "2026-03-04 05:06:07"
    assert Column("Time", "parent", date="Y-m-d", default="—").value(row) == "—"


def test_a_cell_carries_its_classes_attributes_and_link() -> None:
    column = Column(
        "Count",
        "count",
        align="num",
        css="fw-bold",
        attrs=lambda r: {"data-count": r.status},
        link=lambda r: f"/x/{r.pk}/",
    )
    cell = column.cell(_thing(pk=7, count=2, status="red"), label="Count")
    assert cell.value == 2
    assert cell.link == "/x/7/"
    assert cell.attrs == ' class="num fw-bold" data-label="Count" data-count="red"'
    assert column.head_attrs == ' class="num"'
    assert Column("Plain").head_attrs == ""


def test_attributes_keep_their_order_and_are_escaped() -> None:
    attrs = html_attrs({"data-b": '"x"', "class": "a", "hidden": True, "off": False, "no": None})
    assert attrs == ' data-b="&quot;x&quot;" class="a" hidden'


def test_a_badge_follows_its_text_escaped() -> None:
    assert badged("<b>W47</b>", "late", title="After the deadline", css="bg-yellow-lt") == (
        '&lt;b&gt;W47&lt;/b&gt; <span class="badge bg-yellow-lt" title="After the deadline">'
        "late</span>"
    )
    assert badged("甲", "overridden") == '甲 <span class="badge">overridden</span>'


def test_url_reverses_with_arguments_read_from_the_row() -> None:
    link = url("targets:unit", "unit.pk", query="?year=2026")
    assert link(_thing(unit=_thing(pk=5))) == "/targets/units/5/?year=2026"


# -- rendering -----------------------------------------------------------------------------------

PEOPLE = Table(
    id="people",
    columns=(
        Column("Name", "name", link=lambda r: f"/people/{r.pk}/"),
        Column("Code", "code", template="tables/cells/code.html"),
        Column("Active", "active", template="tables/cells/active.html"),
    ),
    empty="Nobody.",
    total="%(n)s people",
    row_attrs=lambda r: {"data-person": r.pk},
)


def test_the_table_draws_headings_rows_and_cell_templates() -> None:
    rows = [_thing(pk=1, name="<b>甲</b>", code="A1", active=True)]
    html = _render(PEOPLE.of(rows))
    assert '<table class="table table-vcenter card-table" id="people">' in html
    assert "<thead><tr><th>Name</th><th>Code</th><th>Active</th></tr></thead>" in html
    assert '<tr data-person="1"><td><a href="/people/1/">&lt;b&gt;甲&lt;/b&gt;</a></td>' in html
    # a cell template is drawn without its file's surrounding whitespace
    assert "<td><code>A1</code></td>" in html
    assert '<td><span class="badge bg-green-lt">Active</span></td>' in html
    # a list that is not paged has no pager; its total counts its rows
    assert '<span class="text-secondary">1 people</span>' in html
    assert "page</a>" not in html
    assert "card-footer" not in _render(replace(PEOPLE, total="").of(rows))


def test_an_empty_table_says_so_across_every_column() -> None:
    html = _render(PEOPLE.of([]))
    assert '<td colspan="3" class="text-secondary" data-empty>Nobody.</td>' in html
    assert _render(PEOPLE.of([], empty="No one in 2026.")).count("No one in 2026.") == 1


def test_an_empty_body_table_shows_its_text_alone_in_the_card_body() -> None:
    table = replace(PEOPLE, empty_body=True, body_template="tables/cells/code.html")
    html = _render(table.of([]), value="chart")
    assert '<div class="card-body text-secondary" data-empty>Nobody.</div>' in html
    assert "<table" not in html
    assert "<code>chart</code>" not in html  # the body above the table goes with it
    html = _render(table.of([_thing(pk=1, name="甲", code="A1", active=True)]), value="chart")
    assert "data-empty" not in html
    assert html.index("<code>chart</code>") < html.index('<div class="table-responsive">')


def test_the_table_wrapper_classes_and_the_footer_template() -> None:
    table = replace(
        PEOPLE, wrap_css="table-responsive mh-28", footer_template="tables/cells/code.html"
    )
    html = _render(table.of([]), value="more")
    assert '<div class="table-responsive mh-28">' in html
    # drawn at the card's end, after the footer of the total, in the page's context
    assert html.index("0 people") < html.index("<code>more</code>") < html.rindex("</div>")
    assert "<code>" not in _render(PEOPLE.of([]), value="more")


def test_the_footer_shows_the_capped_total_or_the_note() -> None:
    capped = BoundTable(table=PEOPLE, records=[], page=_page(1001))
    assert capped.summary == "1000+ people"
    assert '<span class="text-secondary">1000+ people</span>' in _render(capped)
    assert BoundTable(table=PEOPLE, records=[], page=_page(12)).summary == "12 people"
    noted = Table(columns=PEOPLE.columns, empty="-", note="Read this.")
    assert BoundTable(table=noted, records=[], page=_page(3)).summary == "Read this."
    titled = Table(
        columns=PEOPLE.columns, empty="-", title="%(n)s people", card_id="p", card_css="card mb-3"
    )
    html = _render(BoundTable(table=titled, records=[], page=_page(3)))
    assert '<div class="card mb-3" id="p">' in html
    assert '<h3 class="card-title">3 people</h3>' in html
    # a list that is not paged counts its rows
    assert _render(titled.of([_thing(name="甲", pk=1, code="", active=False)])).count(
        '<h3 class="card-title">1 people</h3>'
    )


def test_the_grid_is_the_table_alone_with_its_foot() -> None:
    table = replace(PEOPLE, foot_template="tables/cells/code.html")
    with translation.override("en"):
        html = render_to_string(
            "tables/grid.html",
            {"table": table.of([_thing(pk=1, name="甲", code="A1", active=True)]), "value": "sum"},
        )
    assert html.strip().startswith('<div class="table-responsive">')
    assert "card" not in html.replace("card-table", "")  # no card, header or footer around it
    assert re.search(r"<tfoot><code>sum</code>\s*</tfoot>", html)
    assert html.index("</tbody>") < html.index("<tfoot>") < html.index("</table>")
    assert "<tfoot>" not in _render(PEOPLE.of([]))


def test_grouped_rows_draw_a_tbody_per_record() -> None:
    table = Table(
        columns=(Column("Name", "name"),),
        empty="Nothing.",
        group_rows=lambda r: r.parts,
        tbody_attrs={"x-data": "{ open: false }"},
    )
    whole = _thing(name="甲", parts=[_thing(name="甲1", parts=[]), _thing(name="甲2", parts=[])])
    html = _render(table.of([whole, _thing(name="乙", parts=[])]))
    bodies = re.findall(r"<tbody([^>]*)>(.*?)</tbody>", html, re.S)
    assert [attrs for attrs, _rows in bodies] == [' x-data="{ open: false }"'] * 2
    assert [re.findall(r"<td>(.*?)</td>", rows) for _attrs, rows in bodies] == [
        ["甲", "甲1", "甲2"],
        ["乙"],
    ]
    empty = _render(table.of([]))
    assert re.findall(r"<tbody>", empty) == ["<tbody>"]  # one plain tbody for the empty line
    assert "Nothing." in empty


def test_a_mobile_table_labels_its_cells() -> None:
    table = Table(columns=(Column("Name", "name"),), empty="-", mobile=True)
    html = _render(table.of([_thing(name="甲")]))
    assert 'class="table table-vcenter card-table table-mobile-md"' in html
    assert '<td data-label="Name">甲</td>' in html


# -- paging --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pager_links_the_next_page_by_cursor_and_back_to_the_first(
    django_assert_num_queries: Any,
) -> None:
    for name in ("t-a", "t-b", "t-c"):
        user_with(Role.TOWN, username=name)
    users = User.objects.filter(username__startswith="t-")
    table = Table(
        columns=(Column("Username", "username"),), empty="-", total="%(n)s users", hx_target="#r"
    )
    request = RequestFactory().get("/users/", {"q": "t"})
    # one query for the page, one for the capped total
    with django_assert_num_queries(2):
        first = table.page(request, users, order=("username", "id"), page_size=2)
        html = _render(first)
    assert [u.username for u in first.records] == ["t-a", "t-b"]
    assert not first.show_first
    assert first.next_url is not None
    cursor = re.search(r"cursor=([^&\"]+)", first.next_url)
    assert cursor
    assert decode_cursor(cursor.group(1)) == ["t-b", first.records[1].pk]
    assert first.next_url.startswith("?q=t&")
    assert f'hx-get="{first.next_url.replace("&", "&amp;")}" hx-target="#r"' in html
    assert "First page" not in html
    assert "3 users" in html
    # the next page: the last row, a link back to the first page (filters kept), no next
    second = table.page(
        RequestFactory().get("/users/", {"q": "t", "cursor": cursor.group(1)}),
        users,
        order=("username", "id"),
        page_size=2,
    )
    html = _render(second)
    assert [u.username for u in second.records] == ["t-c"]
    assert second.show_first
    assert second.first_url == "?q=t"
    assert second.next_url is None
    assert '<a class="btn btn-sm" href="?q=t" hx-get="?q=t" hx-target="#r"' in html
    assert "Next page" not in html


@pytest.mark.django_db
def test_the_total_may_count_other_rows_and_first_page_keep_other_filters(
    django_assert_num_queries: Any,
) -> None:
    for name in ("t-a", "t-b", "t-c"):
        user_with(Role.TOWN, username=name)
    users = User.objects.filter(username__startswith="t-")
    table = Table(columns=(Column("Username", "username"),), empty="-", total="%(n)s users")
    request = RequestFactory().get("/users/", {"q": "t", "page": "", "cursor": "junk"})
    clean = RequestFactory().get("/users/", {"q": "t"}).GET
    bound = table.page(
        request,
        users.filter(username="t-a"),
        order=("username", "id"),
        page_size=2,
        count_from=users,
        first_query=clean,
    )
    assert bound.summary == "3 users"
    assert bound.first_url == "?q=t"
    # a table without a total need not count
    with django_assert_num_queries(1):
        table.page(request, users, order=("username", "id"), count=False)
    # a page the view cut itself, shown through rows it derived from it
    page = KeysetPage(rows=[1, 2], next_cursor="c", is_first=True, total_capped=2)
    derived = table.bind(page, clean, records=[{"username": "x"}, {"username": "y"}])
    assert [row.cells[0].value for row in derived.rows] == ["x", "y"]
    assert derived.next_url == "?q=t&cursor=c"


def test_page_links_match_the_projects_helper() -> None:
    query = RequestFactory().get("/", {"cursor": "old", "year": "2026"}).GET
    links = page_links(query, _page(3, next_cursor="abc"))
    assert links == {"next_url": "?year=2026&cursor=abc", "first_url": "?year=2026"}
    assert page_links(query, _page(3))["next_url"] is None
