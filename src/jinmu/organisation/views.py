"""Organisation pages for the security administrator: users, units and regions of their region.

Every page starts from `admin_prefix` (403 for every other role: 三员分立) and the scoped
querysets of `jinmu.organisation.querysets` (anything outside the region is a 404). Writes go
through `jinmu.organisation.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jinmu.core.choices import Role
from jinmu.core.forms import expected_version, try_write
from jinmu.core.models import Region
from jinmu.core.tables import Table
from jinmu.core.types import AuthedRequest
from jinmu.organisation import services
from jinmu.organisation.forms import (
    PasswordResetForm,
    RegionForm,
    RegionNameForm,
    UnitForm,
    UserForm,
)
from jinmu.organisation.querysets import (
    admin_prefix,
    regions_for,
    search_regions,
    search_units,
    search_users,
    units_for,
    users_for,
)
from jinmu.organisation.tables import REGIONS, UNITS, USERS

PAGE_SIZE = 50


def _search_text(request: AuthedRequest) -> str:
    """The search box's text (at most 100 characters)."""
    return request.GET.get("q", "").strip()[:100]


def _form_page(
    request: AuthedRequest,
    form: Any,
    write: Callable[[], Any],
    success: str | Callable[[Any], str],
    *,
    done: str,
    template: str,
    context: dict[str, Any] | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST runs `write` and returns to `done` with `success` (or
    `success(what write returned)`) as a message; an invalid POST or a refused write shows the
    form again with its errors (400, or the write's status)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            written, status = try_write(request, form, lambda: [write()], aliases)
            if written is not None:
                messages.success(request, success(written[0]) if callable(success) else success)
                return redirect(done)
            status = 400 if status == 200 else status
    return render(request, template, {"form": form, **(context or {})}, status=status)


def _list_page(
    request: AuthedRequest,
    template: str,
    table: Table,
    search: Callable[[str], Any],
    order: tuple[str, ...],
    **filters: Any,
) -> HttpResponse:
    """A searchable list of the region (`search(text)`), a page of `table` at a time."""
    q = _search_text(request)
    table_page = table.page(request, search(q), order=order, page_size=PAGE_SIZE)
    return render(request, template, {"q": q, **filters, "table": table_page})


# -- users ---------------------------------------------------------------------------------------


@login_required
def user_list(request: AuthedRequest) -> HttpResponse:
    """Accounts of the region, searchable by username or name, filterable by role."""
    role = request.GET.get("role", "")
    return _list_page(
        request,
        "organisation/users.html",
        USERS,
        lambda q: search_users(request.user, q, role),
        ("username", "id"),
        role=role,
        roles=Role.choices,
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthedRequest) -> HttpResponse:
    """A new account with an initial password."""
    prefix = admin_prefix(request.user)
    form = UserForm(request.POST or None, prefix=prefix)
    return _form_page(
        request,
        form,
        lambda: services.create_user(
            actor=request.user,
            prefix=prefix,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            data=form.service_data(),
        ),
        lambda created: _(
            "{name} was created. Hand over the initial password; it must be changed "
            "at first sign-in."
        ).format(name=created.username),
        done="organisation:users",
        template="organisation/user_form.html",
        aliases={"password": "password1"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change an account's unit, region, roles, enterprise or contact details."""
    prefix = admin_prefix(request.user)
    account = get_object_or_404(users_for(request.user).select_related("enterprise"), pk=pk)
    form = UserForm(request.POST or None, prefix=prefix, instance=account)
    return _form_page(
        request,
        form,
        lambda: services.update_user(
            actor=request.user,
            user=account,
            prefix=prefix,
            data=form.service_data(),
            expected_fingerprint=form.cleaned_data["fingerprint"],
        ),
        _("The account was saved."),
        done="organisation:users",
        template="organisation/user_form.html",
        context={"account": account},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    """Set a new initial password for an account (not one's own)."""
    admin_prefix(request.user)
    account = get_object_or_404(users_for(request.user), pk=pk)
    form = PasswordResetForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: services.reset_password(
            actor=request.user, user=account, password=form.cleaned_data["password1"]
        ),
        _("The password was reset; the user must change it at next sign-in."),
        done="organisation:users",
        template="organisation/user_password.html",
        context={"account": account},
        aliases={"password": "password1"},
    )


@login_required
@require_POST
def user_active(request: AuthedRequest, pk: int) -> HttpResponse:
    """Deactivate (tokens revoked) or reactivate an account."""
    admin_prefix(request.user)
    account = get_object_or_404(users_for(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_user_active(actor=request.user, user=account, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("organisation:users")
    if active:
        messages.success(request, _("{name} can sign in again.").format(name=account.username))
    else:
        messages.success(
            request,
            _("{name} was deactivated; their API tokens were revoked.").format(
                name=account.username
            ),
        )
    return redirect("organisation:users")


# -- units ---------------------------------------------------------------------------------------


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    """Units of the region, searchable by name."""
    return _list_page(
        request,
        "organisation/units.html",
        UNITS,
        lambda q: search_units(request.user, q),
        ("kind", "name", "id"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthedRequest) -> HttpResponse:
    """A new unit."""
    prefix = admin_prefix(request.user)
    form = UnitForm(request.POST or None, prefix=prefix)
    return _form_page(
        request,
        form,
        lambda: services.create_unit(actor=request.user, prefix=prefix, data=form.service_data()),
        _("The unit was created."),
        done="organisation:units",
        template="organisation/unit_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Change a unit (the form carries the version it was opened on)."""
    prefix = admin_prefix(request.user)
    unit = get_object_or_404(units_for(request.user), pk=pk)
    form = UnitForm(request.POST or None, prefix=prefix, instance=unit)
    return _form_page(
        request,
        form,
        lambda: services.update_unit(
            actor=request.user,
            unit=get_object_or_404(units_for(request.user), pk=pk),
            prefix=prefix,
            data=form.service_data(),
            expected_version=int(expected_version(form) or 0),
        ),
        _("The unit was saved."),
        done="organisation:units",
        template="organisation/unit_form.html",
        context={"unit": unit},
    )


@login_required
@require_POST
def unit_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a unit nothing uses, or deactivate it when in use; `reactivate=1` undoes that."""
    admin_prefix(request.user)
    unit = get_object_or_404(units_for(request.user), pk=pk)
    version = request.POST.get("version", "")
    if not version.isdigit() or len(version) > 9:
        messages.error(request, _("Reload the page and try again."))
        return redirect("organisation:units")
    try:
        if request.POST.get("reactivate") == "1":
            services.reactivate_unit(actor=request.user, unit=unit, expected_version=int(version))
            messages.success(request, _("{name} is active again.").format(name=unit.name))
        elif services.remove_unit(actor=request.user, unit=unit, expected_version=int(version)):
            messages.success(request, _("{name} was deleted.").format(name=unit.name))
        else:
            messages.warning(
                request,
                _(
                    "{name} is in use (users, projects, chains …): it was deactivated instead "
                    "of deleted."
                ).format(name=unit.name),
            )
    except ValidationError as error:  # someone changed the unit since the list was loaded
        messages.error(request, " ".join(error.messages))
    return redirect("organisation:units")


# -- regions -------------------------------------------------------------------------------------


@login_required
def region_list(request: AuthedRequest) -> HttpResponse:
    """Regions inside the administrator's region, in code order."""
    return _list_page(
        request,
        "organisation/regions.html",
        REGIONS,
        lambda q: search_regions(request.user, q),
        ("code",),
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request: AuthedRequest) -> HttpResponse:
    """A new region (e.g. a town the official list does not have yet)."""
    prefix = admin_prefix(request.user)
    form = RegionForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda: services.create_region(
            actor=request.user,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            prefix=prefix,
        ),
        _("The region was created."),
        done="organisation:regions",
        template="organisation/region_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_edit(request: AuthedRequest, code: str) -> HttpResponse:
    """Rename a region, or delete it when nothing uses it."""
    admin_prefix(request.user)
    region = get_object_or_404(regions_for(request.user), code=code)
    if request.method == "POST" and request.POST.get("action") == "delete":
        return _region_delete(request, region)
    form = RegionNameForm(request.POST or None, initial={"name": region.name})
    return _form_page(
        request,
        form,
        lambda: services.rename_region(
            actor=request.user, region=region, name=form.cleaned_data["name"]
        ),
        _("The region was renamed."),
        done="organisation:regions",
        template="organisation/region_form.html",
        context={"region": region},
    )


def _region_delete(request: AuthedRequest, region: Region) -> HttpResponse:
    """Delete a region nothing uses; one still in use stays, its page says why (409)."""
    try:
        services.delete_region(actor=request.user, region=region)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        form = RegionNameForm(initial={"name": region.name})
        context = {"form": form, "region": region}
        return render(request, "organisation/region_form.html", context, status=409)
    messages.success(request, _("{name} was deleted.").format(name=region.name))
    return redirect("organisation:regions")
