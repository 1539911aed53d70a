"""Filters shared by the list pages and the API: ids and whole numbers within 64 bits.

django-filter's NumberFilter reads a decimal, so `?enterprise=1e20` became a lookup with a
number no database column holds. These filters read a whole number in range and otherwise make
the filter form invalid: a 400 with the field's message in the API, the message on the page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod, QuerySetRequestMixin

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


def fast_selects(form: forms.BaseForm | Mapping[str, forms.Field]) -> None:
    """Render the form's selects (or those of a form class's fields) with `FastSelect` (a
    NullBooleanSelect maps its own option values and is kept)."""
    fields = form if isinstance(form, Mapping) else form.fields
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select) and not isinstance(
            widget, forms.NullBooleanSelect | FastSelect
        ):
            field.widget = FastSelect(attrs=widget.attrs, choices=widget.choices)


def _per_request(filter_: django_filters.Filter) -> bool:
    """Whether the filter's rows depend on the request (a callable queryset)."""
    return isinstance(filter_, QuerySetRequestMixin) and callable(filter_.queryset)


def _unbound_field(filter_: django_filters.Filter) -> forms.Field:
    """The form field of a copy of `filter_`; without rows when they depend on the request (the
    form is given them, `KeptFormFilterSet.form`)."""
    filter_ = copy.deepcopy(filter_)
    if _per_request(filter_):
        filter_.queryset = None
        filter_.extra["queryset"] = None
    field: forms.Field = filter_.field
    return field


# Form classes by filterset class and language (labels are translated when a form is built),
# with the filters they were built from (`add_filters` replaces a class's filters).
_FORM_CLASSES: dict[tuple[type[Any], str | None], tuple[Mapping[str, Any], type[Any]]] = {}


class KeptFormFilterSet(django_filters.FilterSet):
    """A filterset whose form class is built once per class and language, not on each request.

    django-filter builds a new form class, with a new field per filter, for each request (a
    millisecond or two for a list's filter bar). A form class may prepare its fields' widgets
    once there too (`prepare_fields(fields)`, a classmethod), rather than each form in its
    `__init__`. Here the fields of filters whose rows depend
    on the request (a callable queryset: the user's towns …) are built without rows, and each
    form is given the request's rows; everything else is the same form.
    """

    def __init__(
        self,
        data: Any = None,
        queryset: Any = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        """As django-filter's, but each filter copied shallowly: its deep copy of every filter
        (labels, querysets, option lists) cost a list page about a millisecond. A filter's own
        state for one request is its `model`, `parent`, the form field it builds and the
        FilterMethod through which a `method=` filter finds its filterset."""
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.__dict__.pop("_field", None)
            if isinstance(filter_.__dict__.get("filter"), FilterMethod):
                filter_.filter = FilterMethod(filter_)
            filter_.model = queryset.model
            filter_.parent = self
            self.filters[name] = filter_

    def get_form_class(self) -> type[forms.Form]:
        """This filterset's form class in the active language (built on first use)."""
        cls = type(self)
        key = (cls, get_language())
        found = _FORM_CLASSES.get(key)
        if found is None or found[0] is not cls.base_filters:
            fields = {name: _unbound_field(f) for name, f in cls.base_filters.items()}
            form_class: Any = type(f"{cls.__name__}Form", (self._meta.form,), fields)
            prepare = getattr(form_class, "prepare_fields", None)
            if prepare is not None:
                prepare(form_class.base_fields)
            found = _FORM_CLASSES[key] = (cls.base_filters, form_class)
        return found[1]

    @property
    def form(self) -> Any:
        """The filter form, its request-dependent fields given the request's rows (read when
        first needed, by a ValuesChoiceField) and the filters' kept options (`keep_options`)."""
        if not hasattr(self, "_form"):
            form = super().form
            for name, filter_ in self.filters.items():
                field = form.fields.get(name)
                if field is None:
                    continue
                if _per_request(filter_):
                    rows = partial(filter_.get_queryset, self.request)
                    if isinstance(field, ValuesChoiceField):
                        field.rows = rows
                    else:
                        field.queryset = rows()
                keep = getattr(filter_, "keep_options", None)
                if keep is not None:
                    keep(field, self.request, form)
        return self._form


class ValuesChoiceIterator(forms.models.ModelChoiceIterator):  # type: ignore[type-arg]
    """A model select's options read as plain values, not one model instance per option (a
    county has hundreds of chain nodes): the same values, labels and order."""

    field: ValuesChoiceField

    def __init__(self, field: ValuesChoiceField) -> None:
        # The rows are the field's when iterated (`ValuesChoiceField.rows` reads them late).
        self.field = field

    @property
    def queryset(self) -> Any:  # type: ignore[override]
        """The field's rows."""
        return self.field.queryset

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
    # Reads the rows when they are first needed (a value to check, options to draw); set by
    # `KeptFormFilterSet`: a select whose options are kept never builds its queryset.
    rows: Callable[[], Any] | None = None

    def __init__(
        self, *args: Any, label_fields: tuple[str, ...] = ("name",), **kwargs: Any
    ) -> None:
        self.label_fields = label_fields
        super().__init__(*args, **kwargs)

    def _get_queryset(self) -> Any:
        if self.rows is not None:
            rows, self.rows = self.rows, None
            found = rows()
            self._queryset = None if found is None else found.all()
        return self._queryset

    def _set_queryset(self, queryset: Any) -> None:
        self.rows = None
        forms.ModelChoiceField._set_queryset(self, queryset)  # type: ignore[attr-defined]

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """A copy whose options are its own rows, also while it has none yet (Django points
        the copy's options at its queryset only when there is one)."""
        result = super().__deepcopy__(memo)
        if self._queryset is None:
            result.widget.choices = result.choices
        return result

    queryset = property(_get_queryset, _set_queryset)


class ValuesChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter with a ValuesChoiceField (pass `label_fields` if not "name")."""

    field_class = ValuesChoiceField
