"""Organisation app: regions, units, users and roles, kept by the security administrator."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    """Pages and services that set a county up: regions, units, users, roles."""

    name = "jinmu.organisation"
    label = "organisation"
    verbose_name = _("Organisation")
