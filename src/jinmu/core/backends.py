"""The authentication backend that answers `user.has_perm` from the role table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend

from jinmu.core.permissions import role_permissions


class RolePermissionBackend(BaseBackend):
    """Permissions from the user's roles (their groups); authenticates nobody itself."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """The role permissions of an active user, read once per user object."""
        if not getattr(user_obj, "is_active", False) or obj is not None:
            return set()
        cached: set[str] | None = getattr(user_obj, "_jinmu_role_perms", None)
        if cached is None:
            cached = role_permissions(list(getattr(user_obj, "roles", None) or []))
            user_obj._jinmu_role_perms = cached
        return cached

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """Roles are the groups: the same set."""
        return self.get_all_permissions(user_obj, obj)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        """Whether the user's roles grant `perm`."""
        return perm in self.get_all_permissions(user_obj, obj)


# What every request's scope check (jinmu.core.scoping.scope_for) reads from the signed-in
# user: loaded with the user, in the same query, instead of two more on every request.
SESSION_USER_RELATED = ("region", "unit", "unit__region")


class PasswordBackend(ModelBackend):
    """Django's username-and-password check; permissions come from roles, not from per-user or
    group rows, so this backend grants none (and reads none)."""

    def get_user(self, user_id: Any) -> Any:
        """The session's user, with what the scope check reads (see SESSION_USER_RELATED)."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(*SESSION_USER_RELATED).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id: Any) -> Any:
        """The async twin of get_user, with the same related rows."""
        user_model = get_user_model()
        users = user_model._default_manager.select_related(*SESSION_USER_RELATED)
        try:
            user = await users.aget(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """No per-user permissions: a role is granted in one place."""
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """Roles are answered by RolePermissionBackend."""
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """None of its own."""
        return set()
