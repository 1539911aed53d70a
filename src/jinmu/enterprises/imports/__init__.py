"""Import of enterprises and their annual figures from Excel: every row checked, then all saved.

Rows are validated first (cells, scope, duplicates, the models' own rules); if any row has an
error nothing is written and every error is reported by Excel row and column. Otherwise all rows
are written in one transaction, in bulk, each create or change audited; rows that already match the
database are left alone, so importing the same file twice changes nothing. Lookups (existing
enterprises, towns, parks, industry codes) are fetched in bulk, so the work stays linear. After
the writes the apps above the register are told which enterprises were written, in the same
transaction (`jinmu.enterprises.extensions`: the chains app refreshes their node statistics).

The rows are checked in `enterprise_rows` and `figure_rows`, with what both share in `rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

from jinmu.core.audit import record_changes
from jinmu.core.choices import AuditAction
from jinmu.core.imports import (
    ImportResult,
    RowsOrFile,
    Sheet,
    collector_paused,
    insert_rows,
    run_atomically,
    sort_errors,
    update_rows,
)
from jinmu.core.types import User
from jinmu.enterprises import excel, extensions
from jinmu.enterprises.imports.enterprise_rows import validate_enterprises
from jinmu.enterprises.imports.figure_rows import validate_figures
from jinmu.enterprises.imports.rows import Plan, import_scope, load
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.enterprises.services import move_children

__all__ = ["ImportResult", "import_annual_figures", "import_enterprises"]


def _import(
    kind: str,
    *,
    rows_or_file: RowsOrFile,
    dry_run: bool,
    validate: Callable[[Sheet, ImportResult], list[Plan]],
    write: Callable[[list[Plan]], None],
) -> ImportResult:
    """Load the sheet, validate every row, and write them all (unless it is a dry run or a row
    failed) in one transaction."""
    columns = excel.COLUMNS[kind]
    result = ImportResult(kind=kind, dry_run=dry_run)
    with collector_paused():
        sheet = load(rows_or_file, columns, excel.SHEETS[kind])
        result.ignored_columns = sheet.ignored
        if sheet.errors:
            result.errors = sheet.errors
            return result
        plans: list[Plan] = []

        def work() -> None:
            plans[:] = validate(sheet, result)
            if not result.errors and not dry_run:
                write(plans)

        run_atomically(result, work)
        _fill_outcomes(result, plans if result.ok else [])
    result.errors = sort_errors(result.errors, columns)
    return result


def import_enterprises(*, actor: User, rows_or_file: RowsOrFile, dry_run: bool) -> ImportResult:
    """Create or update enterprises from a sheet; nothing is saved unless every row is valid."""
    scope = import_scope(actor)

    def validate(sheet: Sheet, result: ImportResult) -> list[Plan]:
        return validate_enterprises(actor, scope, sheet.rows, sheet.present, result)

    def write(plans: list[Plan]) -> None:
        written = _write(plans, actor=actor, prepare=_fill_name_keys)
        # A firm moved to another town takes its figures, qualifications and links along.
        moved = [
            plan.obj
            for plan in written
            if isinstance(plan.obj, Enterprise)
            and plan.before is not None
            and plan.before.get("region_id") != plan.obj.region_id
        ]
        move_children(moved)
        # New enterprises are on no node yet; changed ones may have a new status or place.
        extensions.enterprises_changed(
            (plan.obj.pk for plan in written if not plan.is_new), counts_changed=True
        )

    return _import(
        excel.ENTERPRISES,
        rows_or_file=rows_or_file,
        dry_run=dry_run,
        validate=validate,
        write=write,
    )


def _fill_name_keys(objects: list[models.Model]) -> None:
    """The enterprises' pinyin keys, which their `save()` would derive from the name."""
    Enterprise.fill_name_keys(obj for obj in objects if isinstance(obj, Enterprise))


def import_annual_figures(*, actor: User, rows_or_file: RowsOrFile, dry_run: bool) -> ImportResult:
    """Create or update annual figures (by credit code and year); all rows valid or none saved."""
    import_scope(actor)

    def validate(sheet: Sheet, result: ImportResult) -> list[Plan]:
        return validate_figures(actor, sheet.rows, sheet.present, result)

    def write(plans: list[Plan]) -> None:
        written = _write(plans, actor=actor)
        extensions.enterprises_changed(
            (plan.obj.enterprise_id for plan in written if isinstance(plan.obj, AnnualFigures)),
            counts_changed=True,
        )

    return _import(
        excel.FIGURES,
        rows_or_file=rows_or_file,
        dry_run=dry_run,
        validate=validate,
        write=write,
    )


def _write(
    plans: Iterable[Plan],
    *,
    actor: User,
    prepare: Callable[[list[models.Model]], None] | None = None,
) -> list[Plan]:
    """Save the created and changed rows, each with its audit entry (unchanged rows untouched);
    return the plans written. Rows go in bulk INSERTs and one batched UPDATE, their audit rows
    in bulk in the sheet's order; `prepare` fills in what the model's `save()` would derive."""
    written = [plan for plan in plans if plan.is_new or plan.outcome.changes]
    created = [plan.obj for plan in written if plan.is_new]
    changed = [plan.obj for plan in written if not plan.is_new]
    for obj in changed:
        obj.version = obj.version + 1  # type: ignore[attr-defined]
    if prepare is not None:
        prepare(created + changed)
    insert_rows(created)
    update_rows(changed)
    record_changes(
        (
            (plan.obj, AuditAction.CREATE if plan.is_new else AuditAction.UPDATE, plan.before)
            for plan in written
        ),
        actor=actor,
    )
    return written


def _fill_outcomes(result: ImportResult, plans: Iterable[Plan]) -> None:
    for plan in plans:
        if plan.is_new:
            result.created.append(plan.outcome)
        elif plan.outcome.changes:
            result.updated.append(plan.outcome)
        else:
            result.unchanged.append(plan.outcome)
