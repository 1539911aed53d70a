"""API app: the REST root, token sign-in and the OpenAPI schema."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """REST API under /api/v1/."""

    name = "jinmu.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        """Register the schema extensions (drf-spectacular finds them by import)."""
        from jinmu.api import auth_schema  # noqa: F401
