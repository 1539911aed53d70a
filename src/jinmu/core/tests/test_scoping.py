"""Scope resolution from roles, units and regions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from jinmu.core.models import Region
from jinmu.core.scoping import ScopeKind, scope_for


@pytest.mark.parametrize(
    ("persona", "kind"),
    [
        ("admin", ScopeKind.REGION),
        ("leader", ScopeKind.REGION),
        ("industry", ScopeKind.REGION),
        ("department", ScopeKind.REGION),
        ("chain", ScopeKind.CHAIN),
        ("town_a", ScopeKind.TOWN),
        ("park", ScopeKind.PARK),
        ("security", ScopeKind.NONE),
        ("auditor", ScopeKind.NONE),
        ("bank", ScopeKind.NONE),
        ("judge", ScopeKind.NONE),
        ("enterprise", ScopeKind.NONE),  # no enterprise attached yet
    ],
)
def test_scope_kind_per_persona(world: Any, persona: str, kind: ScopeKind) -> None:
    assert scope_for(world.user(persona)).kind is kind


def test_anonymous_has_no_scope() -> None:
    assert scope_for(AnonymousUser()).kind is ScopeKind.NONE


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("370000", "37"), ("371400", "3714"), ("371422", "371422"), ("371422105", "371422105")],
)
def test_region_prefix_follows_gb2260_nesting(code: str, prefix: str) -> None:
    assert Region(code=code).scope_prefix == prefix


def test_town_scope_names_the_town(world: Any) -> None:
    scope = scope_for(world.user("town_a"))
    assert scope.region_code == "371422105"
