"""Forms of the weekly schedule (周调度): the phone report form, the bulletin's week, and the
Excel imports of the ledger and of a week's reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core.views_excel import workbook_field
from jinmu.projects import weeks
from jinmu.projects.bulletin import check_week
from jinmu.projects.forms.fields import TablerForm
from jinmu.projects.models import Milestone
from jinmu.projects.weeks import iso_label, parse_iso_week


class MilestoneChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """The project's unfinished milestones, each labelled with its planned end."""

    def label_from_instance(self, obj: Any) -> str:
        """'Main structure topped out (planned 2026-11-20)'."""
        return _("%(name)s (planned end %(end)s)") % {
            "name": obj.name,
            "end": obj.planned_end.isoformat(),
        }


def _phone_number(inputmode: str, **attrs: str) -> forms.NumberInput:
    """A large, non-negative number input that opens the phone's `inputmode` keypad (reports
    are typed on site)."""
    return forms.NumberInput(
        attrs={"inputmode": inputmode, "min": "0", "class": "form-control form-control-lg", **attrs}
    )


def _week_field(**kwargs: Any) -> forms.CharField:
    """An optional week, typed as ISO text (2026-W48): `kwargs` give its widget and help."""
    return forms.CharField(label=gettext_lazy("Week"), required=False, max_length=10, **kwargs)


class ReportForm(TablerForm):
    """The few figures a weekly report asks; amounts in 万元 (stored in yuan)."""

    outline_errors = False

    week = forms.CharField(widget=forms.HiddenInput)
    invested_wan = forms.DecimalField(
        label=gettext_lazy("Investment completed this week (万元)"),
        max_digits=14,
        decimal_places=4,
        widget=_phone_number("decimal", step="any", autocomplete="off"),
    )
    percent_complete = forms.IntegerField(
        label=gettext_lazy("Percent complete (形象进度 %)"),
        widget=_phone_number("numeric", max="100"),
    )
    progress_text = forms.CharField(
        label=gettext_lazy("Progress this week"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    completed_milestones = MilestoneChoiceField(
        label=gettext_lazy("Milestones finished"),
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, milestones: list[Milestone] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["completed_milestones"]
        assert isinstance(field, MilestoneChoiceField)
        ids = [m.pk for m in milestones or []]
        field.queryset = Milestone.objects.filter(pk__in=ids).order_by(
            "planned_end", "sort_order", "pk"
        )


class WeekForm(TablerForm):
    """The week of the bulletin (ISO week; browsers with a week picker send 2026-W48)."""

    outline_errors = False

    week = _week_field(
        widget=forms.TextInput(
            attrs={
                "type": "week",
                "placeholder": "2026-W48",
                "pattern": r"\d{4}-?[Ww]\d{1,2}",
            }
        ),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_week(self) -> dt.date:
        """An ISO week that has begun; blank means the current week."""
        text = self.cleaned_data.get("week") or ""
        monday = weeks.parse_iso_week(text) if text.strip() else weeks.monday_of(self.today)
        check_week(monday, today=self.today)
        return monday


class ProjectImportForm(forms.Form):
    """The filled-in ledger workbook."""

    file = workbook_field()


class ReportImportForm(TablerForm):
    """The filled-in report workbook, and the week for rows that leave 周次 empty."""

    outline_errors = False

    week = _week_field(
        help_text=gettext_lazy("ISO week such as 2026-W47, for rows whose 周次 is empty."),
        widget=forms.TextInput(attrs={"placeholder": "2026-W47"}),
    )
    file = workbook_field()

    def clean_week(self) -> str:
        """An ISO week, written the standard way."""
        text = str(self.cleaned_data.get("week") or "").strip()
        return iso_label(parse_iso_week(text)) if text else ""
