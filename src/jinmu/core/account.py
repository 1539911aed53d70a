"""Sign-in policy and account services: second factor, password change and expiry, sign-in and
sign-out audit, and the session bookkeeping the idle timeout reads."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import logout, update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction
from jinmu.core.models import User
from jinmu.core.tokens import revoke_all_tokens

# Session keys (epoch seconds; a flag whether the user has a confirmed TOTP device, so that
# the per-request checks need no query).
AUTH_AT = "jinmu_auth_at"
SEEN_AT = "jinmu_seen_at"
HAS_DEVICE = "jinmu_otp_device"


def second_factor_mandatory(user: User) -> bool:
    """True for the roles that must use TOTP (JINMU_OTP_REQUIRED_ROLES: the three admins),
    and, whenever any role must, for Django staff and superusers (they reach /django-admin/)."""
    required = getattr(settings, "JINMU_OTP_REQUIRED_ROLES", ())
    if not required:
        return False
    return bool(user.has_role(*required) or user.is_staff or user.is_superuser)


def needs_second_factor(user: User) -> bool:
    """True if the user must give a TOTP code to sign in (mandatory role or own choice)."""
    return second_factor_mandatory(user) or user_has_device(user, confirmed=True)


def is_verified(user: User) -> bool:
    """True if this session's user has passed the second factor."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def start_session(request: HttpRequest, user: User) -> None:
    """Stamp a new session (any sign-in path): when it started, last seen, device flag."""
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session[HAS_DEVICE] = user_has_device(user, confirmed=True)


def password_expires_at(user: User) -> dt.datetime | None:
    """When the user's password expires (JINMU_PASSWORD_MAX_AGE_DAYS; 0 = never)."""
    days = int(getattr(settings, "JINMU_PASSWORD_MAX_AGE_DAYS", 0))
    if days <= 0:
        return None
    since = user.password_changed_at or user.date_joined
    return since + dt.timedelta(days=days)


def password_expired(user: User) -> bool:
    """True if the user must choose a new password before doing anything else: one given by
    an administrator (never changed by its owner), or one older than the expiry age."""
    if user.password_changed_at is None and settings.JINMU_PASSWORD_CHANGE_AT_FIRST_SIGN_IN:
        return True
    expires = password_expires_at(user)
    return expires is not None and expires <= timezone.now()


def record_login(*, user: User, request: HttpRequest, method: str, **detail: Any) -> None:
    """Audit a good sign-in (password, or the TOTP step after it)."""
    record_event(
        action=AuditAction.LOGIN,
        actor=user,
        request=request,
        detail={"method": method, "path": request.path, **detail},
    )


@transaction.atomic
def sign_out(*, request: HttpRequest, reason: str) -> None:
    """End the session, revoke the user's API tokens and audit it (button or timeout)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        revoked = revoke_all_tokens(user=user, by=user, reason="sign-out", request=request)
        record_event(
            action=AuditAction.LOGOUT,
            actor=user,
            request=request,
            detail={"reason": reason, "tokens_revoked": revoked},
        )
    logout(request)


@transaction.atomic
def change_password(*, user: User, new_password: str, request: HttpRequest) -> int:
    """Set a new password, keep this session signed in, revoke every API token, audit it.
    Returns how many tokens were revoked."""
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    update_session_auth_hash(request, user)
    revoked = revoke_all_tokens(user=user, by=user, reason="password change", request=request)
    record_event(
        action=AuditAction.PASSWORD_CHANGE,
        actor=user,
        request=request,
        obj=user,
        detail={"tokens_revoked": revoked},
    )
    return revoked


def pending_device(user: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device being enrolled (created on first call; the same
    secret is shown again on reload until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


@transaction.atomic
def confirm_device(*, user: User, device: TOTPDevice, request: HttpRequest) -> None:
    """Mark an enrolled device confirmed, verify this session with it and audit it."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    otp_login(request, device)
    request.session[HAS_DEVICE] = True
    record_event(
        action=AuditAction.OTP_ENROL,
        actor=user,
        request=request,
        obj=user,
        detail={"device": device.name},
    )


@transaction.atomic
def remove_devices(*, user: User, request: HttpRequest) -> int:
    """Remove the user's TOTP devices (optional second factor switched off) and audit it."""
    count: int
    count, _deleted = TOTPDevice.objects.filter(user=user).delete()
    request.session[HAS_DEVICE] = False
    request.session.pop("otp_device_id", None)
    record_event(action=AuditAction.OTP_REMOVE, actor=user, request=request, obj=user)
    return count


@transaction.atomic
def reset_devices(*, user: User, by: User, request: HttpRequest | None = None) -> int:
    """The security administrator removes a user's TOTP devices (a lost phone): the user
    enrols again at their next sign-in if their role requires it. Audited."""
    count: int
    count, _deleted = TOTPDevice.objects.filter(user=user).delete()
    record_event(
        action=AuditAction.OTP_REMOVE,
        actor=by,
        request=request,
        obj=user,
        detail={"user": user.get_username(), "reset_by_admin": True},
    )
    return count
