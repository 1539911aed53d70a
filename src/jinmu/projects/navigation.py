"""The project ledger's menu entries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinmu.core.registry import menu_group, scoped, supervising

PROJECTS = _("Projects")

menu_group(
    PROJECTS,
    [
        (30, _("Project ledger"), "projects:list", "target", scoped),
        (31, _("Project board"), "projects:board", "dashboard"),
        (32, _("Attraction pipeline"), "projects:attraction", "funnel"),
        (33, _("Weekly reports"), "projects:report_status", "calendar"),
        (34, _("Weekly bulletin"), "projects:bulletin", "file"),
    ],
    shown=supervising,
)
