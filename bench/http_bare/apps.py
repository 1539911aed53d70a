"""The bare page's app."""

from __future__ import annotations

from django.apps import AppConfig


class BareConfig(AppConfig):
    """No migrations: `migrate --run-syncdb` creates the table."""

    name = "bench.http_bare"
    label = "http_bare"
    default_auto_field = "django.db.models.BigAutoField"
