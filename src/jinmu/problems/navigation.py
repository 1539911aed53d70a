"""The problems app's menu entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinmu.core.registry import menu_entry, scoped

menu_entry(order=50, label=_("Problems"), url_name="problems:list", icon="flag", shown=scoped)
