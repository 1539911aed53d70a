"""The enterprises app's menu entry and the enterprise user's first page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinmu.core.models import User
from jinmu.core.registry import menu_entry, scoped, start_page
from jinmu.core.scoping import Scope, ScopeKind


def _own_enterprise(user: User, scope: Scope) -> str:
    return reverse("enterprises:detail", kwargs={"pk": scope.enterprise_id})


menu_entry(
    order=10, label=_("Enterprises"), url_name="enterprises:list", icon="building", shown=scoped
)
start_page(ScopeKind.ENTERPRISE, _own_enterprise)
