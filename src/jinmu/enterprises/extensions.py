"""Extension points of the enterprise register, for the apps above it.

`enterprises` sits low in the app order (core → api → enterprises → chains → …), so it never
imports the apps that hang data off an enterprise (chains links enterprises to chain nodes and
keeps per-node statistics of them). Instead the register names the few places where such an app
takes part, and the app fills them in from its `AppConfig.ready()`:

- `EnterpriseFilterSet.add_filters` (in `jinmu.enterprises.filtersets`): extra filters of the
  list page, the API and the export (chains adds chain, node and role).
- `EnterpriseExtension` (here), registered with `register()`:
  - `visible_to(scope)`: which enterprises a scope kind owned by that app sees (a chain office
    sees the enterprises on its chains);
  - `moved(region_id, enterprise_ids)`: enterprises moved to another region; the app's rows
    scoped by the enterprise's region follow (chain links);
  - `changed(enterprise_ids, counts_changed=…, updated_at=…)`: enterprises were written; with
    `counts_changed` what they count as (status, place, figures) may have changed, otherwise
    only their `updated_at` moved (chain node statistics);
  - `panels(request, enterprise, scope)`: extra cards on the enterprise's page.

These are plain calls made by the register's own querysets, services, imports and views at the
named moment (`moved` and `changed` inside the writer's transaction), not Django signals.
Without any extension registered the register works on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from jinmu.core.scoping import Scope

if TYPE_CHECKING:  # models import the querysets, which use this module
    from jinmu.core.types import AuthedRequest
    from jinmu.enterprises.models import Enterprise


@dataclass(frozen=True)
class Panel:
    """A card an extension adds to the enterprise's page: a template and its context."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


class EnterpriseExtension:
    """What an app above the register may add to it; every hook does nothing by default."""

    #: Registering an extension of the same name again replaces it.
    name = ""

    def visible_to(self, scope: Scope) -> Q | None:
        """A condition on enterprises for a scope kind the register does not know itself
        (applied inside the scope's region); None when the scope kind is not this app's."""
        return None

    def moved(self, region_id: str, enterprise_ids: list[int]) -> None:
        """The enterprises now lie in `region_id` (called inside the writer's transaction)."""

    def changed(
        self,
        enterprise_ids: Iterable[int],
        *,
        counts_changed: bool,
        updated_at: dt.datetime | None = None,
    ) -> None:
        """The enterprises were written (inside the writer's transaction)."""

    def panels(self, request: AuthedRequest, enterprise: Enterprise, scope: Scope) -> list[Panel]:
        """Cards to show on the enterprise's page."""
        return []


_EXTENSIONS: dict[str, EnterpriseExtension] = {}


def register(extension: EnterpriseExtension) -> None:
    """Add an app's extension (from its `AppConfig.ready()`)."""
    _EXTENSIONS[extension.name or type(extension).__qualname__] = extension


def extensions() -> tuple[EnterpriseExtension, ...]:
    """The registered extensions, in registration order."""
    return tuple(_EXTENSIONS.values())


def visible_to(scope: Scope) -> Q | None:
    """The first extension's condition for the scope, if any extension knows its kind."""
    for extension in extensions():
        condition = extension.visible_to(scope)
        if condition is not None:
            return condition
    return None


def enterprises_moved(by_region: Mapping[str, list[int]]) -> None:
    """Tell every extension which enterprises moved to which region."""
    for extension in extensions():
        for region_id, ids in by_region.items():
            extension.moved(region_id, ids)


def enterprises_changed(
    enterprise_ids: Iterable[int], *, counts_changed: bool, updated_at: dt.datetime | None = None
) -> None:
    """Tell every extension that the enterprises were written (see `EnterpriseExtension`)."""
    ids = list(enterprise_ids)
    for extension in extensions():
        extension.changed(ids, counts_changed=counts_changed, updated_at=updated_at)


def panels(request: AuthedRequest, enterprise: Enterprise, scope: Scope) -> list[Panel]:
    """Every extension's cards for the enterprise's page."""
    return [
        panel
        for extension in extensions()
        for panel in extension.panels(request, enterprise, scope)
    ]
