"""Targets app: the year's goals, their decomposition and live progress, read from policy texts."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    """Annual targets and policy-text target extraction."""

    name = "jinmu.targets"
    label = "targets"
    verbose_name = _("Targets")

    def ready(self) -> None:
        """Install the triggers that keep cached measured values fresh after every migrate."""
        from jinmu.targets.freshness import install_triggers

        post_migrate.connect(install_triggers, sender=self, dispatch_uid="targets-triggers")
