"""The weekly bulletin as an Excel workbook: one sheet per section, bold headers, amounts as
numbers in 万元."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jinmu.core.money import in_wan
from jinmu.core.uploads import neutralise_cell, neutralise_strings
from jinmu.projects.bulletin.content import WeeklyBulletin
from jinmu.projects.bulletin.text import (
    generated_text,
    headings,
    lights_note,
    reasons_text,
    summary_text,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_MONEY_FORMAT = "#,##0.00"
_PERCENT_FORMAT = "0.00"
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def sheet_names() -> dict[str, str]:
    """The workbook's sheet names (valid: at most 31 characters, none of []:*?/\\)."""
    names = {
        "overview": _("Overview"),
        "new_starts": _("New starts"),
        "flagged": _("Red and yellow"),
        "problems": _("Problems"),
        "missing": _("Missing reports"),
        "late": _("Late reports"),
    }
    return {key: _sheet_name(value) for key, value in names.items()}


class _Column(NamedTuple):
    """A sheet column: header, width in characters, the row's attribute (dotted) or a function
    of the row, and the number format (money is written in 万元, times without their zone)."""

    header: str
    width: int
    value: str | Callable[[Any], Any]
    number_format: str | None = None

    def of(self, row: Any) -> Any:
        """The cell value of `row` in this column."""
        value = attrgetter(self.value)(row) if isinstance(self.value, str) else self.value(row)
        if self.number_format == _MONEY_FORMAT:
            return in_wan(value)
        if self.number_format == _DATETIME_FORMAT:
            return value.replace(tzinfo=None)
        return value


class _InGroup(NamedTuple):
    """A row of a sheet listing grouped items: the group (unit or town) and one item."""

    group: Any
    item: Any


class _Sheet(NamedTuple):
    """A sheet: its key in `sheet_names`, lines above the table (text, bold size or None),
    the keys of its columns in `_columns` and its rows (the last one bold with `bold_last`)."""

    key: str
    lines: list[tuple[str, float | None]]
    columns: tuple[str, ...]
    rows: Iterable[Any]
    bold_last: bool = False


def _money(header: str, attribute: str) -> _Column:
    """An amount column: yuan written as a number of 万元."""
    return _Column(header, 18, attribute, _MONEY_FORMAT)


def _columns() -> dict[str, _Column]:
    """Every column of the workbook by key, headers in the active language."""
    return {
        "kind": _Column(_("Kind"), 16, "label"),
        "count": _Column(_("Projects"), 10, "count"),
        "monitored": _Column(_("Under weekly scheduling"), 12, "monitored"),
        "total_investment": _money(_("Total investment (万元)"), "total_investment"),
        "planned_year": _money(_("Planned this year (万元)"), "planned_year"),
        "completed_year": _money(_("Completed this year (万元)"), "completed_year"),
        "completion": _Column(_("Completion (percent)"), 12, "completion_percent", _PERCENT_FORMAT),
        "expected": _Column(_("Due (序时, percent)"), 12, "expected_percent", _PERCENT_FORMAT),
        "completed_week": _money(_("Completed this week (万元)"), "completed_week"),
        "reported": _Column(_("Reported for the week"), 12, "reported"),
        "light": _Column(_("Light"), 8, "light_label"),
        "project": _Column(_("Project"), 36, "name"),
        "project_kind": _Column(_("Kind"), 14, "kind_label"),
        "town": _Column(_("Town"), 14, "town"),
        "unit": _Column(_("Responsible unit"), 20, "responsible_unit"),
        "started_on": _Column(_("Started on"), 12, "started_on", _DATE_FORMAT),
        "reasons": _Column(_("Reasons"), 80, reasons_text),
        "submitted_at": _Column(_("Submitted at"), 18, "submitted_at", _DATETIME_FORMAT),
        "owner_unit": _Column(_("Owner unit"), 20, "group.unit_name"),
        "problem": _Column(_("Problem"), 40, "item.title"),
        "problem_project": _Column(_("Project"), 30, "item.project_name"),
        "raised_on": _Column(_("Raised on"), 12, "item.raised_on", _DATE_FORMAT),
        "due_on": _Column(_("Due on"), 12, "item.due_on", _DATE_FORMAT),
        "overdue": _Column(_("Overdue"), 8, lambda row: _("yes") if row.item.overdue else _("no")),
        "status": _Column(_("Status"), 10, "item.status_label"),
        "missing_town": _Column(_("Town"), 14, "group.town"),
        "missing_unit": _Column(_("Responsible unit"), 20, "group.responsible_unit"),
        "missing_project": _Column(_("Project"), 40, "item.name"),
    }


# The totals by kind: counts, the year's figures and the week's.
_OVERVIEW_COLUMNS = (
    *("kind", "count", "monitored", "total_investment", "planned_year", "completed_year"),
    *("completion", "expected", "completed_week", "reported"),
)


def _sheets(bulletin: WeeklyBulletin) -> list[_Sheet]:
    """The workbook's sheets in order: the overview, then one per section of the bulletin."""
    heads = headings(bulletin)
    note = lights_note(bulletin)
    return [
        _Sheet(
            "overview",
            [
                (bulletin.title, 14),
                (generated_text(bulletin), None),
                (summary_text(bulletin), None),
                (heads["overview"], 12),
            ],
            _OVERVIEW_COLUMNS,
            [*bulletin.totals, bulletin.overall],
            bold_last=True,
        ),
        _Sheet(
            "new_starts",
            [(heads["new_starts"], 12)],
            ("project", "project_kind", "town", "unit", "total_investment", "started_on"),
            bulletin.new_starts,
        ),
        _Sheet(
            "flagged",
            [(heads["flagged"], 12), *([(note, None)] if note else [])],
            ("light", "project", "project_kind", "town", "unit", "reasons"),
            [*bulletin.red, *bulletin.yellow],
        ),
        _Sheet(
            "problems",
            [(heads["problems"], 12)],
            (
                "owner_unit",
                "problem",
                "problem_project",
                "raised_on",
                "due_on",
                "overdue",
                "status",
            ),
            [_InGroup(g, p) for g in bulletin.problems_by_unit for p in g.problems],
        ),
        _Sheet(
            "missing",
            [(f"{heads['reports']} {heads['missing']}", 12)],
            ("missing_town", "missing_unit", "missing_project"),
            [_InGroup(g, p) for g in bulletin.missing for p in g.projects],
        ),
        _Sheet(
            "late",
            [(f"{heads['reports']} {heads['late']}", 12)],
            ("project", "town", "unit", "submitted_at"),
            bulletin.late,
        ),
    ]


def write_xlsx(bulletin: WeeklyBulletin, path_or_stream: str | Path | IO[bytes]) -> None:
    """Write the bulletin as an Excel workbook: one sheet per section, bold headers, amounts
    as numbers in 万元."""
    # Rows stored before control characters were refused must not break the workbook.
    bulletin = neutralise_strings(bulletin)
    workbook = Workbook()
    names = sheet_names()
    columns = _columns()
    for spec in _sheets(bulletin):
        if spec.key == "overview":
            sheet = workbook.active
            assert sheet is not None  # a new workbook has its first sheet
            sheet.title = names[spec.key]
        else:
            sheet = workbook.create_sheet(names[spec.key])
        for row_number, (text, size) in enumerate(spec.lines, 1):
            sheet.append([text])
            if size is not None:
                sheet.cell(row=row_number, column=1).font = _bold(size=size)
        _sheet_table(sheet, [columns[key] for key in spec.columns], spec.rows, spec.bold_last)
    target: Any = str(path_or_stream) if isinstance(path_or_stream, Path) else path_or_stream
    workbook.save(target)


def _bold(size: float | None = None) -> Any:
    return Font(bold=True, size=size)


def _sheet_name(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31]


def _sheet_table(
    sheet: Worksheet, columns: Sequence[_Column], rows: Iterable[Any], bold_last: bool
) -> None:
    """Write a header row (bold, frozen below it) and the rows, with number formats.

    Rows are written cell by cell at known positions: `max_row` and `ws[row]` scan every cell
    of the sheet, which would make a sheet of thousands of rows quadratic.
    """
    bold = _bold()
    header_row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value else 1
    for number, column in enumerate(columns, 1):
        sheet.cell(row=header_row, column=number, value=column.header).font = bold
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = f"A{header_row + 1}"
    row_number = header_row
    for row in rows:
        row_number += 1
        for number, column in enumerate(columns, 1):
            value = column.of(row)
            cell = sheet.cell(row=row_number, column=number, value=neutralise_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # a name starting with = is text, never a formula
            if column.number_format is not None:
                cell.number_format = column.number_format
    if bold_last and row_number > header_row:
        for number in range(1, len(columns) + 1):
            sheet.cell(row=row_number, column=number).font = bold
