"""Projects app: the project ledger (挂图作战, 周调度, lights)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Every kind of project, its battle map, weekly reports and lights."""

    name = "jinmu.projects"
    label = "projects"
    verbose_name = _("Projects")
