"""Core app: regions, units, users and roles, scoping, audit log."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Regions, units, users, scoping and audit."""

    name = "jinmu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        """Install lookups and field validators; connect the sign-in audit receivers."""
        from jinmu.core import (
            auth_events,  # noqa: F401  (failed sign-ins, lockouts, session stamps)
            lookups,
        )
        from jinmu.core.validators import install_field_validators

        # Ids beyond 64 bits match nothing instead of overflowing the database driver.
        lookups.register()

        # Control characters and out-of-range dates refused at every door (forms, API, import).
        install_field_validators()
