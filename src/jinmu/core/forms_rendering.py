"""Form widgets and filter-bar fields drawn in Python: the same markup as the templates,
without a template render per field, per option and per attribute list.

A project's page carries the small forms of its record (lifecycle, light, documents), a list
page a filter bar of ten fields; drawn through the templates they cost each page a quarter of
its time (issue 11). `FastRenderer`, the product's form renderer (FORM_RENDERER), draws the
plain widgets (inputs, check boxes, text areas, selects, file inputs, labels) exactly as
`django/forms/widgets/*.html` would, and leaves anything else — a widget with a value to show
beside a file input, an option label that is not text, a template of our own — to the
templates. `inline_field` draws `includes/inline_field.html`. Tests hold each to the template's
output (`test_forms_rendering`, and every form of the product field by field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

from jinmu.core.forms import FormRenderer

_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the value as text, escaped unless marked safe."""
    return str(conditional_escape(value if isinstance(value, SafeData) else str(value)))


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"`, a bare name for True, nothing for
    False."""
    parts = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    """`input.html` (and the text, number, date, hidden … inputs that include it)."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return f"{_input_head(widget)}{shown}{_attrs(widget['attrs'])}>"


def _input_head(widget: Mapping[str, Any]) -> str:
    """`<input type="…" name="…"` of an input widget."""
    return (
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"'
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    """`textarea.html`."""
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


def _file(widget: Mapping[str, Any]) -> str | None:
    """`clearable_file_input.html` without a file already there (None with one)."""
    if widget.get("is_initial"):
        return None
    return f"{_input_head(widget)}{_attrs(widget['attrs'])}>"


def _option(option: Mapping[str, Any]) -> str | None:
    """`select_option.html`; None for a label a template would localise (a number …)."""
    label = option["label"]
    if option["template_name"] != _OPTION_TEMPLATE or not isinstance(label, str | Promise):
        return None
    return (
        f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(str(label))}</option>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    """`select.html`, with its line breaks; None when an option is not plain."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            drawn = _option(option)
            if drawn is None:
                return None
            # The included option template ends with a line break of its own.
            parts.append(f"\n  {drawn}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _label(context: Mapping[str, Any]) -> str:
    """`django/forms/label.html`."""
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return str(label)
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


_WIDGETS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    **{
        f"django/forms/widgets/{name}.html": _input
        for name in (
            "input",
            "text",
            "search",
            "number",
            "email",
            "url",
            "tel",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "color",
            "checkbox",
        )
    },
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/clearable_file_input.html": _file,
    "django/forms/widgets/file.html": _input,
}
_LABEL = "django/forms/label.html"


class FastRenderer(FormRenderer):
    """The product's form renderer, with the plain widgets and labels drawn in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        """The widget's or label's markup; other templates as the templates draw them."""
        if template_name == _LABEL:
            return _label(context)
        draw = _WIDGETS.get(template_name)
        drawn = draw(context["widget"]) if draw is not None else None
        if drawn is None:
            return str(super().render(template_name, context, request))
        return drawn


def inline_field(
    field: Any, column: str = "", check_column: str = "", hint: bool = False
) -> SafeString:
    """`includes/inline_field.html`: one field of a filter bar or one-line form in its grid
    column (a check box at the foot of `check_column`, default `column`), with its label,
    errors, and help text when `hint`."""
    label = conditional_escape(field.label)
    if field.widget_type == "checkbox":
        css = conditional_escape(check_column or column)
        return mark_safe(
            f'\n\n<div class="{css} d-flex align-items-end">\n'
            f'  <label class="form-check mb-2">{field} <span class="form-check-label">{label}'
            "</span></label>\n</div>\n\n"
        )
    required = " required" if field.field.required else ""
    errors = "".join(
        f'<div class="invalid-feedback d-block">{conditional_escape(error)}</div>'
        for error in field.errors
    )
    help_text = field.help_text if hint else ""
    shown = f'<div class="form-hint">{conditional_escape(help_text)}</div>' if help_text else ""
    return mark_safe(
        f'\n\n<div class="{conditional_escape(column)}">\n'
        f'  <label class="form-label{required}" for="{conditional_escape(field.id_for_label)}">'
        f"{label}</label>\n  {field}\n  {errors}\n  {shown}\n</div>\n\n"
    )
