"""`{{ project|choice_label:"status" }}`: what `project.get_status_display` shows, from the
field's labels kept per process (the method rebuilds a dict of every choice on each call,
a tenth of a millisecond for the statuses of every kind)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.db.models import Model
from django.template.defaultfilters import date as date_filter
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

register = template.Library()

# (model, field name) → the field's attribute and its labels by value.
_LABELS: dict[tuple[type[Model], str], tuple[str, dict[Any, Any]]] = {}


def _labels(model: type[Model], name: str) -> tuple[str, dict[Any, Any]]:
    found = _LABELS.get((model, name))
    if found is None:
        field = model._meta.get_field(name)
        found = (field.attname, dict(make_hashable(field.flatchoices)))  # type: ignore[union-attr]
        _LABELS[(model, name)] = found
    return found


@register.filter
def choice_label(record: Model, name: str) -> Any:
    """The label of `record`'s choice field `name`, in the active language (the value itself
    when it is not a choice), as `get_<name>_display()` gives it."""
    attname, labels = _labels(type(record), name)
    value = getattr(record, attname)
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


# `|iso_day` and `|iso_minute` are `|date:"Y-m-d"` and `|date:"Y-m-d H:i"` written out for dates
# and times: the date filter's format machinery cost a record page a few tenths of a
# millisecond (issue 11). Both take times in the local zone, as the date filter does.


@register.filter(expects_localtime=True)
def iso_day(value: Any) -> str:
    """`value|date:"Y-m-d"`."""
    if type(value) is dt.date or type(value) is dt.datetime:
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return str(date_filter(value, "Y-m-d"))


@register.filter(expects_localtime=True)
def iso_minute(value: Any) -> str:
    """`value|date:"Y-m-d H:i"`."""
    if type(value) is dt.datetime:
        return (
            f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
            f" {value.hour:02d}:{value.minute:02d}"
        )
    return str(date_filter(value, "Y-m-d H:i"))
