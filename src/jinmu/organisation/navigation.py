"""The organisation pages' menu entries: only the security administrator (三员分立)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinmu.core.models import User
from jinmu.core.permissions import has_action
from jinmu.core.registry import menu_group
from jinmu.core.scoping import Scope

ORGANISATION = _("Organisation")


def _keeps_users(user: User, scope: Scope) -> bool:
    return has_action(user, "core.change_user")


menu_group(
    ORGANISATION,
    [
        (70, _("Users"), "organisation:users", "users"),
        (71, _("Units"), "organisation:units", "building"),
        (72, _("Regions"), "organisation:regions", "map"),
        (73, _("Import units and users"), "organisation:import", "file"),
    ],
    shown=_keeps_users,
)
