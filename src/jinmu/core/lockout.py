"""Sign-in lockout (django-axes): a few failures lock the account, many more lock the address.

One counter serves the login page, the token endpoint and the second-factor step, because all of
them go through `django.contrib.auth.authenticate` or send `user_login_failed` themselves.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction
from jinmu.core.models import User

LOCKED_BY_ACCOUNT = "account"
LOCKED_BY_ADDRESS = "address"


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Axes' database handler with two limits: `AXES_FAILURE_LIMIT` failures per account and
    `JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS` per client address (an office behind one NAT address
    must not be locked out by one colleague's typos, nor an attacker spray many accounts)."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """Failures measured against the per-account limit: the account's own count, or the
        address's count scaled so that reaching the address limit reaches the account limit."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        account = _failures(recent.filter(username=username)) if username else 0
        address = _failures(recent.filter(ip_address=request.axes_ip_address))
        limit = get_failure_limit(request, credentials)
        per_address = int(settings.JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS)
        # floor(address * limit / per_address) >= limit exactly when address >= per_address.
        scaled = address * limit // per_address
        request.jinmu_locked_by = LOCKED_BY_ACCOUNT if account >= limit else LOCKED_BY_ADDRESS
        return int(max(account, scaled))

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a good sign-in forget that account's failures only: the address's failures on
        other accounts still count (signing in to one's own account must not reset a spray)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return int(count)


def lockout_message(request: HttpRequest) -> str:
    """What a locked-out client is told, in Chinese."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if getattr(request, "jinmu_locked_by", LOCKED_BY_ACCOUNT) == LOCKED_BY_ADDRESS:
        return _(
            "Too many failed sign-ins from this network address. Sign-in from it is paused for "
            "%(minutes)d minutes."
        ) % {"minutes": minutes}
    return _(
        "This account is locked for %(minutes)d minutes after too many failed sign-ins; the "
        "right password is refused until then. Ask the security administrator if you need "
        "it unlocked sooner."
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: JSON for the API, the sign-in page with the message otherwise."""
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    form = AuthenticationForm(request)
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": ""},
        status=429,
    )


def locked_users(admin: Any) -> QuerySet[User]:
    """Users of the security administrator's region whose account is locked now."""
    region = getattr(admin, "region", None)
    if region is None:
        return User.objects.none()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    names = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_FAILURE_LIMIT)
        .values("username")
    )
    return User.objects.filter(
        username__in=names, region__code__startswith=region.scope_prefix
    ).order_by("username")


@transaction.atomic
def unlock_account(*, user: User, by: User, request: HttpRequest | None = None) -> int:
    """Forget the account's failed sign-ins (the security administrator unlocks it); audited.
    Failures counted against a client address stay."""
    count: int
    count, _deleted = AccessAttempt.objects.filter(username=user.get_username()).delete()
    record_event(
        action=AuditAction.UNLOCK,
        actor=by,
        request=request,
        obj=user,
        detail={"user": user.get_username()},
    )
    return count
