"""The ledger settings page: a county's light thresholds, report deadline, lead deadlines and
attraction eligibility rules (the industry office keeps them; practice.md gives the defaults)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.core.forms import add_version_field, bootstrap, show_conflict
from jinmu.core.services import StaleObjectError, save_object
from jinmu.projects.choices import AttractionExclusion
from jinmu.projects.models import WAN, LedgerSettings, settings_for
from jinmu.projects.permissions import can_approve_plans

# Thresholds the lights are computed from: changing one recomputes the county's lights (the
# others are read when a page is shown).
_LIGHT_FIELDS = (
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
        fields = (*_LIGHT_FIELDS, *_LEAD_FIELDS, *_MONEY_FIELDS, "attraction_excluded")

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
                data[name] = data[name] * WAN
        return data


@login_required
def ledger_settings(request: HttpRequest) -> HttpResponse:
    """Show and change the settings of the user's county."""
    region = getattr(request.user, "region", None)
    if not can_approve_plans(request.user) or region is None:
        raise PermissionDenied
    county_code = region.code[:6]
    current = settings_for(county_code)
    if current.region_id != county_code:
        # Inherited (or defaults): editing creates the county's own row with those values.
        current.pk = None
        current.region_id = county_code
        current.version = 1
    form = LedgerSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        settings_row = form.save(commit=False)
        settings_row.region_id = county_code
        try:
            save_object(
                settings_row,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") if current.pk else None,
            )
        except StaleObjectError as error:
            show_conflict(form, error)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            changed = [name for name in form.changed_data if name in _LIGHT_FIELDS]
            if changed:
                from jinmu.projects.lights import refresh_lights
                from jinmu.projects.models import Project

                count = refresh_lights(Project.objects.in_region(county_code))
                messages.success(
                    request, _("Settings saved; %(count)s lights recomputed.") % {"count": count}
                )
            else:
                messages.success(request, _("Settings saved."))
            return redirect("projects:settings")
    return render(
        request,
        "projects/settings_form.html",
        {"form": form, "inherited": current.pk is None, "title": _("Ledger settings")},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [path("settings/", ledger_settings, name="settings")]
