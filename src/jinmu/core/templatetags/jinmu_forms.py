"""Form fields drawn in Python: `{% inline_field field column="…" %}` draws what
`includes/inline_field.html` draws, without a template include per field (a filter bar has ten)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from jinmu.core import forms_rendering

register = template.Library()


@register.simple_tag
def inline_field(
    field: Any, column: str = "", check_column: str = "", hint: bool = False
) -> SafeString:
    """One field of a filter bar in its grid column (see `includes/inline_field.html`)."""
    return forms_rendering.inline_field(field, column, check_column, hint)
