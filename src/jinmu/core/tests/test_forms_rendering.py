"""What Python draws in place of the templates is what the templates draw: the product's form
renderer on every field of every form and filter of the product, and the filter bar's fields."""

from __future__ import annotations

import copy
import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import django_filters
import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import engines

import jinmu
from jinmu.core.filtersets import _per_request, _unbound_field
from jinmu.core.forms import FormRenderer
from jinmu.core.forms_rendering import FastRenderer, inline_field


def test_the_product_draws_its_forms_with_the_fast_renderer() -> None:
    assert settings.FORM_RENDERER == "jinmu.core.forms_rendering.FastRenderer"
    assert isinstance(get_default_renderer(), FastRenderer)


def _product_modules() -> Iterator[Any]:
    """Every module of the product that declares forms or filters."""
    for info in pkgutil.walk_packages(jinmu.__path__, "jinmu."):
        last = info.name.rsplit(".", 1)[-1]
        if ".tests" in info.name or ".migrations" in info.name:
            continue
        if last.startswith(("forms", "filtersets")) or ".forms." in info.name:
            yield importlib.import_module(info.name)


def _subclasses(base: type[Any]) -> Iterator[type[Any]]:
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _product_fields() -> list[tuple[str, str, forms.Field]]:
    """(class, field name, field) of every declared form field and filter of the product."""
    modules = list(_product_modules())
    assert modules
    found: dict[tuple[str, str], forms.Field] = {}
    for cls in _subclasses(forms.BaseForm):
        if cls.__module__.startswith("jinmu.") and ".tests" not in cls.__module__:
            for name, field in getattr(cls, "base_fields", {}).items():
                found[(cls.__qualname__, name)] = field
    for cls in _subclasses(django_filters.FilterSet):
        if cls.__module__.startswith("jinmu.") and ".tests" not in cls.__module__:
            for name, filter_ in cls.base_filters.items():
                field = _unbound_field(filter_)
                if _per_request(filter_):
                    # The rows offered outside a request (none, or every row).
                    field.queryset = filter_.get_queryset(None)
                found[(cls.__qualname__, name)] = field
    return [(owner, name, field) for (owner, name), field in sorted(found.items())]


def _drawn(form: forms.BaseForm, renderer: Any) -> list[str]:
    form.renderer = renderer
    drawn = []
    for bound in form:
        drawn += [str(bound), str(bound.label_tag()), str(bound.label_tag(attrs={"x": 1}))]
    return drawn


@pytest.mark.django_db
def test_every_field_of_the_product_draws_as_the_templates_draw_it() -> None:
    fields = _product_fields()
    assert len(fields) > 100
    for owner, name, field in fields:
        probe = type("Probe", (forms.Form,), {"field": copy.deepcopy(field)})
        values: list[Any] = [None, "", "1", 'a "b" <c>', "2026-01-02"]
        for value in values:
            form = probe(data={"field": value}) if value is not None else probe()
            if value is not None:
                form.is_valid()
            assert _drawn(form, FastRenderer()) == _drawn(form, FormRenderer()), (owner, name)


def test_plain_widgets_of_every_kind_draw_as_the_templates() -> None:
    class Every(forms.Form):
        text = forms.CharField(initial="<b>&", help_text="hint")
        search = forms.CharField(widget=forms.SearchInput, required=False)
        tel = forms.CharField(widget=forms.TelInput, required=False)
        color = forms.CharField(widget=forms.ColorInput, required=False)
        number = forms.DecimalField(initial=1.5, localize=True)
        when = forms.DateTimeField(initial=dt.datetime(2026, 1, 2, 3, 4))
        time = forms.TimeField(initial=dt.time(5, 6))
        check = forms.BooleanField(initial=True, required=False)
        off = forms.BooleanField(initial=False, required=False, disabled=True)
        many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], initial=["b"])
        note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial="")
        upload = forms.FileField(required=False)

    for form in (Every(), Every(data={"text": "", "check": "on", "many": ["a", "x"]})):
        form.is_valid()
        assert _drawn(form, FastRenderer()) == _drawn(form, FormRenderer())


_INLINE = engines["django"].from_string(
    '{% include "includes/inline_field.html" with column=column check_column=check_column '
    "hint=hint %}"
)


class _Bar(forms.Form):
    q = forms.CharField(label="搜索 <名称>", required=False, help_text="名称 & 代码")
    town = forms.ChoiceField(label="镇街", choices=[("", "---------"), ("1", "甲 & 乙")])
    year = forms.IntegerField(label="年份", required=False, help_text="计划年份")
    mine = forms.BooleanField(label="我的", required=False)


@pytest.mark.parametrize("data", [None, {"year": "x", "town": "9", "mine": "on"}, {"q": "a"}])
@pytest.mark.parametrize("hint", [False, True])
@pytest.mark.parametrize("check_column", ["", "col-auto"])
def test_an_inline_field_draws_as_its_template(
    data: dict[str, str] | None, hint: bool, check_column: str
) -> None:
    form = _Bar(data=data)
    for field in form:
        context = {"field": field, "column": "col-6 col-md-2", "check_column": check_column}
        expected = _INLINE.render({**context, "hint": hint})
        assert inline_field(field, "col-6 col-md-2", check_column, hint) == expected, field.name


def test_an_inline_field_without_a_column_draws_as_its_template() -> None:
    field = _Bar()["q"]
    template = engines["django"].from_string('{% include "includes/inline_field.html" %}')
    assert inline_field(field) == template.render({"field": field})
