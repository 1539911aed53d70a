"""API app: the REST root, token sign-in and the OpenAPI schema."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """REST API under /api/v1/."""

    name = "jinmu.api"
    label = "api"
    verbose_name = _("API")
