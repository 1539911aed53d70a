"""Token sign-in for API clients, and the caller's own tokens (list, revoke)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jinmu.api.actors import actor_of
from jinmu.api.rows import FastRowsMixin
from jinmu.core.account import second_factor_mandatory
from jinmu.core.lockout import lockout_message
from jinmu.core.models import ApiToken
from jinmu.core.tokens import issue_token, revoke_token, tokens_managed_by


class TokenRequestSerializer(serializers.Serializer[Any]):
    """Credentials for a token."""

    username = serializers.CharField(label=_("Username"), max_length=150)
    password = serializers.CharField(
        label=_("Password"), style={"input_type": "password"}, trim_whitespace=False
    )
    otp = serializers.RegexField(
        r"^\d{6}$",
        label=_("Verification code"),
        required=False,
        help_text=_("6-digit TOTP code; required for users with two-factor sign-in."),
    )
    name = serializers.CharField(
        label=_("Token name"), max_length=100, required=False, allow_blank=True
    )


class ApiTokenSerializer(FastRowsMixin, serializers.ModelSerializer[ApiToken]):
    """A token as its owner sees it (never the key: only its first characters)."""

    class Meta:
        model = ApiToken
        fields = ("id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
        read_only_fields = fields


def _locked(request: Request) -> Response:
    return Response(
        {"detail": lockout_message(request._request)}, status=status.HTTP_429_TOO_MANY_REQUESTS
    )


class ObtainTokenView(APIView):
    """`POST {"username", "password"[, "otp", "name"]}` → `{"token", "expires_at"}`; then send
    `Authorization: Token …`. Failures count towards the account's lockout (django-axes)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            )
        },
    )
    def post(self, request: Request) -> Response:
        """Exchange a username, password (and TOTP code) for an API token."""
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        http_request = request._request
        user = authenticate(http_request, username=data["username"], password=data["password"])
        if getattr(http_request, "axes_locked_out", False):
            return _locked(request)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("Wrong username or password.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        has_device = user_has_device(user, confirmed=True)
        if second_factor_mandatory(user) and not has_device:
            return Response(
                {"otp": [_("Set up two-factor sign-in on the web first (your account page).")]},
                status=status.HTTP_403_FORBIDDEN,
            )
        if has_device:
            code = data.get("otp")
            if not code:
                return Response(
                    {"otp": [_("This account uses two-factor sign-in: send the 6-digit code.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            if not any(device.verify_token(code) for device in devices_for_user(user)):
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": user.get_username(), "factor": "totp"},
                    request=http_request,
                )
                if getattr(http_request, "axes_locked_out", False):
                    return _locked(request)
                return Response(
                    {"otp": [_("The code is wrong or has expired; try the current one.")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        token, key = issue_token(user=user, name=data.get("name", ""), request=http_request)
        return Response({"token": key, "expires_at": token.expires_at})


class TokenListView(generics.ListAPIView[ApiToken]):
    """The caller's own API tokens, newest first."""

    serializer_class = ApiTokenSerializer
    keyset_order = ("-created_at", "-id")

    def get_queryset(self) -> Any:
        """Only the caller's tokens."""
        return ApiToken.objects.filter(user_id=int(self.request.user.pk or 0))


class TokenDetailView(APIView):
    """`DELETE` revokes a token: one's own, or (security administrator) any of a user in
    their region; anything else is a 404."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        """Revoke the token."""
        actor = actor_of(request)
        token = get_object_or_404(tokens_managed_by(actor), pk=pk)
        revoke_token(token=token, by=actor, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
