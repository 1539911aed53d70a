"""What the enterprise and figures imports share: the sheet with its header checked, the cells of
a row parsed, a row drafted, checked by the model and planned, and the preview's changes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jinmu.core.excel import CHOICE, INDUSTRY, PARK, TEXT, TOWN, USCC, Column
from jinmu.core.imports import (
    EMPTY,
    FieldChange,
    ImportResult,
    ModelCheck,
    RowError,
    RowOutcome,
    RowsOrFile,
    Sheet,
    cell_errors,
    field_errors,
    load_sheet,
    no_rows_errors,
    required_error,
    same,
)
from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.types import User
from jinmu.enterprises import excel

CellFailures = list[tuple[Column, ValidationError]]
_TEXT_KINDS = (TEXT, USCC, INDUSTRY)  # written and shown as the text they hold
_ID_KINDS = (TOWN, PARK, INDUSTRY)  # foreign keys, compared and shown by their ids


@dataclass
class Plan:
    """A validated row waiting to be written."""

    row: int
    obj: models.Model
    before: dict[str, Any] | None
    is_new: bool
    outcome: RowOutcome


@dataclass
class Draft:
    """A row being checked: the object it creates or changes, what that object was (the audit
    snapshot and the values of the sheet's columns) and the errors found so far."""

    number: int
    obj: models.Model
    is_new: bool
    before_values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)
    before: dict[str, Any] | None = None


def load(source: RowsOrFile, columns: Sequence[Column], sheet_name: str) -> Sheet:
    """The sheet, with the file's errors, else a missing required column, else no data rows."""
    sheet = load_sheet(source, columns, sheet_name)
    if not sheet.errors:
        sheet.errors = _header_errors(columns, sheet.present) or no_rows_errors(sheet.rows)
    return sheet


def _header_errors(columns: Sequence[Column], present: set[str]) -> list[RowError]:
    return [
        RowError(
            1,
            column.header,
            _(
                "The required column “{column}” is missing from the header row. Use the "
                "downloadable template, and check that you chose what the workbook holds."
            ).format(column=column.header),
            "missing_column",
        )
        for column in columns
        if column.required and column.header not in present
    ]


def import_scope(actor: User) -> Scope:
    """The scope an import works in; refuse users who may not edit enterprises."""
    scope = scope_for(actor)
    if not can_edit_enterprises(actor) or scope.kind not in (
        ScopeKind.REGION,
        ScopeKind.TOWN,
        ScopeKind.PARK,
    ):
        raise PermissionDenied(_("You may not import enterprise data."))
    return scope


def parse_cells(
    cells: Mapping[str, Any],
    present: set[str],
    columns: Sequence[Column],
    parse: Callable[[Column, Any], Any],
) -> tuple[dict[str, Any], CellFailures]:
    """Parsed values by field for the columns present (an empty required cell is an error),
    and the cells that failed."""
    values: dict[str, Any] = {}
    failures: CellFailures = []
    for column in columns:
        if column.header not in present:
            continue
        raw = cells.get(column.header)
        try:
            if raw is None and column.required:
                raise required_error(column)
            values[column.field] = parse(column, raw)
        except ValidationError as exc:
            failures.append((column, exc))
    return values, failures


def failure_errors(number: int, failures: CellFailures) -> list[RowError]:
    """The failed cells of a row as row errors."""
    return [error for column, exc in failures for error in cell_errors(number, column, exc)]


def check_model(draft: Draft, exclude: Sequence[str], by_field: Mapping[str, Column]) -> None:
    """The model's own rules (validators shared with the forms and the API) on the draft, their
    errors under the matching column headers."""
    try:
        _model_check(type(draft.obj)).full_clean(draft.obj, exclude)
    except ValidationError as exc:
        headers = {name: column.header for name, column in by_field.items()}
        draft.errors += field_errors(draft.number, exc, headers, code="model")


@functools.cache
def _model_check(model: type[models.Model]) -> ModelCheck:
    """The model's checks, looked up once (`full_clean` for thousands of rows)."""
    return ModelCheck(model)


def plan_row(
    result: ImportResult,
    draft: Draft,
    *,
    columns: Sequence[Column],
    names: dict[str, dict[Any, str]],
    key: str,
    label: str,
) -> Plan | None:
    """Record the draft's errors; a row without any becomes a plan with its preview line."""
    result.errors += draft.errors
    if draft.errors:
        return None
    found = changes(columns, draft.before_values, draft.obj, names, is_new=draft.is_new)
    outcome = RowOutcome(draft.number, key, label, found)
    return Plan(draft.number, draft.obj, draft.before, draft.is_new, outcome)


def changes(
    columns: Sequence[Column],
    before: Mapping[str, Any],
    obj: models.Model,
    names: dict[str, dict[Any, str]],
    *,
    is_new: bool,
) -> list[FieldChange]:
    """The preview's changes of a row: every column it sets (new rows) or changes."""
    found: list[FieldChange] = []
    language = get_language()  # once per row: every choice label below is in it
    for column in columns:
        name = column.field
        if name not in before:
            continue
        # The model's value behind the column, as `excel.model_value` reads it.
        new = getattr(obj, name + "_id" if column.kind in _ID_KINDS else name)
        if is_new:
            if new in EMPTY:
                continue
            found.append(FieldChange(column.header, "", _shown(column, new, names, language)))
            continue
        old = before[name]
        if same(old, new):
            continue
        found.append(
            FieldChange(
                column.header,
                _shown(column, old, names, language),
                _shown(column, new, names, language),
            )
        )
    return found


def _shown(
    column: Column, value: Any, names: dict[str, dict[Any, str]], language: str | None
) -> str:
    """A value as the preview shows it (`excel.display_value`), without its round of
    conversions for text (shown as it is) and with a choice's label translated once."""
    if type(value) is str:
        if column.kind in _TEXT_KINDS:
            return value
        if column.kind == CHOICE and value:
            return _choice_label(column.field, value, language)
    return excel.display_value(column, value, names=names)


@functools.lru_cache(maxsize=64)
def _choice_label(field: str, value: str, language: str | None) -> str:
    """`excel.choice_label` per language (as `display_value` shows a choice)."""
    return excel.choice_label(field, value)
