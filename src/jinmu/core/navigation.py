"""Core's menu entries: home, the audit log, the API documentation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jinmu.core.models import User
from jinmu.core.registry import menu_entry
from jinmu.core.scoping import Scope, can_read_audit


def _reads_audit(user: User, scope: Scope) -> bool:
    return can_read_audit(user)


menu_entry(order=0, label=_("Home"), url_name="home", icon="home")
menu_entry(order=60, label=_("Audit log"), url_name="audit_log", icon="history", shown=_reads_audit)
menu_entry(order=90, label=_("API documentation"), url_name="api-docs", icon="api")
