"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from jinmu.core.services import StaleObjectError

T = TypeVar("T")


def bootstrap(form: forms.BaseForm) -> None:
    """Tabler classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        else:
            widget.attrs.setdefault("class", "form-control")


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, aliases: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal next to its field (renamed by `aliases` where the form calls the
    field otherwise), or above the form when no field matches."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = (aliases or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)


def add_row_errors(
    error: ValidationError,
    prefix: str,
    rows: Sequence[forms.BaseForm],
    aliases: Mapping[str, str] | None = None,
) -> list[str]:
    """Put a service's "<prefix>.<i>.<field>" errors (a batch written all-or-nothing) on the
    i-th of `rows`, on the field (`aliases` maps service names onto form fields) or the row as
    a whole; returns the errors that belong to no row, for the top of the page."""
    if not hasattr(error, "error_dict"):
        return [str(message) for message in error.messages]
    loose: list[str] = []
    for key, messages_ in error.message_dict.items():
        pieces = key.split(".")
        number = pieces[1] if len(pieces) >= 2 else ""
        index = int(number) if number.isascii() and number.isdecimal() and len(number) < 7 else -1
        if pieces[0] != prefix or not 0 <= index < len(rows):
            loose.extend(messages_)
            continue
        form = rows[index]
        name = (aliases or {}).get(pieces[2], pieces[2]) if len(pieces) > 2 else None
        # A hidden field shows no errors: its message goes on the row instead.
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        for message in messages_:
            form.add_error(name if shown else None, message)
    return loose


def try_write(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[], T],
    aliases: Mapping[str, str] | None = None,
) -> tuple[T | None, int]:
    """Run a service write for a form page: what it wrote; or a stale write as one page
    message (the form keeps the user's input) with 409; or any other refusal on the form field
    by field. Returns (the written row or None, the status to render the form with)."""
    try:
        return write(), 200
    except StaleObjectError as error:
        messages.error(request, error.messages[0])
        return None, 409
    except ValidationError as error:
        add_service_errors(form, error, aliases)
        return None, 200


def run_write(
    request: HttpRequest,
    form: forms.BaseForm,
    write: Callable[[], Any],
    success: str,
    aliases: Mapping[str, str] | None = None,
) -> tuple[bool, int]:
    """`try_write` with a success message when it saved. Returns (saved, the status to render
    the form with when not saved)."""
    done: list[bool] = []

    def record() -> bool:
        write()
        done.append(True)
        return True

    _, status = try_write(request, form, record, aliases)
    if done:
        messages.success(request, success)
    return bool(done), status


def add_version_field(form: forms.BaseForm, version: int | None, *, required: bool = False) -> None:
    """The hidden `version` the form was opened on (refused if someone saved since); with
    `required` (an edit) a post without it cannot skip the check."""
    form.fields["version"] = forms.IntegerField(
        widget=forms.HiddenInput,
        required=required,
        min_value=1,
        error_messages={
            "required": gettext_lazy(
                "The form did not say which version of the record it was opened on; "
                "reload the page and make your changes again."
            ),
        },
    )
    if version is not None:
        form.initial["version"] = version


def expected_version(form: forms.BaseForm) -> int | None:
    """The version a valid form was opened on (None when it carried none)."""
    value = form.cleaned_data.get("version")
    return int(value) if value is not None else None


def mark_invalid(form: forms.BaseForm) -> None:
    """Tabler's red outline on the fields with errors (after the form was checked)."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            css = widget.attrs.get("class", "")
            if "is-invalid" not in css:
                widget.attrs["class"] = f"{css} is-invalid".strip()
