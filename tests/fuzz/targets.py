"""Point generated requests at rows that exist, so the fuzzer reaches the writes.

Random ids would almost always be 404s. Most generated ids are replaced by the id of a real
row of the resource the path names (some are kept, so unknown and huge ids are still tried),
foreign keys in bodies likewise, and an update's `expected_version` is often the row's real
version, so that the change is validated and stored rather than refused as stale.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner
from jinmu.core.models import ApiToken, Unit
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification
from jinmu.problems.models import Problem
from jinmu.projects.models import Milestone, Project, ReportPhoto
from jinmu.targets.models import Target

# Path segment (the collection) → model of its rows.
RESOURCES: dict[str, type[models.Model]] = {
    "annual-figures": AnnualFigures,
    "bottlenecks": Bottleneck,
    "chain-nodes": ChainNode,
    "chain-partners": ChainPartner,
    "chains": Chain,
    "enterprises": Enterprise,
    "milestones": Milestone,
    "problems": Problem,
    "projects": Project,
    "qualifications": Qualification,
    "report-photos": ReportPhoto,
    "targets": Target,
    "tokens": ApiToken,
}
# Body fields that name a row of another resource.
BODY_REFERENCES: dict[str, type[models.Model]] = {
    "enterprise": Enterprise,
    "node": ChainNode,
    "chain": Chain,
    "parent": ChainNode,
    "project": Project,
    "owner_unit": Unit,
    "responsible_unit": Unit,
    "completed_milestones": Milestone,
}
POOL_SIZE = 40


class Pools:
    """Ids of existing rows per model, read once per test."""

    def __init__(self) -> None:
        self._ids: dict[type[models.Model], list[int]] = {}

    def ids(self, model: type[models.Model]) -> list[int]:
        """Up to POOL_SIZE ids of `model`."""
        if model not in self._ids:
            manager = model._default_manager
            self._ids[model] = list(manager.order_by("pk").values_list("pk", flat=True)[:POOL_SIZE])
        return self._ids[model]

    def pick(self, model: type[models.Model], seed: int) -> int | None:
        """An existing id chosen by `seed` (None when the table is empty)."""
        ids = self.ids(model)
        # Spread the small numbers Hypothesis favours over the whole pool (Knuth's hash).
        return ids[(seed * 2654435761) % len(ids)] if ids else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _resource_of(path: str, name: str) -> type[models.Model] | None:
    """The model a path parameter names: `project_pk` → projects, `{id}` → the segment before."""
    if name.endswith("_pk"):
        return RESOURCES.get(name[:-3] + "s")
    segments = path.strip("/").split("/")
    marker = "{" + name + "}"
    if marker in segments:
        index = segments.index(marker)
        if index:
            return RESOURCES.get(segments[index - 1])
    return None


def point_at_rows(case: Any, pools: Pools) -> None:
    """Rewrite most generated ids of `case` to real ones (in place)."""
    rows: dict[str, tuple[type[models.Model], int]] = {}
    for name, value in list((case.path_parameters or {}).items()):
        model = _resource_of(case.path, name)
        if model is None or not _is_int(value) or value % 5 == 0:
            continue
        real = pools.pick(model, value)
        if real is not None:
            case.path_parameters[name] = real
            rows[name] = (model, real)
    _real_version(case.query, rows)
    body = case.body
    if not isinstance(body, dict):
        return
    for key, value in list(body.items()):
        model = BODY_REFERENCES.get(key)
        if model is not None and _is_int(value) and value % 5:
            body[key] = pools.pick(model, value) or value
        elif model is not None and isinstance(value, list):
            body[key] = [
                (pools.pick(model, item) or item) if _is_int(item) and item % 5 else item
                for item in value
            ]
    _real_version(body, rows)


def _real_version(values: Any, rows: dict[str, tuple[type[models.Model], int]]) -> None:
    """Mostly replace a generated `expected_version` (body or query) by the row's own."""
    if not isinstance(values, dict) or "id" not in rows:
        return
    version = values.get("expected_version")
    if isinstance(version, str) and version.isdigit():
        version = int(version)
    if _is_int(version) and version % 3:
        model, pk = rows["id"]
        current = model._default_manager.filter(pk=pk).values_list("version", flat=True).first()
        if current is not None:
            values["expected_version"] = current
