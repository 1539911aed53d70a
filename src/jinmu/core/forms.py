"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog
from jinmu.core.services import StaleObjectError

T = TypeVar("T")

# Marked for extraction; translated where it is shown.
_KEPT = gettext_noop(
    "Your entries are kept below. Check the other change, then save again to replace it with yours."
)


class FormRenderer(TemplatesSetting):
    """The one form layout: `{{ form }}` renders Tabler markup (labels, field errors in
    Chinese beside each field, hints) from templates/forms/jinmu.html; FORM_RENDERER."""

    form_template_name = "forms/jinmu.html"


def optional_choice(
    model: type[models.Model], label: Any, **extra: Any
) -> forms.ModelChoiceField[Any]:
    """An optional choice of one row of `model` (a filter, or a field with a default): no
    rows until the form's `__init__` sets the queryset the user may pick from. `extra`:
    empty_label, help_text …"""
    return forms.ModelChoiceField(
        label=label, queryset=model._default_manager.none(), required=False, **extra
    )


def bootstrap(form: forms.BaseForm | Mapping[str, forms.Field]) -> None:
    """Tabler classes on every widget (of a form, or of a form class's fields)."""
    fields = form if isinstance(form, Mapping) else form.fields
    for field in fields.values():
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
    if isinstance(error, StaleObjectError):
        show_conflict(form, error)
        return
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


def _shown(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A stored (audit snapshot) value as a person reads it."""
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, bool):
        return str(gettext("yes") if value else gettext("no"))
    return str(value)


def conflict_lines(error: StaleObjectError) -> list[str]:
    """What the other person changed, from the audit log's latest update of the row: who saved
    it when, then each field that now holds another value (empty when nothing is known)."""
    current = error.current
    if current is None or current.pk is None:
        return []
    entry = (
        AuditLog.objects.filter(
            content_type=ContentType.objects.get_for_model(current, for_concrete_model=True),
            object_id=str(current.pk),
            action=AuditAction.UPDATE,
        )
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    if entry is None:
        return []
    fields = {field.attname: field for field in current._meta.concrete_fields}
    who = str(entry.actor) if entry.actor is not None else entry.actor_name
    lines = [
        gettext("{who} saved this record at {time} and changed:").format(
            who=who, time=f"{timezone.localtime(entry.time):%Y-%m-%d %H:%M}"
        )
    ]
    for change in entry.changed_fields:
        field = fields.get(change["field"])
        if change["field"] in ("version", "updated_at") or field is None:
            continue
        lines.append(
            gettext("{field}: now “{after}” (was “{before}”)").format(
                field=capfirst(str(field.verbose_name)),
                after=_shown(field, change["after"]),
                before=_shown(field, change["before"]),
            )
        )
    return lines


def _take_current_version(form: forms.BaseForm, error: StaleObjectError) -> bool:
    """Point the re-rendered form at the row's current version, so that saving again (after
    reading the other change) deliberately replaces it; True when it did."""
    version = getattr(error.current, "version", None)
    if version is None or "version" not in form.fields or not form.is_bound:
        return False
    # A QueryDict (or dict) copy is mutable; the form renders from it, it is validated already.
    data = dict(form.data.items()) if not hasattr(form.data, "copy") else form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
    return True


def show_conflict(form: forms.BaseForm, error: StaleObjectError) -> None:
    """A stale edit on the form: the refusal, the other person's change, the user's entries
    kept (above the fields, as non-field errors)."""
    lines = conflict_lines(error)
    form.add_error(None, [error.messages[0], *lines])
    if lines and _take_current_version(form, error):
        form.add_error(None, gettext(_KEPT))


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
        lines = conflict_lines(error)
        for line in lines:
            messages.warning(request, line)
        if lines and _take_current_version(form, error):
            messages.info(request, gettext(_KEPT))
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


def add_version_field(
    form: forms.BaseForm, version: int | None, *, required: bool | None = None
) -> None:
    """The hidden `version` the form was opened on (refused if someone saved since). Required
    on an edit (a `version` is given, unless `required` says otherwise): a post without it
    cannot skip the check."""
    form.fields["version"] = forms.IntegerField(
        widget=forms.HiddenInput,
        required=version is not None if required is None else required,
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
    _version_errors_on_top(form)


def _version_errors_on_top(form: forms.BaseForm) -> None:
    """A hidden field's error shows nowhere on the page: move the version's to the top."""
    clean = form.clean

    def clean_with_version_errors_on_top() -> Any:
        try:
            return clean()
        finally:
            found: dict[str, Any] | None = getattr(form, "_errors", None)
            errors = found.pop("version", None) if found else None
            if errors:
                form.add_error(None, list(errors))

    if not getattr(clean, "moves_version_errors", False):
        clean_with_version_errors_on_top.moves_version_errors = True  # type: ignore[attr-defined]
        setattr(form, "clean", clean_with_version_errors_on_top)  # noqa: B010


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
