"""Chains app: industrial chains, nodes, the chain-chief system, gaps."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    """Industrial chains and the chain-chief system (链长制)."""

    name = "jinmu.chains"
    label = "chains"
    verbose_name = _("Industrial chains")
