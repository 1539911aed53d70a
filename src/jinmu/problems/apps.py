"""Problems app: tracked problems raised by projects (and, later, enterprise requests)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    """One problem model every channel feeds: weekly reports now, 政企直通车 later."""

    name = "jinmu.problems"
    label = "problems"
    verbose_name = _("Problems")
