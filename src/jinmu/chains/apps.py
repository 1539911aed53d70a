"""Chains app: industrial chains, nodes, the chain-chief system, gaps."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    """Industrial chains and the chain-chief system (链长制)."""

    name = "jinmu.chains"
    label = "chains"
    verbose_name = _("Industrial chains")

    def ready(self) -> None:
        """Take part in the enterprise register through its extension points: chain filters on
        its list, the chain office's view of it, links and node statistics that follow its
        writes, the chains card on its page (`jinmu.chains.on_enterprises`)."""
        from jinmu.chains import on_enterprises

        on_enterprises.install()
