"""The version a client read (`expected_version`): in a write's body or a delete's query.

One copy for every app's API: the help text, the query parameter of a delete, the body field,
a write serializer that takes it, and the validated `?expected_version=`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from jinmu.api.rows import FastRowsMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EXPECTED_VERSION_HELP = _(
    "On update: the version you read. If someone saved in between, the write is refused."
)
EXPECTED_VERSION_PARAMETER = OpenApiParameter(
    "expected_version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    description="The version you read; refused if someone saved in between.",
)

WHOLE_NUMBER = _("Enter a whole number.")

# What every row shows last: its version and timestamps (read only), the version read (written).
STAMPS = ("version", "created_at", "updated_at")
VERSIONED = ("version", "expected_version", "created_at", "updated_at")


def expected_version_field(
    *, help_text: StrOrPromise = EXPECTED_VERSION_HELP, **extra: Any
) -> serializers.IntegerField:
    """The version the client read, in a write's body (optional here; the services say
    whether a write needs it)."""
    return serializers.IntegerField(required=False, min_value=1, help_text=help_text, **extra)


class VersionedSerializer(FastRowsMixin, serializers.ModelSerializer):  # type: ignore[type-arg]
    """A write shape that takes the version the client read (`expected_version`); its lists
    are read by `FastListSerializer`."""

    expected_version = expected_version_field(write_only=True)

    def service_data(self, *, drop: tuple[str, ...] = ()) -> dict[str, Any]:
        """Validated fields without the version (and `drop`), as the services take them."""
        data = dict(self.validated_data)
        for name in ("expected_version", *drop):
            data.pop(name, None)
        return data

    def client_version(self) -> int | None:
        """The version the client read, if it sent one."""
        value = self.validated_data.get("expected_version")
        return int(value) if value is not None else None


def query_version(
    request: Request,
    *,
    minimum: int | None = 1,
    message: StrOrPromise = WHOLE_NUMBER,
) -> int | None:
    """`?expected_version=` of a delete, validated: absent or empty is None; not a whole
    number (or below `minimum`, unless None) is a 400 with `message`."""
    raw = request.query_params.get("expected_version")
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({"expected_version": [message]}) from None
    if minimum is not None and value < minimum:
        raise ValidationError({"expected_version": [message]})
    return value
