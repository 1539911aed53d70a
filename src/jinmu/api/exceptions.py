"""API errors: Django ValidationErrors from services become 400s with per-field messages; a
stale version and a row still in use become 409s."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from jinmu.core.services import InUseError, StaleObjectError, in_use_error
from jinmu.core.uploads import too_large_message


class VersionConflict(exceptions.APIException):
    """409: the write names no version, or an older one than the row holds now."""

    status_code = 409
    default_detail = "version conflict"
    default_code = "stale"


class InUse(exceptions.APIException):
    """409: the row is still used by others (a protected or restricted foreign key)."""

    status_code = 409
    default_detail = "in use"
    default_code = "in_use"


def version_conflict(error: StaleObjectError) -> VersionConflict:
    """A stale (or missing) version as a 409 with the message under `expected_version`."""
    return VersionConflict({"expected_version": error.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Translate model/service validation errors into DRF's 400 shape (a stale version: 409)."""
    if isinstance(exc, RequestDataTooBig):
        return _too_large(context)
    if isinstance(exc, ProtectedError | RestrictedError):
        exc = in_use_error(exc)
    if isinstance(exc, StaleObjectError):
        exc = version_conflict(exc)
    elif isinstance(exc, InUseError):
        exc = InUse({"non_field_errors": exc.messages})
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail: Any = {
                ("non_field_errors" if k == "__all__" else k): v
                for k, v in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)


def _too_large(context: dict[str, Any]) -> Response:
    """413 with the size message (the body was larger than Django reads into memory)."""
    request = context.get("request")
    meta = getattr(request, "META", {})
    try:
        size = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    return Response({"detail": too_large_message(size)}, status=413)
