"""The target settings page: the county's status thresholds (points behind 序时 from which a
target turns yellow, and beyond which red). The industry office keeps them; practice.md gives
the defaults, and a county without its own row follows its city's or province's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jinmu.core.forms import run_write
from jinmu.core.models import Region
from jinmu.core.services import StaleObjectError, save_object
from jinmu.core.types import AuthedRequest, User
from jinmu.targets.forms.settings import TargetSettingsForm
from jinmu.targets.models import TargetSettings, target_settings_for
from jinmu.targets.services import county_of_manager


def _save(row: TargetSettings, actor: User, expected: int | None) -> TargetSettings:
    """Save the row in its own atomic block; a county row created by someone else at the same
    moment (the unique region) is a stale edit, not a 500."""
    try:
        with transaction.atomic():
            return save_object(row, actor=actor, expected_version=expected)
    except IntegrityError as error:
        raise StaleObjectError(
            _(
                "Someone else saved these settings after you opened them; "
                "reload the page to see their values."
            )
        ) from error


@login_required
@require_http_methods(["GET", "POST"])
def target_settings(request: AuthedRequest) -> HttpResponse:
    """Show and change the thresholds of the user's county."""
    county_code = county_of_manager(request.user).code
    current = target_settings_for(county_code)
    inherited_from: Region | None = None
    own = current.pk is not None and current.region_id == county_code
    if not own:
        if current.pk is not None:
            inherited_from = Region.objects.filter(code=current.region_id).first()
        # Inherited (or the defaults): saving creates the county's own row with those values.
        current = TargetSettings(
            region_id=county_code,
            yellow_points=current.yellow_points,
            red_points=current.red_points,
        )
    form = TargetSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            row = form.save(commit=False)
            row.region_id = county_code
            version = form.cleaned_data.get("version")
            # A form opened while the county had no row of its own carries no version; when a
            # row appeared meanwhile, version 0 makes the write stale instead of overwriting it.
            expected = (version if version is not None else 0) if own else None
            saved, status = run_write(
                request,
                form,
                lambda: _save(row, request.user, expected),
                _("Settings saved."),
            )
            if saved:
                return redirect("targets:settings")
            status = 409 if status == 409 else 400
    return render(
        request,
        "targets/settings_form.html",
        {
            "form": form,
            "inherited": not own,
            "inherited_from": inherited_from,
            "title": _("Target settings"),
        },
        status=status,
    )


urlpatterns = [path("settings/", target_settings, name="settings")]
