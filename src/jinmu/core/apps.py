"""Core app: regions, units, users and roles, scoping, audit log."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Regions, units, users, scoping and audit."""

    name = "jinmu.core"
    label = "core"
    verbose_name = _("Core")
