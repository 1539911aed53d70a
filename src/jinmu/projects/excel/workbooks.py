"""The workbooks of the ledger: the export, the empty project template with its dropdowns and
说明 sheet, and a week's prefilled report template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from jinmu.core.excel import (
    MONEY,
    TEXT,
    Column,
    Dropdowns,
    save_workbook,
    write_export,
    write_guide,
    write_header,
    yuan_to_wan,
)
from jinmu.core.uploads import neutralise_cell
from jinmu.projects.excel.cells import project_row
from jinmu.projects.excel.columns import (
    ENTERPRISE,
    INFO,
    PLAN,
    PROJECT_COLUMNS,
    PROJECT_SHEET,
    REPORT_COLUMNS,
    REPORT_SHEET,
    WEEK,
)
from jinmu.projects.excel.vocabularies import VOCABULARIES, statuses_by_kind
from jinmu.projects.weeks import iso_label

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from jinmu.projects.models import Project


def export_projects(projects: Iterable[Project], *, year: int) -> bytes:
    """The ledger rows as a streamed workbook (cells neutralised against formulas)."""
    rows = (project_row(project, year=year) for project in projects)
    return write_export(rows, columns=PROJECT_COLUMNS, sheet_name=PROJECT_SHEET)


_LAST_ROW = 5000  # the template's dropdowns and checks reach this row


@dataclass(frozen=True)
class Choices:
    """Names offered in the project template's dropdowns (what the user may pick)."""

    towns: Sequence[str] = ()
    parks: Sequence[str] = ()
    chains: Sequence[str] = ()
    units: Sequence[str] = ()
    tags: Sequence[str] = ()


def _header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    write_header(sheet, columns, text_kinds=(TEXT, WEEK, ENTERPRISE), info_kinds=(INFO,))


def _dropdowns(workbook: Workbook, sheet: Worksheet, columns: Sequence[Column]) -> Dropdowns:
    return Dropdowns(workbook, sheet, columns, last_row=_LAST_ROW)


def _money_rules(dropdowns: Dropdowns, columns: Sequence[Column]) -> None:
    for column in columns:
        if column.kind in (MONEY, PLAN):
            dropdowns.numbers(
                column.field,
                DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
                _("Enter an amount in 万元, 0 or more."),
            )


def _guide(
    workbook: Workbook,
    *,
    sheet_name: str,
    columns: Sequence[Column],
    notes: Sequence[str],
    extra: Sequence[tuple[str, str]] = (),
) -> None:
    lines = [
        _("Fill in the sheet “{sheet}” from row 2; keep the header row as it is.").format(
            sheet=sheet_name
        ),
        *notes,
        _(
            "The whole file is checked first. If any row has an error nothing is saved, and every "
            "error is listed by row and column."
        ),
        _("Importing the same file again changes nothing."),
    ]
    write_guide(workbook, notes=lines, columns=columns, extra=extra, text_width=90)


def build_project_template(choices: Choices | None = None) -> bytes:
    """The empty ledger workbook: header row, dropdowns and a 说明 sheet."""
    choices = choices or Choices()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = PROJECT_SHEET
    _header(sheet, PROJECT_COLUMNS)
    dropdowns = _dropdowns(workbook, sheet, PROJECT_COLUMNS)
    for name, vocabulary in VOCABULARIES.items():
        dropdowns.offer(name, list(vocabulary.words.values()))
    dropdowns.offer("region", choices.towns)
    dropdowns.offer("park", choices.parks)
    dropdowns.offer("chain", choices.chains)
    dropdowns.offer("responsible_unit", choices.units)
    _money_rules(dropdowns, PROJECT_COLUMNS)
    lifecycles = [(kind, " → ".join(states)) for kind, states in statuses_by_kind()]
    _guide(
        workbook,
        sheet_name=PROJECT_SHEET,
        columns=PROJECT_COLUMNS,
        notes=[
            _("One row per project. Money is in 万元 (ten thousand yuan); it is stored exactly."),
            _(
                "Columns of one kind (investor, bond amounts …) stay empty for the other kinds. "
                "Columns you delete are left unchanged; an empty cell clears the value unless "
                "its guidance says otherwise."
            ),
            _(
                "A status differing from the ledger is applied as a lifecycle step, dated "
                "today; a step the lifecycle does not allow is an error."
            ),
        ],
        extra=[(_("States"), ""), *lifecycles]
        + ([(_("Lists"), "、".join(choices.tags))] if choices.tags else []),
    )
    return save_workbook(workbook)


def build_report_template(rows: Iterable[Sequence[Any]], *, week: dt.date) -> bytes:
    """The weekly report workbook of one week, one prefilled row per project."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = REPORT_SHEET
    _header(sheet, REPORT_COLUMNS)
    for row in rows:
        sheet.append([neutralise_cell(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    dropdowns = _dropdowns(workbook, sheet, REPORT_COLUMNS)
    _money_rules(dropdowns, REPORT_COLUMNS)
    dropdowns.numbers(
        "percent_complete",
        DataValidation(type="whole", operator="between", formula1="0", formula2="100"),
        _("Enter a whole number from 0 to 100."),
    )
    _guide(
        workbook,
        sheet_name=REPORT_SHEET,
        columns=REPORT_COLUMNS,
        notes=[
            _(
                "Week {week}: one row per project; delete the rows of projects you do not report."
            ).format(week=iso_label(week)),
            _(
                "Give the investment completed this week, or the cumulative figure to date (the "
                "week's figure is then derived). Money is in 万元."
            ),
            _(
                "A week already reported with the same figures is skipped; with other figures it "
                "is an error (a report is a fact and is not overwritten)."
            ),
        ],
    )
    return save_workbook(workbook)


def report_row(
    project: Project,
    *,
    week: dt.date,
    percent: int | None,
    progress_text: str,
    previous_cumulative: Decimal | None,
    invested_this_week: Decimal | None = None,
) -> list[Any]:
    """One prefilled report row; the week's figure is left for the reporter unless the week is
    already reported."""
    values: dict[str, Any] = {
        "code": project.code,
        "name": project.name,
        "week": iso_label(week),
        "invested_this_week": yuan_to_wan(invested_this_week),
        "previous_cumulative": yuan_to_wan(previous_cumulative),
        "percent_complete": percent,
        "progress_text": progress_text,
    }
    return [values.get(column.field) for column in REPORT_COLUMNS]
