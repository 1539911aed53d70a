"""Enterprises app: the enterprise register, annual figures and qualifications."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """The enterprise master record."""

    name = "jinmu.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")
