"""Form widgets tuned for long option lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe

from jinmu.core.markup import escape, html_attrs


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option.

    Django renders each option through the template engine, which costs about a tenth of a
    millisecond per option; filter forms with a few hundred options (industry codes, chain
    nodes) spent most of a list page's time there. Optgroups are supported one level deep.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        """The whole <select> element, its options drawn in one pass."""
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = {str(v) for v in self.format_value(value)}
        parts: list[str] = [f"<select{_flat_attrs(final_attrs)}>"]
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                parts.append(f'<optgroup label="{escape(str(option_value))}">')
                parts.extend(_option(v, label, selected) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(_option(option_value, option_label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))


def _flat_attrs(attrs: dict[str, Any]) -> str:
    """The attributes as Django's `flatatt` draws them: those with a value sorted by name, then
    the true booleans sorted by name (`format_html_join` made it slow)."""
    valued = sorted((name, value) for name, value in attrs.items() if not isinstance(value, bool))
    flags = sorted((name, True) for name, value in attrs.items() if value is True)
    return html_attrs(dict(valued + flags))


def _option(value: Any, label: Any, selected: set[str]) -> str:
    """One <option>, marked selected when its value is one of `selected`."""
    text = "" if value is None else str(value)
    mark = " selected" if text in selected else ""
    return f'<option value="{escape(text)}"{mark}>{escape(label)}</option>'
