"""The audit log's filter form, behind both the page and its Excel export: `q` (object or user),
`action`, `from` and `to` (YYYY-MM-DD, both days included). A value the log cannot use is an
error on its field, so the page shows it there and the export refuses with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from jinmu.core.choices import AuditAction
from jinmu.core.forms import bootstrap
from jinmu.core.models import AuditLog


class DayField(forms.DateField):
    """A day written YYYY-MM-DD (what the browser's date picker sends), picked from a calendar."""

    input_formats = ["%Y-%m-%d"]
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> dt.date | None:
        """The day, or an error that repeats what was given (cut short)."""
        try:
            return super().to_python(value)
        except ValidationError:
            text = str(value).strip()[:20]
            raise ValidationError(
                gettext("Give the date as YYYY-MM-DD (you gave “{text}”).").format(text=text),
                code="invalid",
            ) from None


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(forms.Form):
    """The filters over the audit log (ids `audit-…`, as the page's labels point to them)."""

    q = forms.CharField(
        label=gettext_lazy("Object or user name"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Object or user name")}),
    )
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        required=False,
        choices=[("", gettext_lazy("All actions")), *AuditAction.choices],
        error_messages={"invalid_choice": gettext_lazy("Choose an action from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "audit-%s")
        super().__init__(*args, **kwargs)
        # `from` is a Python keyword: the period's fields are added by name, not declared.
        self.fields["from"] = DayField(label=gettext_lazy("From"), required=False)
        self.fields["to"] = DayField(label=gettext_lazy("To"), required=False)
        bootstrap(self)

    def clean(self) -> dict[str, Any]:
        """The period runs forwards."""
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", gettext("The end date is before the start date."))
        return data

    def filter(self, entries: QuerySet[AuditLog]) -> QuerySet[AuditLog]:
        """`entries` matching the filters (none while a filter is invalid)."""
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if q := data["q"]:
            entries = entries.filter(Q(object_repr__icontains=q) | Q(actor_name=q))
        if data["action"]:
            entries = entries.filter(action=data["action"])
        # The calendar's first and last days bound nothing (and their midnights would overflow
        # when the database turns them into UTC).
        if (start := data["from"]) and start > dt.date.min:
            entries = entries.filter(time__gte=_midnight(start))
        if (end := data["to"]) and end < dt.date.max:
            entries = entries.filter(time__lt=_midnight(end + dt.timedelta(days=1)))
        return entries

    def error_text(self) -> str:
        """The filters' errors as one line of plain text."""
        return " ".join(str(message) for errors in self.errors.values() for message in errors)
