"""Everything a ledger row can name (towns, parks, chains, units, lists, enterprises), fetched
once per import within the user's sight."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from jinmu.chains.models import Chain, ChainNode
from jinmu.core.choices import RegionLevel, UnitKind
from jinmu.core.excel import parse_text
from jinmu.core.imports import Cells, chunks, index_by, pick
from jinmu.core.models import Region, Unit
from jinmu.core.places import county_prefix
from jinmu.core.regions import county_code
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.core.types import User
from jinmu.core.uploads import normalise_header
from jinmu.core.validators import normalize_uscc, validate_uscc
from jinmu.enterprises.models import Enterprise
from jinmu.projects import excel
from jinmu.projects.models import Project, ProjectTag


@dataclass
class Lookups:
    """Everything a ledger row can name, fetched once per import within the user's sight."""

    actor: User
    scope: Scope
    towns: dict[str, list[Region]]
    home: Region | None  # the user's own region (the county for county staff)
    parks: dict[str, list[Unit]]
    chains: dict[str, list[Chain]]
    nodes: dict[tuple[int, str], ChainNode]
    units: dict[str, list[Unit]]
    tags: dict[str, list[ProjectTag]]
    enterprises: dict[str, list[Enterprise]]
    vocabularies: dict[str, dict[str, str]]

    @classmethod
    def build(cls, actor: User, scope: Scope, rows: Sequence[tuple[int, Cells]]) -> Lookups:
        """Fetch the towns, parks, chains, units, lists and named enterprises."""
        prefix = county_prefix(scope)
        towns = list(Region.objects.filter(code__startswith=prefix, level=RegionLevel.TOWN))
        parks = Unit.objects.filter(
            kind=UnitKind.PARK, region__code__startswith=county_code(prefix)
        )
        units = Unit.objects.for_user(actor).filter(
            is_active=True, region__code__startswith=county_code(prefix)
        )
        header = excel.PROJECT_HEADERS["enterprise"]
        named = sorted({parse_text(cells.get(header)) for _n, cells in rows} - {""})
        # An enterprise the user sees, or the owner of a project the user sees (a town's project
        # may be built by a firm registered elsewhere; exporting and importing it must work).
        reachable = Q(pk__in=Enterprise.objects.for_user(actor).values("pk")) | Q(
            projects__in=Project.objects.for_user(actor).values("pk")
        )
        enterprises: list[Enterprise] = []
        for chunk in chunks(named):
            codes = [normalize_uscc(text) for text in chunk]
            enterprises += (
                Enterprise.objects.filter(Q(uscc__in=codes) | Q(name__in=chunk))
                .filter(reachable)
                .distinct()
            )
        chains = list(Chain.objects.for_user(actor))
        nodes = ChainNode.objects.filter(chain__in=[c.pk for c in chains])
        return cls(
            actor=actor,
            scope=scope,
            towns=index_by(towns, lambda r: r.name, lambda r: r.code),
            home=actor.region or (actor.unit.region if actor.unit else None),
            parks=index_by(
                parks.select_related("town_region"), lambda u: u.name, lambda u: u.short_name
            ),
            chains=index_by(chains, lambda c: c.name),
            nodes={(n.chain_id, normalise_header(n.name)): n for n in nodes},
            units=index_by(units, lambda u: u.name, lambda u: u.short_name),
            tags=index_by(ProjectTag.objects.for_user(actor), lambda t: t.name),
            enterprises=index_by(enterprises, lambda e: e.uscc, lambda e: e.name),
            vocabularies={name: v.lookup() for name, v in excel.VOCABULARIES.items()},
        )

    def default_region(self) -> Region | None:
        """Where a row without town or park lies: a town user's town, a park user's park's
        town, else the user's own region (the county)."""
        if self.scope.kind is ScopeKind.TOWN:
            return next(
                (t for ts in self.towns.values() for t in ts if t.code == self.scope.region_code),
                None,
            )
        if self.scope.kind is ScopeKind.PARK:
            park = self.own_park()
            if park is not None and park.town_region is not None:
                return park.town_region
        return self.home

    def own_park(self) -> Unit | None:
        """The park of a park user."""
        if self.scope.kind is not ScopeKind.PARK:
            return None
        return next(
            (p for ps in self.parks.values() for p in ps if p.pk == self.scope.unit_id), None
        )

    def enterprise(self, raw: Any) -> Enterprise:
        """An enterprise by credit code or name, among those the user sees."""
        text = parse_text(raw)
        try:
            validate_uscc(normalize_uscc(text))
            key = normalize_uscc(text)
        except ValidationError:
            key = text
        found = self.enterprises.get(normalise_header(key), [])
        if len(found) != 1:
            raise ValidationError(
                _(
                    "No single enterprise in your area has the credit code or name “{value}”. "
                    "Write the 18-character credit code of an enterprise in the register."
                ).format(value=text),
                code="unknown_enterprise",
            )
        return found[0]

    def tag_list(self, raw: Any) -> list[ProjectTag]:
        """Project lists by name; each must exist."""
        tags: list[ProjectTag] = []
        for name in excel.parse_tag_names(raw):
            tags.append(pick(self.tags, name, _("project list")))
        return sorted(set(tags), key=lambda tag: tag.name)
