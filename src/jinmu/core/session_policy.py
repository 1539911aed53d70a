"""Per-request session policy: idle and absolute timeout, the second-factor gate and password
expiry. Placed after OTPMiddleware; token-authenticated API calls carry no session and pass."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from jinmu.core.account import (
    AUTH_AT,
    HAS_DEVICE,
    SEEN_AT,
    is_verified,
    password_expired,
    second_factor_mandatory,
    sign_out,
)
from jinmu.core.models import User

# The last-seen stamp is rewritten at most this often, so a busy session is not saved on every
# request (the idle timeout is then exact to within this many seconds).
SEEN_RESOLUTION_SECONDS = 60


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _redirect(request: HttpRequest, url_name: str) -> HttpResponse:
    url = reverse(url_name)
    if request.method == "GET" and request.path != url:
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.headers.get("HX-Request"):
        # An htmx fragment request: make the browser leave the page instead of swapping the
        # sign-in form into a table cell.
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


class SessionPolicyMiddleware:
    """Sign out idle or too-old sessions; hold back users who owe a TOTP code or a new
    password, letting them reach only the pages that settle it (and sign-out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        expired = self._timed_out(request)
        if expired:
            sign_out(request=request, reason=expired)
            if _is_api(request):
                return JsonResponse(
                    {"detail": _("Your session has ended; sign in again.")}, status=401
                )
            messages.info(
                request,
                _("You were signed out after %(minutes)d minutes without activity.")
                % {"minutes": settings.JINMU_IDLE_TIMEOUT_MINUTES}
                if expired == "idle"
                else _("Your session reached its maximum length; sign in again."),
            )
            return _redirect(request, settings.LOGIN_URL)
        held = self._hold(request)
        return held if held is not None else self.get_response(request)

    @staticmethod
    def _timed_out(request: HttpRequest) -> str:
        """'idle' or 'lifetime' if the session must end now, else '' (stamps last seen)."""
        session = request.session
        now = int(time.time())
        seen = session.get(SEEN_AT)
        started = session.get(AUTH_AT)
        if seen is None or started is None:
            # A session from before this policy (or a test's force_login): start counting now.
            session[SEEN_AT] = now
            session.setdefault(AUTH_AT, now)
            return ""
        if now - int(started) > int(settings.JINMU_SESSION_MAX_HOURS * 3600):
            return "lifetime"
        if now - int(seen) > int(settings.JINMU_IDLE_TIMEOUT_MINUTES) * 60:
            return "idle"
        if now - int(seen) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_AT] = now
        return ""

    @staticmethod
    def _hold(request: HttpRequest) -> HttpResponse | None:
        """A redirect (page) or 403 (API) while a TOTP code or a new password is owed."""
        user = request.user
        if not isinstance(user, User):
            return None
        owes_code = (
            second_factor_mandatory(user) or request.session.get(HAS_DEVICE, False)
        ) and not is_verified(user)
        if owes_code:
            target = (
                "account_otp_verify" if request.session.get(HAS_DEVICE) else "account_otp_setup"
            )
            allowed = {reverse("account_otp_verify"), reverse("account_otp_setup")}
            message = _("Enter the code from your authenticator app first.")
        elif password_expired(user):
            target = "account_password"
            allowed = {reverse("account_password")}
            message = _("Your password has expired; choose a new one first.")
        else:
            return None
        if request.path in allowed or request.path == reverse("logout"):
            return None
        if _is_api(request):
            return JsonResponse({"detail": message}, status=403)
        return _redirect(request, target)
