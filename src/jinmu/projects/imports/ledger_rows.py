"""Reading the ledger sheet's rows and matching them to the ledger: by 项目编号, or by name and
kind when the number is empty, within the user's sight."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from jinmu.core.excel import CHOICE, MONEY, PARK, TOWN, Column, parse_cell, parse_text
from jinmu.core.imports import (
    Cells,
    RowError,
    cell_errors,
    chunks,
    duplicate_errors,
    pick,
    required_error,
)
from jinmu.core.types import User
from jinmu.projects import excel
from jinmu.projects.imports.common import not_yours
from jinmu.projects.imports.lookups import Lookups
from jinmu.projects.models import Project, ProjectYearPlan


@dataclass
class ProjectRow:
    """One parsed ledger row."""

    number: int
    values: dict[str, Any]
    errors: list[RowError]


def parse_project_row(
    number: int, cells: Cells, present: set[str], lookups: Lookups, today: dt.date
) -> ProjectRow:
    row = ProjectRow(number, {}, [])
    for column in excel.PROJECT_COLUMNS:
        if column.header not in present:
            continue
        raw = cells.get(column.header)
        try:
            row.values[column.field] = _parse_project_cell(column, raw, lookups)
        except ValidationError as exc:
            row.errors += cell_errors(number, column, exc)
            continue
        value = row.values[column.field]
        if column.field in excel.PAST_DATES and value is not None and value > today:
            row.errors.append(
                RowError(
                    number,
                    column.header,
                    _("{column} {date} is in the future.").format(
                        column=column.header, date=value.isoformat()
                    ),
                    "future_date",
                )
            )
    return row


def _parse_project_cell(column: Column, raw: Any, lookups: Lookups) -> Any:
    if raw is None:
        if column.required:
            raise required_error(column)
        return [] if column.kind == excel.TAGS else None
    kind = column.kind
    if kind == CHOICE:
        vocabulary = excel.VOCABULARIES[column.field]
        return vocabulary.parse(raw, lookups.vocabularies[column.field])
    if kind == TOWN:
        return pick(lookups.towns, raw, _("town"))
    if kind == PARK:
        return pick(lookups.parks, raw, _("park"))
    if kind == excel.CHAIN:
        return pick(lookups.chains, raw, _("chain"))
    if kind == excel.NODE:
        return parse_text(raw)  # resolved on the row's chain
    if kind == excel.UNIT:
        return pick(lookups.units, raw, _("unit"))
    if kind == excel.ENTERPRISE:
        return lookups.enterprise(raw)
    if kind == excel.TAGS:
        return lookups.tag_list(raw)
    if kind == excel.PLAN:
        return parse_cell(
            Column(column.header, column.field, MONEY, column.help, non_negative=True), raw
        )
    return parse_cell(column, raw)


@dataclass
class _LedgerIndex:
    """The ledger projects the rows name, by number and by (kind, name); `taken` holds the
    numbers in use anywhere (a number out of the user's sight is "not yours")."""

    by_code: dict[str, Project]
    by_name: dict[tuple[str, str], list[Project]]
    taken: set[str]

    @classmethod
    def fetch(cls, rows: Sequence[ProjectRow], *, actor: User, year: int) -> _LedgerIndex:
        """The projects named by the rows' numbers, and by the names of rows without one."""
        codes = sorted({row.values["code"] for row in rows if row.values.get("code")})
        names = sorted(
            {
                row.values["name"]
                for row in rows
                if row.values.get("name") and not row.values.get("code")
            }
        )
        scoped = (
            Project.objects.for_user(actor)
            .select_related("region", "park", "chain", "node", "enterprise", "responsible_unit")
            .prefetch_related(
                "tags",
                Prefetch("year_plans", queryset=ProjectYearPlan.objects.filter(year=year)),
            )
        )
        fetched: dict[int, Project] = {}
        taken: set[str] = set()
        for chunk in chunks(codes):
            fetched |= {p.pk: p for p in scoped.filter(code__in=chunk)}
            taken |= set(Project.objects.filter(code__in=chunk).values_list("code", flat=True))
        for chunk in chunks(names):
            fetched |= {p.pk: p for p in scoped.filter(name__in=chunk)}
        index = cls(by_code={}, by_name=defaultdict(list), taken=taken)
        for project in fetched.values():
            if project.code:
                index.by_code[project.code] = project
            index.by_name[(project.kind, project.name)].append(project)
        return index


def match_projects(
    rows: Sequence[ProjectRow], *, actor: User, year: int, headers: dict[str, str]
) -> dict[int, Project]:
    """The ledger project of each row that names one; "not yours", ambiguous-name and
    duplicate errors are added to the rows."""
    index = _LedgerIndex.fetch(rows, actor=actor, year=year)
    matches: dict[int, Project] = {}
    keys: dict[Any, list[int]] = defaultdict(list)
    for row in rows:
        project = _match_row(row, index, keys, headers["code"])
        if project is not None:
            matches[row.number] = project
    duplicates = duplicate_errors(
        {k: v for k, v in keys.items() if k[0] == "code"},
        headers["code"],
        _("This project number also appears in row {rows}; each project may appear once."),
    ) + duplicate_errors(
        {k: v for k, v in keys.items() if k[0] == "name"},
        headers["name"],
        _(
            "A project of this name and kind also appears in row {rows} without a number; "
            "each project may appear once."
        ),
    )
    by_row = {row.number: row for row in rows}
    for error in duplicates:
        assert error.row is not None
        by_row[error.row].errors.append(error)
    return matches


def _match_row(
    row: ProjectRow, index: _LedgerIndex, keys: dict[Any, list[int]], code_header: str
) -> Project | None:
    """The project a row names (noting its key for the duplicate check), or None."""
    code, name, kind = (row.values.get(k) for k in ("code", "name", "kind"))
    if code:
        keys[("code", code)].append(row.number)
        if code in index.by_code:
            return index.by_code[code]
        if code in index.taken:
            row.errors.append(not_yours(row.number, code_header))
        return None
    if not name or not kind:
        return None
    keys[("name", kind, name)].append(row.number)
    found = index.by_name.get((kind, name), [])
    if len(found) > 1:
        row.errors.append(
            RowError(
                row.number,
                code_header,
                _(
                    "Several projects in your area have this name; write the project "
                    "number of the one you mean."
                ),
                "ambiguous",
            )
        )
        return None
    return found[0] if found else None
