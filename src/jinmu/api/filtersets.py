"""A base for API filtersets whose filters never depend on the request."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.utils.translation import get_language
from django_filters.filters import QuerySetRequestMixin

# Form classes by (filterset class, language): labels are translated when the form is built.
_FORM_CLASSES: dict[tuple[type[Any], str | None], type[forms.Form]] = {}


class StaticFilterSet(django_filters.FilterSet):
    """A filterset whose form class is built once per language instead of on every request.

    django-filter builds a new form class, with a new field per filter, for each request; when
    no filter's choices depend on the request (no callable queryset), that class never changes.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, filter_ in cls.base_filters.items():
            if isinstance(filter_, QuerySetRequestMixin) and callable(filter_.queryset):
                raise TypeError(f"{cls.__name__}.{name} depends on the request")

    def get_form_class(self) -> type[forms.Form]:
        """The form class of this filterset in the active language (built on first use)."""
        key = (type(self), get_language())
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class
