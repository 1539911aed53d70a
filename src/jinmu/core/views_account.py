"""Sign-in, sign-out and the user's own account: password, TOTP second factor, API tokens; and
the security administrator's list of the region's API tokens."""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from jinmu.core import account
from jinmu.core.lockout import locked_users, lockout_response, unlock_account
from jinmu.core.permissions import has_action
from jinmu.core.tables import Column, Table
from jinmu.core.tokens import revoke_token, tokens_managed_by
from jinmu.core.types import AuthedRequest

DASH = "—"
# The columns of both token lists (the administrator's also names each token's owner).
TOKEN_COLUMNS = (
    Column(gettext_lazy("Name"), "name", default=DASH),
    Column(gettext_lazy("Token"), lambda token: f"{token.prefix}…", "tables/cells/code.html"),
    Column(gettext_lazy("Issued at"), "created_at", date="Y-m-d H:i", css="text-nowrap"),
    Column(gettext_lazy("Expires"), "expires_at", date="Y-m-d H:i", css="text-nowrap"),
    Column(
        gettext_lazy("Last used"), "last_used_at", date="Y-m-d H:i", default=DASH, css="text-nowrap"
    ),
    Column(template="account/_token_state.html"),
)
MY_TOKENS = Table(columns=TOKEN_COLUMNS, empty=gettext_lazy("No API tokens."))
REGION_TOKENS = Table(
    columns=(Column(gettext_lazy("User"), template="account/_token_owner.html"), *TOKEN_COLUMNS),
    empty=gettext_lazy("No API tokens."),
)
LOCKED = Table(
    columns=(
        Column(gettext_lazy("User")),
        Column(gettext_lazy("Username"), "username"),
        Column(template="account/_unlock.html"),
    ),
    empty=gettext_lazy("No account is locked."),
)


class LoginView(auth_views.LoginView):
    """Sign-in page in Chinese; a good password is audited, then the TOTP step if owed."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        """Sign in, audit it, and send users who owe a TOTP code to that step."""
        response = super().form_valid(form)
        user = form.get_user()
        owes = account.second_factor_mandatory(user) or self.request.session.get(
            account.HAS_DEVICE, False
        )
        account.record_login(
            user=user, request=self.request, method="password", second_factor_pending=owes
        )
        if owes:
            has_device = self.request.session.get(account.HAS_DEVICE)
            step = "account_otp_verify" if has_device else "account_otp_setup"
            return _with_next(step, self.get_success_url())
        return response


class LogoutView(auth_views.LogoutView):
    """Sign out (POST): ends the session, revokes the user's API tokens, audited."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Audit and revoke before Django ends the session."""
        account.sign_out(request=request, reason="sign-out")
        return super().post(request, *args, **kwargs)


def _with_next(url_name: str, next_url: str) -> HttpResponse:
    return redirect(reverse(url_name) + "?" + urlencode({"next": next_url}))


def _next_url(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


class CodeForm(forms.Form):
    """A six-digit TOTP code."""

    otp = forms.RegexField(
        label=gettext_lazy("Verification code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": gettext_lazy("Enter the 6-digit code from your app.")},
    )


@login_required
def account_home(request: AuthedRequest) -> HttpResponse:
    """The user's account: password age, second factor, links to tokens."""
    return render(
        request,
        "account/home.html",
        {
            "has_device": bool(request.session.get(account.HAS_DEVICE)),
            "otp_mandatory": account.second_factor_mandatory(request.user),
            "password_expires_at": account.password_expires_at(request.user),
            "is_security_admin": has_action(request.user, "core.view_apitoken"),
        },
    )


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    """Any user changes their own password (old one required); revokes their API tokens."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoked = account.change_password(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            request=request,
        )
        messages.success(request, _("Your password has been changed."))
        if revoked:
            messages.info(
                request,
                _("%(count)d API tokens were revoked; request new ones for your programs.")
                % {"count": revoked},
            )
        return redirect(_next_url(request, "account"))
    return render(
        request,
        "account/password.html",
        {
            "form": form,
            "expired": account.password_expired(request.user),
            "given": getattr(request.user, "password_changed_at", None) is None,
            "next": request.GET.get("next", ""),
        },
    )


def _qr_svg(data: str) -> str:
    """The enrolment QR code as inline SVG, drawn here (no external service, no script)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


@login_required
def otp_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol a TOTP app: scan the code, type the first code to confirm."""
    user = request.user
    if request.session.get(account.HAS_DEVICE) or user_has_device(user, confirmed=True):
        return redirect("account" if account.is_verified(user) else "account_otp_verify")
    device = account.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp"]):
            account.confirm_device(user=user, device=device, request=request)
            messages.success(request, _("Two-factor sign-in is now on for your account."))
            return redirect(_next_url(request, "account"))
        form.add_error("otp", _("The code is wrong or has expired; try the current one."))
    return render(
        request,
        "account/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),
            "secret": _base32(device),
            "mandatory": account.second_factor_mandatory(user),
            "next": request.GET.get("next") or request.POST.get("next", ""),
        },
    )


def _base32(device: Any) -> str:
    """The secret for typing into the app by hand, in groups of four."""
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
def otp_verify(request: AuthedRequest) -> HttpResponseBase:
    """The second sign-in step: a code from the enrolled app. Wrong codes count towards the
    account's lockout like wrong passwords."""
    user = request.user
    if account.is_verified(user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (d for d in devices_for_user(user) if d.verify_token(form.cleaned_data["otp"])), None
        )
        if device is not None:
            otp_login(request, device)
            account.record_login(user=user, request=request, method="totp")
            return redirect(_next_url(request))
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), "factor": "totp"},
            request=request,
        )
        if getattr(request, "axes_locked_out", False):
            account.sign_out(request=request, reason="lockout")
            return lockout_response(request)
        form.add_error("otp", _("The code is wrong or has expired; try the current one."))
    return render(
        request, "account/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
@require_POST
def otp_remove(request: AuthedRequest) -> HttpResponse:
    """Switch the optional second factor off (needs a current code); refused for roles that
    must use it."""
    if account.second_factor_mandatory(request.user):
        messages.error(request, _("Your role requires two-factor sign-in; it cannot be removed."))
        return redirect("account")
    form = CodeForm(request.POST)
    if form.is_valid() and any(
        d.verify_token(form.cleaned_data["otp"]) for d in devices_for_user(request.user)
    ):
        account.remove_devices(user=request.user, request=request)
        messages.success(request, _("Two-factor sign-in is now off for your account."))
    else:
        messages.error(request, _("The code is wrong or has expired; try the current one."))
    return redirect("account")


@login_required
def my_tokens(request: AuthedRequest) -> HttpResponse:
    """The user's own API tokens."""
    tokens = request.user.api_tokens.select_related("revoked_by").order_by("-created_at")[:200]
    context = {
        "table": MY_TOKENS.of(tokens),
        "now": timezone.now(),
        "revoke_url": "account_token_revoke",
    }
    return render(request, "account/tokens.html", context)


@login_required
@require_POST
def my_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another user's is a 404)."""
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    if revoke_token(token=token, by=request.user, request=request):
        messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("account_tokens")


def _security_admin(request: AuthedRequest) -> None:
    if not has_action(request.user, "core.view_apitoken"):
        raise PermissionDenied


@login_required
def token_admin(request: AuthedRequest) -> HttpResponse:
    """Security administrator: every API token of the users in their region."""
    _security_admin(request)
    tokens = tokens_managed_by(request.user)
    if q := request.GET.get("q", "").strip():
        tokens = tokens.filter(user__username__icontains=q)
    return render(
        request,
        "account/token_admin.html",
        {
            "table": REGION_TOKENS.page(request, tokens, order=("-created_at", "-id")),
            "q": q,
            "now": timezone.now(),
            "revoke_url": "token_admin_revoke",
        },
    )


@login_required
@require_POST
def token_admin_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """Security administrator revokes a token of a user in their region (else 404)."""
    _security_admin(request)
    token = get_object_or_404(tokens_managed_by(request.user), pk=pk)
    if revoke_token(token=token, by=request.user, request=request):
        messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("token_admin")


@login_required
def lockout_admin(request: AuthedRequest) -> HttpResponse:
    """Security administrator: accounts of the region locked after failed sign-ins."""
    _security_admin(request)
    table = LOCKED.of(locked_users(request.user))
    return render(request, "account/lockouts.html", {"table": table})


@login_required
@require_POST
def lockout_admin_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    """Security administrator unlocks a locked account of their region (else 404)."""
    _security_admin(request)
    user = get_object_or_404(locked_users(request.user), pk=pk)
    unlock_account(user=user, by=request.user, request=request)
    messages.success(request, _("%(user)s can sign in again.") % {"user": user})
    return redirect("lockout_admin")
