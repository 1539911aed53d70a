"""Many rows of one serializer, each field's reading worked out once, not per row or request.

DRF reads every field of every row through the same general path (the source walked
attribute by attribute, callables called, errors caught, a stand-in object for a related
id), and builds the serializer's fields anew for each request (a model serializer inspects
its model field by field): together a third of an API list's time. `FastListSerializer`
decides per field how to read it — a column or an annotation straight from the row, a
related id from its `<name>_id`, a method field through its method — and shows each value
by the field's own `to_representation`, as DRF does, so the output is the same. A field it
does not know is read by DRF's own `get_attribute`.

The plan is kept per serializer class when no field depends on the request (fields that
only turn a value into JSON: text, numbers, decimals, dates, choices, ids, slugs; method
fields are called on the request's own serializer); a serializer with any other field
(nested serializers, links, files) or its own way of building fields is planned per page.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from operator import attrgetter
from typing import Any

from django.db import models
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField
from rest_framework.serializers import LIST_SERIALIZER_KWARGS, LIST_SERIALIZER_KWARGS_REMOVE
from rest_framework.settings import api_settings

_SKIP = object()

# Fields whose reading and showing depend only on the row: DRF's own implementations.
_PURE_FIELDS = (
    drf_fields.CharField,
    drf_fields.IntegerField,
    drf_fields.BigIntegerField,
    drf_fields.FloatField,
    drf_fields.DecimalField,
    drf_fields.BooleanField,
    drf_fields.DateTimeField,
    drf_fields.DateField,
    drf_fields.TimeField,
    drf_fields.DurationField,
    drf_fields.UUIDField,
    drf_fields.ChoiceField,
    drf_fields.MultipleChoiceField,
    drf_fields.JSONField,
    drf_fields.ReadOnlyField,
    drf_fields.ModelField,
    relations.PrimaryKeyRelatedField,
    relations.SlugRelatedField,
    relations.StringRelatedField,
)
_PURE_SHOWING = {cls.to_representation for cls in _PURE_FIELDS}
_PURE_READING = {
    drf_fields.Field.get_attribute,
    relations.RelatedField.get_attribute,
    relations.ManyRelatedField.get_attribute,
}
# What a serializer may not override for its plan to be kept: how its fields are built.
_BUILDING = ("__init__", "get_fields", "fields", "_readable_fields", "to_representation")

Plan = list[tuple[str, Callable[[Any], Any], Any]]
# Plans by serializer class (None: planned per page).
_PLANS: dict[type[Any], Plan | None] = {}


def _reader(field: Any) -> Callable[[Any], Any]:
    """How to read `field`'s value from a row (None shown as null, `_SKIP` left out)."""
    if isinstance(field, serializers.SerializerMethodField):
        return _row
    attrs = field.source_attrs
    if len(attrs) != 1 or isinstance(field, serializers.ModelField | serializers.ManyRelatedField):
        return _generic(field)
    if isinstance(field, PrimaryKeyRelatedField) and field.pk_field is None:
        # DRF's pk-only reading: the row's `<name>_id`, shown as it is.
        name = attrs[0]
        return lambda row: row.serializable_value(name)
    if isinstance(field, serializers.RelatedField):
        return _generic(field)
    return _plain(field, attrs[0])


def _row(row: Any) -> Any:
    return row


def _plain(field: Any, name: str) -> Callable[[Any], Any]:
    """A row's attribute (a column or an annotation); DRF's path for anything else."""
    get = attrgetter(name)
    generic = _generic(field)

    def read(row: Any) -> Any:
        try:
            value = get(row)
        except AttributeError:
            return generic(row)
        return generic(row) if callable(value) else value

    return read


def _generic(field: Any) -> Callable[[Any], Any]:
    """DRF's own reading (`get_attribute`), a related id unwrapped."""

    def read(row: Any) -> Any:
        try:
            value = field.get_attribute(row)
        except SkipField:
            return _SKIP
        if isinstance(value, PKOnlyObject):
            return value if value.pk is not None else None
        return value

    return read


def _shower(field: Any) -> Callable[[Any], Any] | str:
    """How a read value is shown: a related id as its field shows a stand-in for it; a method
    field by its method's name (looked up on the serializer of the request)."""
    if isinstance(field, serializers.SerializerMethodField):
        return str(field.method_name)
    if isinstance(field, PrimaryKeyRelatedField) and field.pk_field is None:
        return lambda value: value.pk if isinstance(value, PKOnlyObject) else value
    if type(field).to_representation is drf_fields.DecimalField.to_representation:
        return _decimal(field)
    if type(field).to_representation is drf_fields.DateTimeField.to_representation:
        return _datetime(field)
    show: Callable[[Any], Any] = field.to_representation
    return show


def _decimal(field: Any) -> Callable[[Any], Any]:
    """DRF's showing of a decimal as text, with the quantum and the context worked out once a
    page rather than once a value (`DecimalField.quantize` copies the context each time)."""
    coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
    if (
        not coerce
        or field.localize
        or field.normalize_output
        or field.decimal_places is None
        or type(field).quantize is not drf_fields.DecimalField.quantize
    ):
        show: Callable[[Any], Any] = field.to_representation
        return show
    context = decimal.getcontext().copy()
    if field.max_digits is not None:
        context.prec = field.max_digits
    quantum = decimal.Decimal(".1") ** field.decimal_places
    rounding = field.rounding

    def text(value: Any) -> str:
        if not isinstance(value, decimal.Decimal):
            value = decimal.Decimal(str(value).strip())
        return f"{value.quantize(quantum, rounding=rounding, context=context):f}"

    return text


def _datetime(field: Any) -> Callable[[Any], Any]:
    """DRF's showing of an aware datetime in ISO 8601, in the time zone worked out once a page
    (the active one, or the field's own); anything else is left to the field."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    generic: Callable[[Any], Any] = field.to_representation
    if (
        output_format is None
        or output_format.lower() != ISO_8601
        or type(field).enforce_timezone is not drf_fields.DateTimeField.enforce_timezone
    ):
        return generic
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return generic

    def text(value: Any) -> Any:
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            return generic(value)
        try:
            shown = value.astimezone(zone).isoformat()
        except OverflowError:
            return generic(value)
        return shown[:-6] + "Z" if shown.endswith("+00:00") else shown

    return text


def _pure(field: Any) -> bool:
    """Whether `field` reads and shows a row alike in every request."""
    if isinstance(field, serializers.SerializerMethodField):
        return True
    cls = type(field)
    if cls.get_attribute not in _PURE_READING:
        return False
    default = getattr(field, "default", drf_fields.empty)
    if callable(default) and getattr(default, "requires_context", False):
        return False
    if isinstance(field, serializers.ManyRelatedField):
        return _pure(field.child_relation)
    if isinstance(field, drf_fields.ListField | drf_fields.DictField):
        return cls.to_representation in (
            drf_fields.ListField.to_representation,
            drf_fields.DictField.to_representation,
        ) and _pure(field.child)
    return cls.to_representation in _PURE_SHOWING


def _planned(fields: Any) -> Plan:
    return [(field.field_name, _reader(field), field) for field in fields]


def _kept_plan(cls: type[Any]) -> Plan | None:
    """The plan of serializer class `cls`, built from a serializer without a request; None
    when a field (or the way the class builds its fields) may depend on the request."""
    for name in _BUILDING:
        own = getattr(cls, name)
        if own is not getattr(serializers.Serializer, name) and own is not getattr(
            serializers.ModelSerializer, name
        ):
            return None
    fields = list(cls(context={})._readable_fields)
    if not all(_pure(field) for field in fields):
        return None
    return _planned(fields)


def plan_of(child: Any) -> list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]:
    """How to read and show each field of serializer `child`'s rows."""
    cls = type(child)
    if cls not in _PLANS:
        _PLANS[cls] = _kept_plan(cls)
    plan = _PLANS[cls]
    if plan is None:
        plan = _planned(child._readable_fields)
    # How each value is shown is decided once a page: a method of the request's serializer,
    # settings and the decimal context as they are now.
    shown = []
    for name, read, field in plan:
        show = _shower(field)
        shown.append((name, read, getattr(child, show) if isinstance(show, str) else show))
    return shown


class FastListSerializer(serializers.ListSerializer):  # type: ignore[type-arg]
    """The rows of a `many=True` serializer, read field by field as planned once."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        """Each row as the child serializer shows it."""
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        plan = plan_of(self.child)
        out = []
        for row in rows:
            shown: dict[str, Any] = {}
            for name, read, show in plan:
                value = read(row)
                if value is _SKIP:
                    continue
                shown[name] = None if value is None else show(value)
            out.append(shown)
        return out


class FastRowsMixin:
    """A serializer whose `many=True` lists go through `FastListSerializer` (unless its Meta
    names another list class)."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> Any:
        """DRF's `many_init`, with `FastListSerializer` as the default list class."""
        list_kwargs = {}
        for key in LIST_SERIALIZER_KWARGS_REMOVE:
            value = kwargs.pop(key, None)
            if value is not None:
                list_kwargs[key] = value
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({k: v for k, v in kwargs.items() if k in LIST_SERIALIZER_KWARGS})
        meta = getattr(cls, "Meta", None)
        list_class = getattr(meta, "list_serializer_class", FastListSerializer)
        return list_class(*args, **list_kwargs)
