"""Filters shared by the list pages and the API: ids and whole numbers within 64 bits.

django-filter's NumberFilter reads a decimal, so `?enterprise=1e20` became a lookup with a
number no database column holds. These filters read a whole number in range and otherwise make
the filter form invalid: a 400 with the field's message in the API, the message on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_filters
from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinmu.core.lookups import INT64_MAX, INT64_MIN
from jinmu.core.widgets import FastSelect


class WholeNumberField(forms.IntegerField):
    """A whole number within 64 bits (a year, a count)."""

    default_error_messages = {
        "invalid": _("Enter a whole number."),
        "min_value": _("The number is too small."),
        "max_value": _("The number is too large."),
    }
    # The smallest value accepted unless the field is given its own `min_value`.
    lowest = INT64_MIN

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", self.lowest)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class IdField(WholeNumberField):
    """A row id: a whole number from 1 to 2^63 − 1."""

    default_error_messages = {
        "invalid": _("Enter the id as a whole number."),
        "min_value": _("An id is a whole number from 1 up."),
        "max_value": _("No record has an id this large."),
    }
    lowest = 1


class IdFilter(django_filters.NumberFilter):
    """Filter by the id of a related row (`?enterprise=12`)."""

    field_class = IdField


class WholeNumberFilter(django_filters.NumberFilter):
    """Filter by a whole number (`?year=2026`)."""

    field_class = WholeNumberField


def search_filter(help_text: str | Promise) -> django_filters.CharFilter:
    """The `q` search of a list: free text, read by the FilterSet's `filter_q`."""
    return django_filters.CharFilter(label=_("Search"), method="filter_q", help_text=help_text)


def search_box(form: forms.BaseForm, placeholder: str | Promise) -> None:
    """Show the form's `q` (if it has one) as a search input with `placeholder`, without the
    browser's autocomplete."""
    if "q" in form.fields:
        widget = form.fields["q"].widget
        widget.input_type = "search"
        widget.attrs.update({"placeholder": placeholder, "autocomplete": "off"})


def fast_selects(form: forms.BaseForm) -> None:
    """Render the form's selects with `FastSelect` (a NullBooleanSelect maps its own option
    values and is kept)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.NullBooleanSelect):
            field.widget = FastSelect(attrs=widget.attrs, choices=widget.choices)


class ValuesChoiceIterator(forms.models.ModelChoiceIterator):  # type: ignore[type-arg]
    """A model select's options read as plain values, not one model instance per option (a
    county has hundreds of chain nodes): the same values, labels and order."""

    field: ValuesChoiceField

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        """The empty choice, then (value, label) of each row in the queryset's order."""
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        key = self.field.to_field_name or "pk"
        # Plain rows need no prefetched relations (and `iterator()` refuses them unchunked).
        rows = self.queryset.prefetch_related(None).values_list(key, *self.field.label_fields)
        for value, *parts in rows.iterator():
            # As the models' __str__: the parts joined, a missing one left out.
            yield value, " · ".join(str(part) for part in parts if part is not None)


class ValuesChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ModelChoiceField whose options are read with `values_list`; the label is the
    `label_fields` joined by " · " and must equal the model's __str__. Validation (and the
    cleaned value, a model instance) is ModelChoiceField's."""

    iterator = ValuesChoiceIterator

    def __init__(
        self, *args: Any, label_fields: tuple[str, ...] = ("name",), **kwargs: Any
    ) -> None:
        self.label_fields = label_fields
        super().__init__(*args, **kwargs)


class ValuesChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter with a ValuesChoiceField (pass `label_fields` if not "name")."""

    field_class = ValuesChoiceField
