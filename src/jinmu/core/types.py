"""The project's own types for who acts: views behind login get an `AuthedRequest`, services
take a `User` (not `Any`), so mypy checks what an actor can do."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from jinmu.core.models import User

# Whoever sent a request: a signed-in user or an anonymous visitor.
Visitor = User | AnonymousUser


class AuthedRequest(HttpRequest):
    """A request that passed login_required: its user is a signed-in `User`."""

    user: User


__all__ = ["AuthedRequest", "User", "Visitor"]
