"""The ledger settings page: a county's light thresholds, report deadline, lead deadlines and
attraction eligibility rules (the industry office keeps them; practice.md gives the defaults)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from jinmu.core.background import task_url
from jinmu.core.forms import add_service_errors
from jinmu.core.models import Region
from jinmu.core.services import save_object
from jinmu.core.types import AuthedRequest
from jinmu.projects.forms.settings import LIGHT_FIELDS, LedgerSettingsForm
from jinmu.projects.models import settings_for
from jinmu.projects.permissions import can_approve_plans
from jinmu.projects.tasks import start_county_lights


@login_required
def ledger_settings(request: AuthedRequest) -> HttpResponse:
    """Show and change the settings of the user's county."""
    region = getattr(request.user, "region", None)
    if not can_approve_plans(request.user) or region is None:
        raise PermissionDenied
    county_code = region.county_code
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
        except ValidationError as error:  # a stale version too: the other change is shown
            add_service_errors(form, error)
        else:
            if any(name in LIGHT_FIELDS for name in form.changed_data):
                # Every light of the county follows the new thresholds: long work, so the
                # worker does it and the user watches its progress.
                county = Region.objects.get(code=county_code)
                task = start_county_lights(actor=request.user, county=county)
                messages.success(request, _("Settings saved; the lights are being recomputed."))
                return redirect(task_url(task))
            messages.success(request, _("Settings saved."))
            return redirect("projects:settings")
    return render(
        request,
        "projects/settings_form.html",
        {"form": form, "inherited": current.pk is None, "title": _("Ledger settings")},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [path("settings/", ledger_settings, name="settings")]
