"""The towns and parks a user's scope covers: what filters offer, forms accept and import
templates list in their dropdowns, for enterprises and projects alike."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from jinmu.core.choices import RegionLevel, UnitKind
from jinmu.core.models import Region, Unit
from jinmu.core.regions import county_code
from jinmu.core.scoping import Scope, ScopeKind, scope_for

_M = TypeVar("_M", bound=Model)


def in_scope(rows: QuerySet[_M], scope: Scope, *, wide: str, town: str, park: str) -> QuerySet[_M]:
    """The `rows` a scope covers: for region-wide and chain staff those whose `wide` lookup
    starts with the region prefix, for a town those whose `town` lookup is the town, for a
    park those whose `park` lookup is the park; none for the others."""
    if scope.kind in (ScopeKind.REGION, ScopeKind.CHAIN):
        return rows.filter(**{wide: scope.region_prefix})
    if scope.kind is ScopeKind.TOWN:
        return rows.filter(**{town: scope.region_code})
    if scope.kind is ScopeKind.PARK and scope.unit_id is not None:
        return rows.filter(**{park: scope.unit_id})
    return rows.none()


def towns_in_scope(scope: Scope) -> QuerySet[Region]:
    """Towns a user may filter by or record enterprises and projects in."""
    towns = Region.objects.filter(level=RegionLevel.TOWN)
    return in_scope(towns, scope, wide="code__startswith", town="code", park="units__pk")


def parks_in_scope(scope: Scope) -> QuerySet[Unit]:
    """Parks a user may filter by or record enterprises and projects in."""
    parks = Unit.objects.filter(kind=UnitKind.PARK)
    return in_scope(parks, scope, wide="region__code__startswith", town="town_region_id", park="pk")


def county_prefix(scope: Scope) -> str:
    """The region-code prefix of the county a scope lies in (a town's county for town users),
    within which imports look up towns, parks and units."""
    if scope.kind is ScopeKind.TOWN:
        return county_code(scope.region_code)
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
