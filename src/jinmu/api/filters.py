"""The filter backend of the API lists: a filterset is built only when the query names a filter.

django-filter builds the filterset, its form and every field (selects with their choices) on
each request, only to find every field empty when the query names none of them: up to a
quarter of a list's time. Without a named filter the rows are the same, provided the empty
form is valid and every empty value leaves the rows alone — which `_inert` checks once per
filterset class, on its first unfiltered request.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import FilterSet
from django_filters import filters as django_filters
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.request import Request

# Query parameters that are never filters (the keyset paginator's).
NOT_FILTERS = frozenset({"cursor", "page_size"})
# How django-filter's own filters apply a value; each leaves the rows alone for an empty one.
_PLAIN_FILTERING = {
    django_filters.Filter.filter,
    django_filters.ChoiceFilter.filter,
    django_filters.MultipleChoiceFilter.filter,
}
# Whether an empty query leaves the rows of a filterset class alone (known after its first
# unfiltered request).
_INERT: dict[type[FilterSet], bool] = {}


def names_a_filter(query: Any, filterset_class: type[FilterSet]) -> bool:
    """Whether a query parameter may be read by one of the filters (a widget of several
    inputs reads `<name>_<suffix>`, so a parameter starting with a filter's name counts)."""
    names = tuple(filterset_class.base_filters)
    return any(key not in NOT_FILTERS and key.startswith(names) for key in query)


def _structurally_inert(filterset_class: type[FilterSet]) -> bool:
    """The class filters the rows as django-filter does, with filters that skip empty values."""
    if filterset_class.filter_queryset is not FilterSet.filter_queryset:
        return False
    if filterset_class.qs is not FilterSet.qs:
        return False
    for filter_ in filterset_class.base_filters.values():
        if filter_.extra.get("required"):
            return False
        if filter_.method is None and type(filter_).filter not in _PLAIN_FILTERING:
            return False
    return True


def _inert(filterset: FilterSet) -> bool:
    """Whether `filterset`, bound to a query naming none of its filters, leaves the rows alone:
    a valid form whose every value is empty."""
    cls = type(filterset)
    known = _INERT.get(cls)
    if known is None:
        known = _structurally_inert(cls) and filterset.is_valid()
        if known:
            known = all(value in EMPTY_VALUES for value in filterset.form.cleaned_data.values())
        _INERT[cls] = known
    return known


class NamedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, which leaves the filterset unbuilt when the query names none of
    its filters, once the class is known to leave the rows alone then (or the view says so
    with `unfiltered_is_all = True`, for filters of its own that skip empty values)."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        """The queryset filtered by the filters the query names."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if names_a_filter(request.query_params, filterset_class):
            return super().filter_queryset(request, queryset, view)
        inert = getattr(view, "unfiltered_is_all", None) or _INERT.get(filterset_class)
        if inert:
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if inert is None and _inert(filterset):
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset.qs
