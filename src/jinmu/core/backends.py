"""The authentication backend that answers `user.has_perm` from the role table."""

from __future__ import annotations

from typing import Any

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


class PasswordBackend(ModelBackend):
    """Django's username-and-password check; permissions come from roles, not from per-user or
    group rows, so this backend grants none (and reads none)."""

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """No per-user permissions: a role is granted in one place."""
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """Roles are answered by RolePermissionBackend."""
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """None of its own."""
        return set()
