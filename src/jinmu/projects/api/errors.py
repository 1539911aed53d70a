"""How the project API answers a service's refusal (the version a client read is
`jinmu.api.versions`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import APIException, ValidationError

from jinmu.api.exceptions import version_conflict
from jinmu.core.services import StaleObjectError


def as_400(error: DjangoValidationError, rename: dict[str, str] | None = None) -> APIException:
    """A service's refusal as DRF's per-field 400 (keys renamed by `rename`; a stale version:
    409 under `expected_version`)."""
    if isinstance(error, StaleObjectError):
        return version_conflict(error)
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                (rename or {}).get(key, "non_field_errors" if key == "__all__" else key): value
                for key, value in error.message_dict.items()
            }
        )
    return ValidationError({"non_field_errors": error.messages})


@contextmanager
def refused_as_400(rename: dict[str, str] | None = None) -> Iterator[None]:
    """Run a service write; its refusal is raised as the API's 400 (or 409), see `as_400`."""
    try:
        yield
    except DjangoValidationError as error:
        raise as_400(error, rename) from error
