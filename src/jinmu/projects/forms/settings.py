"""The ledger settings form: a county's light thresholds, report deadline, lead deadlines and
attraction eligibility rules; money in 万元."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core.forms import add_version_field, bootstrap
from jinmu.core.money import WAN, from_wan
from jinmu.projects.choices import AttractionExclusion
from jinmu.projects.models import LedgerSettings

# Thresholds the lights are computed from: changing one recomputes the county's lights (the
# others are read when a page is shown).
LIGHT_FIELDS = (
    "start_red_months",
    "schedule_yellow_points",
    "schedule_red_points",
    "milestone_yellow_days",
    "milestone_red_days",
    "statistics_yellow_months",
    "statistics_red_months",
    "report_due_weekday",
)

_LEAD_FIELDS = (
    "lead_owner_days",
    "lead_assess_days",
    "lead_assess_days_large",
    "lead_feedback_days",
    "lead_follow_up_days",
)

# Money thresholds are entered in 万元 and stored in yuan.
_MONEY_FIELDS = (
    "lead_large_threshold",
    "attraction_min_total",
    "attraction_min_fixed_assets",
    "attraction_big_total",
)


class LedgerSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    """Every threshold of the ledger; money in 万元."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    attraction_excluded = forms.MultipleChoiceField(
        label=gettext_lazy("attraction: excluded categories"),
        choices=AttractionExclusion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LedgerSettings
        fields = (*LIGHT_FIELDS, *_LEAD_FIELDS, *_MONEY_FIELDS, "attraction_excluded")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in _MONEY_FIELDS:
            field = self.fields[name]
            field.label = f"{field.label}".replace(_("(yuan)"), _("(10k yuan)"))
            value = getattr(self.instance, name)
            if value is not None and not self.is_bound:
                self.initial[name] = (value / WAN).normalize()
            field.required = True
        bootstrap(self)
        if self.instance.pk:
            # Editing the county's own row: the version it was opened on is required.
            add_version_field(self, self.instance.version)
        elif not self.is_bound:
            self.initial["version"] = None

    def clean(self) -> dict[str, Any]:
        """Convert 万元 back to yuan."""
        data = super().clean() or {}
        for name in _MONEY_FIELDS:
            if data.get(name) is not None:
                data[name] = from_wan(data[name])
        return data
