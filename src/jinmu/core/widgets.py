"""Form widgets tuned for long option lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option.

    Django renders each option through the template engine, which costs about a tenth of a
    millisecond per option; filter forms with a few hundred options (industry codes, chain
    nodes) spent most of a list page's time there. Optgroups are supported one level deep.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        """The whole <select> element."""
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        parts: list[str] = [format_html("<select{}>", flatatt(final_attrs))]
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                parts.append(format_html('<optgroup label="{}">', str(option_value)))
                parts.extend(self._options(option_label, selected))
                parts.append("</optgroup>")
            else:
                parts.extend(self._options([(option_value, option_label)], selected))
        parts.append("</select>")
        return mark_safe("".join(parts))

    @staticmethod
    def _options(choices: Iterable[tuple[Any, Any]], selected: set[str]) -> list[str]:
        out = []
        for option_value, option_label in choices:
            text = "" if option_value is None else str(option_value)
            mark = " selected" if text in selected else ""
            out.append(
                f'<option value="{conditional_escape(text)}"{mark}>'
                f"{conditional_escape(option_label)}</option>"
            )
        return out
