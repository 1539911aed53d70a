"""Request parsers of the API: refuse control characters in any text of a request body.

Every body (JSON, form, multipart) passes through here before a serializer sees it, so no
operation can store a string holding C0/C1 control characters, lone surrogates, noncharacters
or bidirectional overrides; tab and line breaks pass (multi-line fields take them; the model
field validators refuse them in single-line fields). The refusal is a 400 naming each field.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

from jinmu.core.validators import refused_in_data


def _check(data: Any) -> Any:
    """Raise a 400 naming the fields whose text holds a refused character."""
    if isinstance(data, QueryDict):
        found: dict[str, str] = {}
        for key, values in data.lists():
            for message in refused_in_data(values).values():
                found.setdefault(key, message)
    else:
        found = refused_in_data(data)
    if found:
        raise ValidationError({key: [message] for key, message in found.items()})
    return data


class JSONParser(parsers.JSONParser):
    """JSON bodies, checked for control characters."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        """Parse, then check every string."""
        return _check(super().parse(stream, media_type, parser_context))


class FormParser(parsers.FormParser):
    """URL-encoded form bodies, checked for control characters."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        """Parse, then check every field."""
        return _check(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    """Multipart bodies: the form fields are checked (files are checked by their own rules)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        """Parse, then check every form field."""
        result = super().parse(stream, media_type, parser_context)
        _check(result.data)
        return result
