"""Planning what one valid ledger row changes: the fields that differ from the ledger, the
place (town and park) after the scope rules, the chain node, and a lifecycle step."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from jinmu.core.excel import CHOICE, TEXT, Column
from jinmu.core.imports import EMPTY, FieldChange, RowError, same
from jinmu.core.models import Region, Unit
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.core.uploads import normalise_header
from jinmu.projects import excel
from jinmu.projects.choices import LIFECYCLES
from jinmu.projects.imports.ledger_rows import ProjectRow
from jinmu.projects.imports.lookups import Lookups
from jinmu.projects.models import Project, ProjectTag

_TEXT_KINDS = (TEXT, CHOICE)  # stored as "" when empty, never NULL
_COLUMNS = {column.field: column for column in excel.PROJECT_COLUMNS}

# Fields the services name in their errors → the column that holds them.
PROJECT_HEADERS = {
    **excel.PROJECT_HEADERS,
    "on": excel.PROJECT_HEADERS["status"],
    "reason": excel.PROJECT_HEADERS["status"],
    "planned_investment": excel.PROJECT_HEADERS["year_plan"],
    "monthly_shares": excel.PROJECT_HEADERS["year_plan"],
}


def _comparable(value: Any) -> Any:
    """Rows by primary key, lists as sorted names, blanks as None."""
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, list | tuple):
        return tuple(sorted(getattr(item, "name", item) for item in value)) or None
    return None if value in EMPTY else value


@dataclass
class ProjectPlan:
    """What one valid row does: the service calls and what the preview shows."""

    data: dict[str, Any]
    status: str | None
    tags: list[ProjectTag] | None
    year_plan: Decimal | None
    changes: list[FieldChange]


class Planner:
    """Plans the rows of one ledger import (the sheet's columns, the user's scope)."""

    headers = PROJECT_HEADERS

    def __init__(self, *, present: set[str], scope: Scope, lookups: Lookups, year: int) -> None:
        self.present = present
        self.scope = scope
        self.lookups = lookups
        self.year = year

    def plan(
        self, row: ProjectRow, current: Project | None, errors: list[RowError]
    ) -> ProjectPlan | None:
        """What the row changes; None (with `errors` filled) when it cannot be applied."""
        kind = row.values["kind"]
        if current is not None and kind != current.kind:
            errors.append(self._kind_change(row.number, current))
            return None
        before = excel.project_values(current, year=self.year) if current else {}
        if current is not None:
            before["region"] = current.region  # the county as well as a town
        after = self._given(row, current, errors)
        after.update(self._place(row, current, errors))
        self._resolve_node(row, current, after, errors)
        status = after.pop("status", None)
        if status and status not in LIFECYCLES[kind]:
            errors.append(self._wrong_status(row.number, status, kind))
        if errors:
            return None
        if current is None:
            after["kind"] = kind
        changes, data = _field_changes(before, after, current)
        status = _status_change(status, current, changes)
        tags_changed = "tags" in after and (
            current is None or not same(_comparable(before.get("tags")), _comparable(after["tags"]))
        )
        plan_changed = "year_plan" in after and not same(
            before.get("year_plan"), after["year_plan"]
        )
        return ProjectPlan(
            data=data,
            status=status,
            tags=after["tags"] if tags_changed else None,
            year_plan=after["year_plan"] if plan_changed else None,
            changes=changes,
        )

    def _given(
        self, row: ProjectRow, current: Project | None, errors: list[RowError]
    ) -> dict[str, Any]:
        """The values the row sets (place and kind aside): columns of another kind must be
        empty, and for a project in the ledger an empty cell of some columns keeps its value."""
        kind = row.values["kind"]
        after: dict[str, Any] = {}
        for column in excel.PROJECT_COLUMNS:
            name = column.field
            if column.header not in self.present or name in ("kind", "region", "park"):
                continue
            value = row.values.get(name)
            owner = excel.column_kind(column)
            if owner is not None and owner != kind:
                if value not in EMPTY:
                    errors.append(self._wrong_kind(row.number, column, owner, kind))
                continue
            if value in EMPTY and current is not None and _kept_when_empty(column):
                continue  # an empty cell keeps what the ledger holds
            after[name] = value
        return after

    def _place(
        self, row: ProjectRow, current: Project | None, errors: list[RowError]
    ) -> dict[str, Any]:
        """Town and park of the row after the scope rules (a town imports only its own); none
        when the row names neither for a project in the ledger."""
        present = self.present
        town_header, park_header = self.headers["region"], self.headers["park"]
        if town_header not in present and park_header not in present and current is not None:
            return {}
        lookups = self.lookups
        if park_header in present:
            park: Unit | None = row.values.get("park")
        else:
            park = current.park if current else None
        if park is None and current is None and self.scope.kind is ScopeKind.PARK:
            park = lookups.own_park()
        park_town = park.town_region if park is not None else None
        region: Region | None = row.values.get("region") if town_header in present else None
        if region is not None and park_town is not None and region.pk != park_town.pk:
            errors.append(
                RowError(
                    row.number,
                    park_header,
                    _("Park “{park}” lies in {town}, not in {other}.").format(
                        park=park.name if park else "", town=park_town.name, other=region.name
                    ),
                    "place",
                )
            )
        if region is None:
            if park_town is not None:
                region = park_town
            elif town_header not in present and current is not None:
                region = current.region
            else:
                region = lookups.default_region()
        errors += self._scope_errors(row.number, region, park)
        if region is None:
            errors.append(
                RowError(
                    row.number, town_header, _("Choose the town the project lies in."), "place"
                )
            )
        return {"region": region, "park": park}

    def _scope_errors(
        self, number: int, region: Region | None, park: Unit | None
    ) -> list[RowError]:
        """A town user imports only projects in their town, a park user only in their park."""
        errors: list[RowError] = []
        if self.scope.kind is ScopeKind.TOWN and (
            region is None or region.pk != self.scope.region_code
        ):
            errors.append(
                RowError(
                    number,
                    self.headers["region"],
                    _("You can only import projects located in your own town."),
                    "scope",
                )
            )
        if self.scope.kind is ScopeKind.PARK and (park is None or park.pk != self.scope.unit_id):
            errors.append(
                RowError(
                    number,
                    self.headers["park"],
                    _("You can only import projects located in your own park."),
                    "scope",
                )
            )
        return errors

    def _resolve_node(
        self,
        row: ProjectRow,
        current: Project | None,
        after: dict[str, Any],
        errors: list[RowError],
    ) -> None:
        """A node is named within the row's chain."""
        if "node" not in after:
            return
        text = after["node"]
        if not text:
            after["node"] = None
            return
        chain = after["chain"] if "chain" in after else (current.chain if current else None)
        node = self.lookups.nodes.get((chain.pk, normalise_header(text))) if chain else None
        if node is None:
            errors.append(
                RowError(
                    row.number,
                    self.headers["node"],
                    _("“{node}” is not a node of the chain given in {chain_column}.").format(
                        node=text, chain_column=self.headers["chain"]
                    )
                    if chain
                    else _("Give the chain in {chain_column} to name one of its nodes.").format(
                        chain_column=self.headers["chain"]
                    ),
                    "unknown_node",
                )
            )
            return
        after["node"] = node

    def _wrong_kind(self, number: int, column: Column, owner: str, kind: str) -> RowError:
        return RowError(
            number,
            column.header,
            _("{column} is only for {owner} projects; leave it empty for a {kind} project.").format(
                column=column.header, owner=excel.kind_word(owner), kind=excel.kind_word(kind)
            ),
            "wrong_kind",
        )

    def _wrong_status(self, number: int, status: str, kind: str) -> RowError:
        words = excel.STATUS_WORDS
        return RowError(
            number,
            self.headers["status"],
            _("“{status}” is not a state of {kind} projects. Use one of: {allowed}.").format(
                status=words.word(status),
                kind=excel.kind_word(kind),
                allowed="、".join(words.word(s) for s in LIFECYCLES[kind]),
            ),
            "status_kind",
        )

    def _kind_change(self, number: int, current: Project) -> RowError:
        return RowError(
            number,
            self.headers["kind"],
            _("The kind of a project cannot change (it is {kind} in the ledger).").format(
                kind=excel.kind_word(current.kind)
            ),
            "kind_change",
        )


def _kept_when_empty(column: Column) -> bool:
    """An empty cell of this column keeps what the ledger holds (dates a transition fills in,
    choices and the year's plan)."""
    return column.field in excel.FILLED_BY_TRANSITIONS or column.kind in (CHOICE, excel.PLAN)


def _field_changes(
    before: dict[str, Any], after: dict[str, Any], current: Project | None
) -> tuple[list[FieldChange], dict[str, Any]]:
    """The preview's changes and the data for the services, of the fields that differ."""
    changes: list[FieldChange] = []
    data: dict[str, Any] = {}
    for name, value in after.items():
        old = before.get(name)
        if current is not None and same(_comparable(old), _comparable(value)):
            continue
        spec = _COLUMNS[name]
        if current is not None or value not in EMPTY:
            changes.append(
                FieldChange(
                    spec.header,
                    excel.display_value(spec, old) if current else "",
                    excel.display_value(spec, value),
                )
            )
        if name not in ("tags", "year_plan"):
            data[name] = "" if value is None and spec.kind in _TEXT_KINDS else value
    return changes, data


def _status_change(
    status: str | None, current: Project | None, changes: list[FieldChange]
) -> str | None:
    """The status to move to (None when the ledger already has it), noted in `changes`."""
    if status and (current is None or status != current.status):
        column = _COLUMNS["status"]
        changes.append(
            FieldChange(
                column.header,
                excel.display_value(column, current.status) if current else "",
                excel.display_value(column, status),
            )
        )
        return status
    return None if current is not None else status
