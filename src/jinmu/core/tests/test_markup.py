"""Markup drawn in Python (jinmu.core.markup, jinmu.core.widgets): the same output as Django's
`conditional_escape`, `format_html_join` and `flatatt`, and a select's options."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.functional import lazy
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from jinmu.core import markup
from jinmu.core.markup import escape, html_attrs
from jinmu.core.widgets import FastSelect, _flat_attrs


class _Html:
    def __html__(self) -> str:
        return "<i>ok</i>"


VALUES: list[Any] = [
    "<a href='x'>&\"</a>",
    "",
    "甲",
    mark_safe("<b>safe</b>"),
    gettext_lazy("Name"),
    lazy(lambda: mark_safe("<b>lazy</b>"), SafeString)(),
    0,
    -12,
    3.5,
    None,
    True,
    _Html(),
]


@pytest.mark.parametrize("value", VALUES)
def test_escape_is_conditional_escape(value: Any) -> None:
    with translation.override("zh-hans"):
        assert escape(value) == conditional_escape(value)


def test_format_html_is_djangos() -> None:
    args = ("/x/?a=1&b=2", "名称<&>", mark_safe("<b>x</b>"), 3, gettext_lazy("Name"))
    with translation.override("zh-hans"):
        drawn = markup.format_html('<a href="{}">{}</a>{}{}{}', *args)
        assert drawn == format_html('<a href="{}">{}</a>{}{}{}', *args)
        assert markup.format_html("{a}-{b}", a="<", b=1) == format_html("{a}-{b}", a="<", b=1)
    assert isinstance(drawn, SafeString)


def _format_html_join_attrs(attrs: dict[str, Any]) -> str:
    """The attributes as `html_attrs` drew them with `format_html_join`."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not None and value is not False
        ),
    )


ATTRS: list[dict[str, Any]] = [
    {},
    {"class": "a b", "data-x": '"<&>"', "hidden": True, "off": False, "no": None, "n": 0},
    {"title": gettext_lazy("Name"), "data-m": mark_safe("<b>"), "data-one": 1},
]


@pytest.mark.parametrize("attrs", ATTRS)
def test_html_attrs_are_drawn_as_format_html_join_drew_them(attrs: dict[str, Any]) -> None:
    drawn = html_attrs(attrs)
    assert drawn == _format_html_join_attrs(attrs)
    assert isinstance(drawn, SafeString)


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"name": "town", "id": "id_town", "class": "form-select", "multiple": True},
        {"required": False, "data-x": None, "title": '"q"', "autofocus": True, "a": 1},
    ],
)
def test_select_attributes_are_drawn_as_flatatt_draws_them(attrs: dict[str, Any]) -> None:
    assert _flat_attrs(attrs) == flatatt(attrs)


def test_a_fast_select_draws_every_option_once_marking_the_selected() -> None:
    select = FastSelect(
        attrs={"class": "form-select"},
        choices=[
            ("", "---------"),
            ("a&b", "<A>"),
            ("Group <1>", [(1, "one"), (2, gettext_lazy("Name"))]),
            (None, "none"),
        ],
    )
    with translation.override("en"):
        html = select.render("kind", ["a&b", 2], attrs={"id": "id_kind"})
    assert html == (
        '<select class="form-select" id="id_kind" name="kind">'
        '<option value="">---------</option>'
        '<option value="a&amp;b" selected>&lt;A&gt;</option>'
        '<optgroup label="Group &lt;1&gt;">'
        '<option value="1">one</option><option value="2" selected>Name</option>'
        "</optgroup>"
        '<option value="">none</option>'
        "</select>"
    )


def test_a_multiple_select_keeps_its_flag_after_its_valued_attributes() -> None:
    select = FastSelect(choices=[("x", "X")])
    select.allow_multiple_selected = True
    html = select.render("k", None, attrs={"multiple": True, "id": "i"})
    assert html.startswith('<select id="i" name="k" multiple>')
