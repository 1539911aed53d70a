"""Read aggregates of the project ledger: the portfolio board (counts by light).

The board reads the materialised `light` column written by `jinmu.projects.lights`: one
GROUP BY over the user's monitored projects (by town, chain, kind, responsible unit and light
together) plus one query per label table, whatever the number of projects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q
from django.utils.translation import gettext as _

from jinmu.chains.models import Chain
from jinmu.core.choices import RegionLevel
from jinmu.core.models import Region, Unit
from jinmu.core.places import towns_in_scope
from jinmu.core.regions import county_code
from jinmu.core.scoping import Scope, scope_for
from jinmu.core.types import User
from jinmu.projects.choices import Light, ProjectKind
from jinmu.projects.models import LightGeneration, Project

# Column order of the board: the three colours as leaders read them, then "no data".
BOARD_LIGHTS: tuple[str, ...] = (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)
# Colours of the lights in charts and dots (Tabler's palette, so pages match).
LIGHT_COLOURS: dict[str, str] = {
    Light.RED: "#d63939",
    Light.YELLOW: "#f59f00",
    Light.GREEN: "#2fb344",
    Light.GREY: "#9ba3af",
}
# The filter names of the project list (`ProjectFilterSet`) each board section links with.
DIMENSIONS: tuple[str, ...] = ("town", "chain", "kind", "responsible_unit")
_COLUMN = {
    "town": "region_id",
    "chain": "chain_id",
    "kind": "kind",
    "responsible_unit": "responsible_unit_id",
}


@dataclass
class BoardCell:
    """One count of the board and the project list it opens (None: not linkable)."""

    light: str
    count: int
    url: str | None = None


@dataclass
class BoardRow:
    """One town, chain, kind or unit with its count per light."""

    key: str
    label: str
    cells: list[BoardCell]
    linkable: bool = True

    @property
    def total(self) -> int:
        """Monitored projects in the row."""
        return sum(cell.count for cell in self.cells)

    def count(self, light: str) -> int:
        """The count of one light."""
        return next(cell.count for cell in self.cells if cell.light == light)


@dataclass
class BoardSection:
    """The counts by one dimension, with a total row."""

    dimension: str
    title: str
    rows: list[BoardRow]
    total: BoardRow

    def row(self, key: str) -> BoardRow | None:
        """The row of one key (a town code, chain id, kind or unit id as text)."""
        return next((row for row in self.rows if row.key == key), None)


@dataclass
class Board:
    """The portfolio board of one user."""

    sections: list[BoardSection]
    total: BoardRow
    computed_from: dt.date | None = None
    computed_to: dt.date | None = None
    chart: dict[str, Any] = field(default_factory=dict)

    def section(self, dimension: str) -> BoardSection:
        """The section of one dimension."""
        return next(s for s in self.sections if s.dimension == dimension)


# The lights of the board's columns as text (their values need no quoting in a link).
_LIGHT_VALUES: tuple[str, ...] = tuple(str(light) for light in BOARD_LIGHTS)


def _row(
    key: str,
    label: str,
    counts: dict[str, int],
    *,
    dimension: str | None,
    list_url: str | None,
    linkable: bool = True,
) -> BoardRow:
    # A board has some fifty rows of four cells: each links to the list filtered by its light
    # and, in a section, by the row's key (written once per row; urlencode per cell cost more
    # than the board's queries).
    tail = f"&{dimension}={quote_plus(key)}" if dimension is not None else ""
    links = linkable and list_url is not None
    cells = [
        BoardCell(
            light=light,
            count=counts.get(light, 0),
            url=f"{list_url}?light={light}{tail}" if links else None,
        )
        for light in _LIGHT_VALUES
    ]
    return BoardRow(key=key, label=label, cells=cells, linkable=linkable)


def _sum(rows: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for counts in rows:
        for light, n in counts.items():
            total[light] += n
    return total


@dataclass
class LightCounts:
    """Counts by light per dimension and key, and the span of days the lights were computed."""

    by: dict[str, dict[str, dict[str, int]]]
    computed_from: dt.date | None = None
    computed_to: dt.date | None = None


# Counts of a scope are cached under the county's light generation (decision 0004). The
# timeout only bounds what no light write announces (a chain given to another office).
BOARD_CACHE_SECONDS = 600


def bump_light_generation(region_codes: Iterable[str]) -> None:
    """Announce that lights changed in these regions' counties (called by every light write,
    inside its transaction, so a rolled-back write announces nothing)."""
    counties = sorted({county_code(code) for code in region_codes if code})
    for county in counties:
        token = uuid.uuid4().hex
        updated = LightGeneration.objects.filter(county=county).update(
            counter=F("counter") + 1, token=token
        )
        if not updated:
            LightGeneration.objects.get_or_create(
                county=county, defaults={"counter": 1, "token": token}
            )


def _cache_key(scope: Scope) -> tuple[str, dict[str, dt.date]]:
    """The scope's cache key under the current generation of its counties, and the day of
    each county's last nightly batch (`lights.nights`), read in the same query."""
    prefix = scope.region_prefix or county_code(scope.region_code)
    rows = LightGeneration.objects.order_by("county")
    if prefix:
        rows = rows.filter(county__startswith=prefix)
    found = list(rows.values_list("county", "token", "nightly_on"))
    tokens = hashlib.sha256(
        "|".join(f"{county}:{token}" for county, token, _night in found).encode()
    ).hexdigest()[:32]
    key = (
        f"projects:board:{scope.kind.value}:{scope.region_prefix}:{scope.region_code}:"
        f"{scope.unit_id}:{scope.enterprise_id}:{tokens}"
    )
    return key, {county: night for county, _token, night in found if night is not None}


def light_counts(user: User) -> LightCounts:
    """Monitored projects in the user's scope counted by light, per dimension and key
    (`by[dimension][key][light]`, key as text, "" for none): one GROUP BY query, cached until
    the next light write in the county."""
    key, nights = _cache_key(scope_for(user))
    cached = cache.get(key)
    if cached is not None:
        by, first, last = cached
        return LightCounts(by=by, computed_from=first, computed_to=last)
    result = _count_lights(user, nights)
    plain = {d: {k: dict(v) for k, v in rows.items()} for d, rows in result.by.items()}
    cache.set(key, (plain, result.computed_from, result.computed_to), BOARD_CACHE_SECONDS)
    return LightCounts(by=plain, computed_from=result.computed_from, computed_to=result.computed_to)


def _count_lights(user: User, nights: dict[str, dt.date]) -> LightCounts:
    """The uncached count behind `light_counts`; the days the lights are as of are the later
    of the rows' own and their county's night (`nights`)."""
    grouped: dict[str, dict[str, dict[str, int]]] = {
        d: defaultdict(lambda: defaultdict(int)) for d in DIMENSIONS
    }
    result = LightCounts(by=grouped)
    rows = (
        Project.objects.for_user(user)
        .monitored()
        .order_by()
        .values_list(*_COLUMN.values(), "light")
        .annotate(n=Count("id"), first=Min("light_computed_on"), last=Max("light_computed_on"))
    )
    for *keys, light, n, first, last in rows:
        for dimension, key in zip(DIMENSIONS, keys, strict=True):
            grouped[dimension]["" if key is None else str(key)][light] += n
        night = nights.get(county_code(keys[0] or ""))
        if night is not None:
            # Rows never computed have no day; the others are as of their county's night.
            first = first if first is None or first >= night else night
            last = last if last is None or last >= night else night
        if first is not None and (result.computed_from is None or first < result.computed_from):
            result.computed_from = first
        if last is not None and (result.computed_to is None or last > result.computed_to):
            result.computed_to = last
    return result


def _town_rows(
    counts: dict[str, dict[str, int]], scope: Scope, list_url: str | None
) -> list[BoardRow]:
    # One query whatever the data: the scope's towns and any other region a project lies in.
    found = Region.objects.filter(
        Q(code__in=towns_in_scope(scope).values("code")) | Q(code__in=[c for c in counts if c])
    ).only("code", "name", "level")
    regions = {r.code: r for r in found}
    towns = {code for code, r in regions.items() if r.level == RegionLevel.TOWN}
    rows = []
    for code in sorted(towns | set(counts)):
        region = regions.get(code)
        is_town = region is not None and region.level == RegionLevel.TOWN
        label = (
            region.name
            if is_town and region is not None
            else _("%(name)s (not sited in a town)") % {"name": region.name if region else code}
        )
        rows.append(
            _row(
                code,
                label,
                counts.get(code, {}),
                dimension="town",
                list_url=list_url,
                linkable=is_town,
            )
        )
    return rows


def _chain_rows(
    counts: dict[str, dict[str, int]], user: User, list_url: str | None
) -> list[BoardRow]:
    chains = list(Chain.objects.for_user(user).only("id", "name", "sort_order"))
    known = {str(c.pk) for c in chains}
    extra = [int(k) for k in counts if k and k not in known]
    # A project the user sees can sit on a chain the user's chain list does not show: count
    # it, but the list's chain filter would refuse that chain, so it gets no link.
    if extra:
        chains += list(Chain.objects.filter(pk__in=extra).only("id", "name", "sort_order"))
    rows = [
        _row(
            str(c.pk),
            c.name,
            counts.get(str(c.pk), {}),
            dimension="chain",
            list_url=list_url,
            linkable=str(c.pk) in known,
        )
        for c in chains
    ]
    if counts.get(""):
        rows.append(
            _row("", _("No chain"), counts[""], dimension=None, list_url=None, linkable=False)
        )
    return rows


def _kind_rows(counts: dict[str, dict[str, int]], list_url: str | None) -> list[BoardRow]:
    return [
        _row(value, str(label), counts.get(value, {}), dimension="kind", list_url=list_url)
        for value, label in ProjectKind.choices
    ]


def _unit_rows(counts: dict[str, dict[str, int]], list_url: str | None) -> list[BoardRow]:
    ids = [int(k) for k in counts if k]
    units = Unit.objects.filter(pk__in=ids).only("id", "name", "kind").order_by("kind", "name")
    rows = [
        _row(
            str(u.pk),
            u.name,
            counts[str(u.pk)],
            dimension="responsible_unit",
            list_url=list_url,
        )
        for u in units
    ]
    if counts.get(""):
        rows.append(
            _row(
                "",
                _("No responsible unit"),
                counts[""],
                dimension=None,
                list_url=None,
                linkable=False,
            )
        )
    return rows


def kind_chart(section: BoardSection) -> dict[str, Any]:
    """ECharts data of a stacked bar: one bar per row, one stacked series per light."""
    return {
        "categories": [row.label for row in section.rows],
        "series": [
            {
                "light": light,
                "name": str(Light(light).label),
                "colour": LIGHT_COLOURS[light],
                "data": [row.count(light) for row in section.rows],
                "urls": [
                    next(c.url for c in row.cells if c.light == light) for row in section.rows
                ],
            }
            for light in BOARD_LIGHTS
        ],
    }


def portfolio_board(user: User, *, list_url: str | None = None) -> Board:
    """The board of the user's scope: counts by light per town, chain, kind and responsible
    unit, each linking to `list_url` filtered by `light` and the row's filter name."""
    scope = scope_for(user)
    found = light_counts(user)
    counts = found.by
    titles = {
        "town": _("By town"),
        "chain": _("By chain"),
        "kind": _("By kind"),
        "responsible_unit": _("By responsible unit"),
    }
    row_lists = {
        "town": _town_rows(counts["town"], scope, list_url),
        "chain": _chain_rows(counts["chain"], user, list_url),
        "kind": _kind_rows(counts["kind"], list_url),
        "responsible_unit": _unit_rows(counts["responsible_unit"], list_url),
    }
    sections = [
        BoardSection(
            dimension=d,
            title=titles[d],
            rows=row_lists[d],
            total=_row("", _("Total"), _sum(counts[d].values()), dimension=None, list_url=list_url),
        )
        for d in DIMENSIONS
    ]
    grand = _sum(counts["kind"].values())
    board = Board(
        sections=sections,
        total=_row("", _("Total"), grand, dimension=None, list_url=list_url),
        computed_from=found.computed_from,
        computed_to=found.computed_to,
    )
    board.chart = kind_chart(board.section("kind"))
    return board
