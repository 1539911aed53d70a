"""Checking the rows of an annual figures import: cells, the enterprise (by credit code, in the
user's area), one row per enterprise and year, the model's rules. Enterprises and existing
figures are fetched in bulk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from jinmu.core.audit import snapshot
from jinmu.core.excel import Column, parse_cell
from jinmu.core.imports import ImportResult, RowError, chunks, duplicate_errors
from jinmu.core.types import User
from jinmu.enterprises import excel
from jinmu.enterprises.imports.rows import (
    CellFailures,
    Draft,
    Plan,
    check_model,
    failure_errors,
    parse_cells,
    plan_row,
)
from jinmu.enterprises.models import AnnualFigures, Enterprise

# A registered enterprise by credit code: (pk, name, region code).
_Owner = tuple[int, str, str]


def _owners(actor: User, codes: list[str]) -> dict[str, _Owner]:
    """The enterprises of the user's area with these credit codes."""
    owners: dict[str, _Owner] = {}
    for chunk in chunks(codes):
        owners.update(
            (uscc, (pk, name, region_id))
            for pk, uscc, name, region_id in Enterprise.objects.for_user(actor)
            .filter(uscc__in=chunk)
            .values_list("pk", "uscc", "name", "region_id")
        )
    return owners


def _existing(
    owners: dict[str, _Owner], years: list[int], *, lock: bool
) -> dict[tuple[int, int], AnnualFigures]:
    """Figures already stored for those enterprises and years (locked unless a dry run)."""
    existing: dict[tuple[int, int], AnnualFigures] = {}
    enterprise_ids = sorted(pk for pk, _name, _region in owners.values())
    for chunk in chunks(enterprise_ids):
        queryset = AnnualFigures.objects.filter(enterprise_id__in=chunk, year__in=years)
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        existing.update(((f.enterprise_id, f.year), f) for f in queryset)
    return existing


def _unknown_enterprise(number: int, header: str) -> RowError:
    return RowError(
        number,
        header,
        _(
            "No enterprise with this credit code is registered in your area. "
            "Import the enterprise first (enterprises template), then its figures."
        ),
        "unknown_enterprise",
    )


def _draft(
    number: int,
    owner: _Owner,
    year: int,
    existing: dict[tuple[int, int], AnnualFigures],
    present: set[str],
) -> Draft:
    """The figures of the enterprise and year the row names (stored ones, or new)."""
    enterprise_id, _name, region_id = owner
    current = existing.get((enterprise_id, year))
    obj = current or AnnualFigures(enterprise_id=enterprise_id, year=year, region_id=region_id)
    return Draft(
        number=number,
        obj=obj,
        is_new=current is None,
        before_values={
            column.field: getattr(obj, column.field)
            for column in _figure_columns()
            if column.header in present
        },
        before=None if current is None else snapshot(obj),
    )


def _figure_columns() -> list[Column]:
    """The figure columns (all but the credit code and the year)."""
    return [c for c in excel.FIGURE_COLUMNS if c.field not in ("uscc", "year")]


def validate_figures(
    actor: User,
    rows: list[tuple[int, dict[str, Any]]],
    present: set[str],
    result: ImportResult,
) -> list[Plan]:
    """Check every row of a figures sheet; the plans of the rows without errors."""
    columns = excel.FIGURE_COLUMNS
    by_field = {column.field: column for column in columns}
    uscc_column, year_column = by_field["uscc"], by_field["year"]
    figure_columns = _figure_columns()

    parsed: list[tuple[int, dict[str, Any], CellFailures]] = [
        (number, *parse_cells(cells, present, columns, parse_cell)) for number, cells in rows
    ]
    owners = _owners(actor, sorted({v["uscc"] for _n, v, _e in parsed if v.get("uscc")}))
    years = sorted({values["year"] for _n, values, _e in parsed if values.get("year")})
    existing = _existing(owners, years, lock=not result.dry_run)

    plans: list[Plan] = []
    rows_by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
    for number, values, failures in parsed:
        row_errors = failure_errors(number, failures)
        code, year = values.get("uscc"), values.get("year")
        owner = owners.get(code) if code else None
        if code and owner is None:
            row_errors.append(_unknown_enterprise(number, uscc_column.header))
        if code and year:
            rows_by_key[(code, year)].append(number)
        if owner is None or not year:
            result.errors += row_errors
            continue
        draft = _draft(number, owner, year, existing, present)
        draft.errors = row_errors
        failed = {column.field for column, _exc in failures}
        for column in figure_columns:
            if column.header in present and column.field not in failed:
                setattr(draft.obj, column.field, values.get(column.field))
        check_model(draft, [*failed, "enterprise", "region"], by_field)
        plan = plan_row(
            result, draft, columns=figure_columns, names={}, key=f"{code} · {year}", label=owner[1]
        )
        if plan is not None:
            plans.append(plan)

    result.errors += duplicate_errors(
        rows_by_key,
        year_column.header,
        _(
            "Figures for this credit code and year also appear in row {rows}; keep one row per "
            "enterprise and year."
        ),
    )
    return plans
