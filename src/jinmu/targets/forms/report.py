"""A department's monthly value of a reported indicator: `ReportValueForm`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jinmu.core.forms import add_version_field, bootstrap
from jinmu.core.types import User
from jinmu.targets.choices import MAX_YEAR, MIN_YEAR, IndicatorSource
from jinmu.targets.forms.target import plain_value
from jinmu.targets.models import Indicator, ReportedValue
from jinmu.targets.services import can_report_indicator

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$", re.ASCII)


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-06"})

    def prepare_value(self, value: Any) -> Any:
        """A date shows as YYYY-MM."""
        if isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        """YYYY-MM → the month's first day."""
        if isinstance(value, dt.date):
            return value.replace(day=1)
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        match = _MONTH.match(text)
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise ValidationError(_("Enter the month as YYYY-MM, e.g. 2026-06."), code="invalid")
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                _("Enter a month between {first} and {last}.").format(
                    first=MIN_YEAR, last=MAX_YEAR
                ),
                code="out_of_range",
            )
        try:
            return dt.date(year, int(match.group(2)), 1)
        except ValueError as error:
            raise ValidationError(
                _("Enter the month as YYYY-MM, e.g. 2026-06."), code="invalid"
            ) from error


class ReportValueForm(forms.Form):
    """A department's value of a reported indicator for one month, with its evidence."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.filter(source=IndicatorSource.REPORTED, is_active=True).order_by(
            "code"
        ),
    )
    month = MonthField(label=_("Month"))
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=4)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The document or statistic the value comes from, e.g. 县统计局2026年6月月报."),
    )

    def __init__(
        self,
        *args: Any,
        user: User | None = None,
        correcting: ReportedValue | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Only the indicators the user may report (a department: those it reports).
            field = cast(forms.ModelChoiceField, self.fields["indicator"])  # type: ignore[type-arg]
            reported = cast(QuerySet[Indicator], field.queryset)
            allowed = [i.pk for i in reported if can_report_indicator(user, i)]
            field.queryset = reported.filter(pk__in=allowed)
        self.fields["value"].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        # A correction carries the version of the value it replaces (a new value none).
        add_version_field(self, correcting.version if correcting is not None else None)
        if correcting is not None:
            self.initial.update(
                {
                    "indicator": correcting.indicator_id,
                    "month": correcting.month,
                    "value": plain_value(correcting.value),
                    "evidence": correcting.evidence,
                }
            )
            # A correction changes the value and its evidence, not which month it is for.
            self.fields["indicator"].disabled = True
            self.fields["month"].disabled = True
        bootstrap(self)
