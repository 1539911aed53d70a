"""API tokens: issue, check, revoke. Only a token's SHA-256 digest is stored, so a copy of the
database does not let anyone call the API; the key is shown once, when it is issued."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from jinmu.core.audit import record_event
from jinmu.core.backends import SESSION_USER_RELATED
from jinmu.core.choices import AuditAction
from jinmu.core.models import ApiToken, User
from jinmu.core.permissions import has_action

KEYWORD = "Token"
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token (a busy client must not write each call).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_digest(key: str) -> str:
    """The stored form of a token key."""
    return hashlib.sha256(key.encode()).hexdigest()


def token_ttl() -> dt.timedelta:
    """How long a new token is valid (JINMU_TOKEN_TTL_HOURS)."""
    return dt.timedelta(hours=float(settings.JINMU_TOKEN_TTL_HOURS))


def active_tokens() -> QuerySet[ApiToken]:
    """Tokens that still authenticate: not revoked and not expired."""
    return ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


def tokens_managed_by(user: User) -> QuerySet[ApiToken]:
    """Tokens a user may see and revoke: their own; a security administrator also those of
    every user in their region (by GB/T 2260 code prefix)."""
    own = Q(user_id=user.pk)
    region = getattr(user, "region", None)
    if has_action(user, "core.delete_apitoken") and region is not None:
        return ApiToken.objects.filter(
            own | Q(user__region__code__startswith=region.scope_prefix)
        ).select_related("user", "revoked_by")
    return ApiToken.objects.filter(own).select_related("user", "revoked_by")


@transaction.atomic
def issue_token(
    *, user: User, name: str = "", request: HttpRequest | None = None
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the key (shown once, never stored)."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        digest=token_digest(key),
        prefix=key[:PREFIX_LENGTH],
        expires_at=timezone.now() + token_ttl(),
    )
    record_event(
        action=AuditAction.TOKEN_ISSUE,
        actor=user,
        request=request,
        obj=token,
        detail={"prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, by: User, request: HttpRequest | None = None) -> bool:
    """Revoke one token (by its owner or a security administrator); False if it was already."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    if not updated:
        return False
    token.refresh_from_db()
    record_event(
        action=AuditAction.TOKEN_REVOKE,
        actor=by,
        request=request,
        obj=token,
        region_id=token.user.region_id,
        detail={"prefix": token.prefix, "owner": token.user.get_username()},
    )
    return True


@transaction.atomic
def revoke_all_tokens(
    *, user: User, by: User, reason: str, request: HttpRequest | None = None
) -> int:
    """Revoke every live token of `user` (password change, sign-out); one audit row."""
    count = (
        ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        .filter(expires_at__gt=timezone.now())
        .update(revoked_at=timezone.now(), revoked_by=by)
    )
    if count:
        record_event(
            action=AuditAction.TOKEN_REVOKE,
            actor=by,
            request=request,
            region_id=user.region_id,
            detail={"owner": user.get_username(), "count": count, "reason": reason},
        )
    return count


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>`: a live `ApiToken` of an active user."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        """The token's user, or None when no token header is sent."""
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = parts[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        return self.authenticate_key(key)

    def authenticate_key(self, key: str) -> tuple[User, ApiToken]:
        """Check a key: unknown, revoked, expired or an inactive owner is a 401."""
        # The user with what every request's scope check reads, as a session's user is loaded
        # (SESSION_USER_RELATED): its unit was one more query on each call.
        related = (f"user__{name}" for name in SESSION_USER_RELATED)
        token = ApiToken.objects.select_related(*related).filter(digest=token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired; request a new one."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        """Makes DRF answer 401 (not 403) to a missing or bad token."""
        return KEYWORD
