"""Targets app: the year's goals, their decomposition and live progress, read from policy texts."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    """Annual targets and policy-text target extraction."""

    name = "jinmu.targets"
    label = "targets"
    verbose_name = _("Targets")
