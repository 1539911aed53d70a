"""The day a project's light is as of.

The nightly batch over the whole ledger rewrites only the projects whose light or reasons
changed (their facts are stored, not texts of the day: `reasons`), then records the day on
every county's `LightGeneration.nightly_on`. A project's light, and the texts of its reasons,
are therefore as of the later of its own `light_computed_on` (the last time it was written)
and its county's night: exactly the day the batch, when it rewrote every row, used to leave
on each. A project never computed (no `light_computed_on`) has no such day.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr

from jinmu.core.regions import COUNTY_CODE_LENGTH, county_code
from jinmu.projects.models import LightGeneration, Project

# The annotation `with_nights` adds: the night of the project's county.
NIGHT: str = "light_night"


def night_expression() -> Subquery:
    """The `nightly_on` of a Project row's county, for `.annotate()` (no query of its own)."""
    county = Substr(OuterRef("region_id"), 1, COUNTY_CODE_LENGTH)
    return Subquery(LightGeneration.objects.filter(county=county).values("nightly_on")[:1])


def with_nights(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects with their county's night (read by `light_as_of` without a query)."""
    return projects.annotate(**{NIGHT: night_expression()})


def nights_of(region_codes: Iterable[str]) -> dict[str, dt.date]:
    """The night of each county of these regions, by county code (one query)."""
    counties = {county_code(code) for code in region_codes if code}
    if not counties:
        return {}
    found = LightGeneration.objects.filter(county__in=counties).values_list("county", "nightly_on")
    return {county: night for county, night in found if night is not None}


def as_of(computed_on: dt.date | None, night: dt.date | None) -> dt.date | None:
    """The day a light is as of: the later of the row's own day and its county's night."""
    if computed_on is None or night is None or computed_on >= night:
        return computed_on
    return night


def light_as_of(project: Any) -> dt.date | None:
    """The day a project's light is as of (its county's night read from `with_nights`'
    annotation when there, else looked up)."""
    computed_on = getattr(project, "light_computed_on", None)
    if computed_on is None:
        return None
    night = getattr(project, NIGHT, _UNREAD)
    if night is _UNREAD:
        region = getattr(project, "region_id", "") or ""
        night = nights_of([region]).get(county_code(region)) if region else None
    return as_of(computed_on, night)


_UNREAD: Any = object()


def record_night(day: dt.date, region_codes: Iterable[str], using: str) -> None:
    """Record that every light of the counties of these regions (every region with projects)
    was computed for `day`, and renew their board tokens (the board shows the days its lights
    are as of)."""
    counties = {county_code(code) for code in region_codes if code}
    rows = LightGeneration.objects.using(using)
    # A fresh token for all: the board's key joins each county with its token, so one new
    # random value renews every county's key.
    token = uuid.uuid4().hex
    renewed = rows.filter(county__in=counties).update(
        counter=F("counter") + 1, token=token, nightly_on=day
    )
    if renewed < len(counties):
        known = set(rows.filter(county__in=counties).values_list("county", flat=True))
        rows.bulk_create(
            LightGeneration(county=county, counter=1, token=token, nightly_on=day)
            for county in sorted(counties - known)
        )
