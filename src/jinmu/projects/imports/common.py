"""What the ledger and report imports share: who may import, reading the sheet, the errors of
a missing column or an unknown project, and the final ordering of errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jinmu.core.excel import Column
from jinmu.core.imports import (
    ImportResult,
    RowError,
    Sheet,
    load_sheet,
    no_rows_errors,
    sort_errors,
)
from jinmu.core.scoping import Scope, scope_for
from jinmu.core.types import User
from jinmu.projects import excel
from jinmu.projects.permissions import can_create_projects
from jinmu.projects.weeks import monday_of, parse_iso_week


def require_importer(actor: User) -> Scope:
    """The actor's scope; only those who may register projects import."""
    if not can_create_projects(actor):
        raise PermissionDenied(_("You may not import projects."))
    return scope_for(actor)


def read_sheet(file: Any, kind: str) -> Sheet:
    """Read the upload (checked by `jinmu.core.uploads`); refusals become file errors."""
    sheet = load_sheet(file, excel.COLUMNS[kind], excel.SHEETS[kind])
    sheet.ignored = [h for h in sheet.ignored if not h.startswith("Unnamed")]
    if not sheet.errors:
        sheet.errors = no_rows_errors(sheet.rows)
    return sheet


def missing_column(header: str) -> RowError:
    """The error of a required column missing from the header row."""
    return RowError(
        1,
        header,
        _(
            "The column “{column}” is missing from the header row. Start from the downloadable "
            "template."
        ).format(column=header),
        "missing_column",
    )


def finish(result: ImportResult, columns: Sequence[Column]) -> ImportResult:
    """Errors in row and column order; with any error there is nothing to show as done."""
    result.errors = sort_errors(result.errors, columns, then_by_message=True)
    if result.errors:
        result.created, result.updated, result.unchanged = [], [], []
    return result


def not_yours(number: int, header: str) -> RowError:
    """A project number the user cannot import to."""
    # The same words whether the project does not exist or is someone else's.
    return RowError(
        number,
        header,
        _("No project with this number in your area (not found or not yours)."),
        "not_found",
    )


def week_of(week: dt.date | str | None) -> dt.date | None:
    """The Monday of a week given as a date or as ISO text (None when not given)."""
    if week is None or week == "":
        return None
    if isinstance(week, str):
        return parse_iso_week(week)
    return monday_of(week)
