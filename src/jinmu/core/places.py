"""The towns and parks a user's scope covers: what filters offer, forms accept and import
templates list in their dropdowns, for enterprises and projects alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jinmu.core.choices import RegionLevel, UnitKind
from jinmu.core.models import Region, Unit
from jinmu.core.scoping import Scope, ScopeKind, scope_for


def towns_in_scope(scope: Scope) -> QuerySet[Region]:
    """Towns a user may filter by or record enterprises and projects in."""
    towns = Region.objects.filter(level=RegionLevel.TOWN)
    if scope.kind in (ScopeKind.REGION, ScopeKind.CHAIN):
        return towns.filter(code__startswith=scope.region_prefix)
    if scope.kind is ScopeKind.TOWN:
        return towns.filter(code=scope.region_code)
    if scope.kind is ScopeKind.PARK and scope.unit_id is not None:
        return towns.filter(units__pk=scope.unit_id)
    return towns.none()


def parks_in_scope(scope: Scope) -> QuerySet[Unit]:
    """Parks a user may filter by or record enterprises and projects in."""
    parks = Unit.objects.filter(kind=UnitKind.PARK)
    if scope.kind in (ScopeKind.REGION, ScopeKind.CHAIN):
        return parks.filter(region__code__startswith=scope.region_prefix)
    if scope.kind is ScopeKind.TOWN:
        return parks.filter(town_region_id=scope.region_code)
    if scope.kind is ScopeKind.PARK:
        return parks.filter(pk=scope.unit_id)
    return parks.none()


def county_prefix(scope: Scope) -> str:
    """The region-code prefix of the county a scope lies in (a town's county for town users),
    within which imports look up towns, parks and units."""
    if scope.kind is ScopeKind.TOWN:
        return scope.region_code[:6]
    return scope.region_prefix


def request_user(request: Any) -> Any:
    """The user of a filter's request (None outside a request)."""
    return getattr(request, "user", None)


def towns_for_request(request: Any) -> QuerySet[Region]:
    """Towns a filter offers the requesting user (django-filter calls it with the request)."""
    return towns_in_scope(scope_for(request_user(request)))


def parks_for_request(request: Any) -> QuerySet[Unit]:
    """Parks a filter offers the requesting user."""
    return parks_in_scope(scope_for(request_user(request)))
