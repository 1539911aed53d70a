"""Who acts in an API request, typed: services take a `User`, not DRF's `User | AnonymousUser`."""

from __future__ import annotations

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from jinmu.core.models import User


def actor_of(request: Request) -> User:
    """The signed-in user of an API request (IsAuthenticated has refused anyone else; an
    anonymous request reaching here is still a 401, never a crash)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated()
    return user
