"""The weekly bulletin as an Excel workbook: one sheet per section, bold headers, amounts as
numbers in 万元."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

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


def write_xlsx(bulletin: WeeklyBulletin, path_or_stream: str | Path | IO[bytes]) -> None:
    """Write the bulletin as an Excel workbook: one sheet per section, bold headers, amounts
    as numbers in 万元."""
    # Rows stored before control characters were refused must not break the workbook.
    bulletin = neutralise_strings(bulletin)
    workbook = Workbook()
    heads = headings(bulletin)
    names = sheet_names()
    overview = workbook.active
    assert overview is not None  # a new workbook has its first sheet
    overview.title = names["overview"]
    _overview(overview, bulletin, heads)
    _new_starts(workbook.create_sheet(names["new_starts"]), bulletin, heads)
    _flagged(workbook.create_sheet(names["flagged"]), bulletin, heads)
    _problems(workbook.create_sheet(names["problems"]), bulletin, heads)
    _missing(workbook.create_sheet(names["missing"]), bulletin, heads)
    _late(workbook.create_sheet(names["late"]), bulletin, heads)
    target: Any = str(path_or_stream) if isinstance(path_or_stream, Path) else path_or_stream
    workbook.save(target)


def _overview(overview: Worksheet, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    overview.append([bulletin.title])
    overview["A1"].font = _bold(size=14)
    overview.append([generated_text(bulletin)])
    overview.append([summary_text(bulletin)])
    overview.append([heads["overview"]])
    overview.cell(row=overview.max_row, column=1).font = _bold(size=12)
    _sheet_table(
        overview,
        [
            (_("Kind"), None, 16),
            (_("Projects"), None, 10),
            (_("Under weekly scheduling"), None, 12),
            (_("Total investment (万元)"), _MONEY_FORMAT, 18),
            (_("Planned this year (万元)"), _MONEY_FORMAT, 18),
            (_("Completed this year (万元)"), _MONEY_FORMAT, 18),
            (_("Completion (percent)"), _PERCENT_FORMAT, 12),
            (_("Due (序时, percent)"), _PERCENT_FORMAT, 12),
            (_("Completed this week (万元)"), _MONEY_FORMAT, 18),
            (_("Reported for the week"), None, 12),
        ],
        [
            [
                t.label,
                t.count,
                t.monitored,
                in_wan(t.total_investment),
                in_wan(t.planned_year),
                in_wan(t.completed_year),
                t.completion_percent,
                t.expected_percent,
                in_wan(t.completed_week),
                t.reported,
            ]
            for t in [*bulletin.totals, bulletin.overall]
        ],
        bold_last=True,
    )


def _new_starts(starts: Worksheet, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    _sheet_heading(starts, heads["new_starts"])
    _sheet_table(
        starts,
        [
            (_("Project"), None, 36),
            (_("Kind"), None, 14),
            (_("Town"), None, 14),
            (_("Responsible unit"), None, 20),
            (_("Total investment (万元)"), _MONEY_FORMAT, 18),
            (_("Started on"), _DATE_FORMAT, 12),
        ],
        [
            [
                s.name,
                s.kind_label,
                s.town,
                s.responsible_unit,
                in_wan(s.total_investment),
                s.started_on,
            ]
            for s in bulletin.new_starts
        ],
    )


def _flagged(flagged: Worksheet, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    _sheet_heading(flagged, heads["flagged"])
    if bulletin.lights_of_today:
        flagged.append([lights_note(bulletin)])
    _sheet_table(
        flagged,
        [
            (_("Light"), None, 8),
            (_("Project"), None, 36),
            (_("Kind"), None, 14),
            (_("Town"), None, 14),
            (_("Responsible unit"), None, 20),
            (_("Reasons"), None, 80),
        ],
        [
            [p.light_label, p.name, p.kind_label, p.town, p.responsible_unit, reasons_text(p)]
            for p in [*bulletin.red, *bulletin.yellow]
        ],
    )


def _problems(problems: Worksheet, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    _sheet_heading(problems, heads["problems"])
    _sheet_table(
        problems,
        [
            (_("Owner unit"), None, 20),
            (_("Problem"), None, 40),
            (_("Project"), None, 30),
            (_("Raised on"), _DATE_FORMAT, 12),
            (_("Due on"), _DATE_FORMAT, 12),
            (_("Overdue"), None, 8),
            (_("Status"), None, 10),
        ],
        [
            [
                group.unit_name,
                p.title,
                p.project_name,
                p.raised_on,
                p.due_on,
                _("yes") if p.overdue else _("no"),
                p.status_label,
            ]
            for group in bulletin.problems_by_unit
            for p in group.problems
        ],
    )


def _missing(missing: Worksheet, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    _sheet_heading(missing, f"{heads['reports']} {heads['missing']}")
    _sheet_table(
        missing,
        [(_("Town"), None, 14), (_("Responsible unit"), None, 20), (_("Project"), None, 40)],
        [
            [group.town, group.responsible_unit, p.name]
            for group in bulletin.missing
            for p in group.projects
        ],
    )


def _late(late: Worksheet, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    _sheet_heading(late, f"{heads['reports']} {heads['late']}")
    _sheet_table(
        late,
        [
            (_("Project"), None, 36),
            (_("Town"), None, 14),
            (_("Responsible unit"), None, 20),
            (_("Submitted at"), _DATETIME_FORMAT, 18),
        ],
        [
            [r.name, r.town, r.responsible_unit, r.submitted_at.replace(tzinfo=None)]
            for r in bulletin.late
        ],
    )


def _bold(size: float | None = None) -> Any:
    return Font(bold=True, size=size)


def _sheet_name(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)
    return cleaned[:31]


def _sheet_heading(sheet: Worksheet, text: str) -> None:
    sheet.append([text])
    sheet["A1"].font = _bold(size=12)


def _sheet_table(
    sheet: Worksheet,
    columns: Sequence[tuple[str, str | None, int]],
    rows: Iterable[Sequence[Any]],
    *,
    bold_last: bool = False,
) -> None:
    """Write a header row (bold, frozen below it) and the rows, with number formats.

    Rows are written cell by cell at known positions: `max_row` and `ws[row]` scan every cell
    of the sheet, which would make a sheet of thousands of rows quadratic.
    """
    bold = _bold()
    header_row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value else 1
    for column, (header, _fmt, width) in enumerate(columns, 1):
        sheet.cell(row=header_row, column=column, value=header).font = bold
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    formats = [fmt for _header, fmt, _width in columns]
    row_number = header_row
    for values in rows:
        row_number += 1
        for column, (value, fmt) in enumerate(zip(values, formats, strict=True), 1):
            cell = sheet.cell(row=row_number, column=column, value=neutralise_cell(value))
            if isinstance(value, str):
                cell.data_type = "s"  # a name starting with = is text, never a formula
            if fmt is not None:
                cell.number_format = fmt
    if bold_last and row_number > header_row:
        for column in range(1, len(columns) + 1):
            sheet.cell(row=row_number, column=column).font = bold
