"""The targets app's menu entries: everyone supervising reads; keeping them is for a few."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinmu.core.models import User
from jinmu.core.registry import menu_group, supervising
from jinmu.core.scoping import Scope
from jinmu.targets.services import can_manage_targets, can_report_values

TARGETS = _("Targets")


def _reports(user: User, scope: Scope) -> bool:
    return supervising(user, scope) and can_report_values(user)


def _manages(user: User, scope: Scope) -> bool:
    return supervising(user, scope) and can_manage_targets(user)


menu_group(
    TARGETS,
    [
        (40, _("Target board"), "targets:board", "chart"),
        (41, _("Targets by unit"), "targets:units", "users"),
        (42, _("Report a value"), "targets:report_value", "pencil", _reports),
        (43, _("Targets from a policy text"), "targets:extract", "file", _manages),
        (44, _("Target settings"), "targets:settings", "settings", _manages),
    ],
    shown=supervising,
)
