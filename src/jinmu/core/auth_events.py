"""Receivers of the sign-in signals (connected in CoreConfig.ready): failed sign-ins and lockouts
are audited here because they happen inside `authenticate` and django-axes, at every door
(login page, token endpoint, second-factor step, django-admin); good sign-ins stamp the session
for the idle timeout. Successful sign-ins and sign-outs are audited by the views themselves."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from jinmu.core.account import start_session
from jinmu.core.audit import record_event
from jinmu.core.choices import AuditAction
from jinmu.core.models import User


def _region_of(username: str) -> str | None:
    """The tried account's region, so the region's audit administrator sees the attempt."""
    if not username:
        return None
    region_id: str | None = (
        User.objects.filter(username=username).values_list("region_id", flat=True).first()
    )
    return region_id


def _record_attempt(
    action: AuditAction, username: Any, request: Any, detail: dict[str, Any]
) -> None:
    """An event of a sign-in attempt, named by the username tried (no actor: nobody is signed
    in), in the region of that account when it exists."""
    name = str(username or "")[:150]
    record_event(
        action=action,
        actor=None,
        actor_name=name or "?",
        request=request,
        region_id=_region_of(name),
        detail=detail,
    )


@receiver(user_login_failed, dispatch_uid="jinmu_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """One LOGIN_FAILED row per failed attempt, named by the username tried."""
    detail: dict[str, Any] = {"path": request.path if request is not None else ""}
    if credentials.get("factor"):
        detail["factor"] = credentials["factor"]
    _record_attempt(AuditAction.LOGIN_FAILED, credentials.get("username"), request, detail)


@receiver(user_locked_out, dispatch_uid="jinmu_audit_lockout")
def audit_lockout(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    """One LOCKOUT row when a lockout starts (not again for each attempt while locked)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return  # refused because already locked: the LOGIN_FAILED row records the attempt
    detail = {"by": getattr(request, "jinmu_locked_by", "account")}
    _record_attempt(AuditAction.LOCKOUT, username, request, detail)


@receiver(user_logged_in, dispatch_uid="jinmu_session_start")
def stamp_session(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Record when the session started and whether the user has a TOTP device."""
    if request is not None and hasattr(request, "session"):
        start_session(request, user)
