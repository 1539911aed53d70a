"""The chains app's menu entries, its part of the home page, and the chain office's first page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinmu.chains.queries import region_overview
from jinmu.core.models import User
from jinmu.core.registry import home_section, menu_group, start_page, supervising
from jinmu.core.scoping import Scope, ScopeKind

CHAINS = _("Chains")


def _overview(user: User, scope: Scope) -> dict[str, Any]:
    return {"overview": region_overview(user) if scope.kind is not ScopeKind.NONE else None}


def _office_home(user: User, scope: Scope) -> str:
    return reverse("chains:office_home")


menu_group(
    CHAINS,
    [
        (20, _("Chain maps"), "chains:list", "chain"),
        (21, _("Chain gaps"), "chains:gaps", "alert"),
    ],
    shown=supervising,
)
home_section(order=10, template="chains/_home_overview.html", context=_overview)
start_page(ScopeKind.CHAIN, _office_home)
