"""The battle map as an Excel workbook: one sheet with each milestone's baseline, plan and
actual dates, then one column per week drawing the Gantt in cell fills, printable on A3."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from jinmu.core.uploads import neutralise_cell
from jinmu.projects.models import Baseline, Project
from jinmu.projects.planning import MilestoneRow, MilestoneState
from jinmu.projects.views.plan_display import STATE_LABELS, actual_span

# A plan spanning more weeks than this (ten years: a typing error, usually) is cut in the
# workbook so it stays printable.
MAX_WEEK_COLUMNS = 520

Span = tuple[dt.date, dt.date] | None
Spans = tuple[Span, Span, Span]  # baseline, plan, actual


def _text(cell: Any, value: Any) -> None:
    """Write a value; text is neutralised and stored as a string, never a formula."""
    cell.value = neutralise_cell(value)
    if isinstance(value, str):
        cell.data_type = "s"


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour)


_HEADER_FILL = _fill("DDEBF7")
_PLAN_FILL = _fill("8DB4F5")
_ACTUAL_FILLS = {
    MilestoneState.DONE: _fill("2FB344"),
    MilestoneState.DONE_LATE: _fill("F76707"),
    MilestoneState.LATE: _fill("D63939"),
    MilestoneState.ONGOING: _fill("8FD19E"),
    MilestoneState.UPCOMING: _fill("8FD19E"),
}
_TODAY_FILL = _fill("FADBD8")
_BASELINE_SIDE = Side(style="medium", color="555555")
_THIN = Side(style="thin", color="DDDDDD")
_BOLD = Font(bold=True)
_WIDTHS = [4, 24, 16, 7, 11, 11, 11, 11, 11, 11, 8, 9]


def _headers() -> list[str]:
    return [
        "#",
        _("Milestone"),
        _("Owner unit"),
        _("Weight"),
        _("Baseline start"),
        _("Baseline end"),
        _("Planned start"),
        _("Planned end"),
        _("Actual start"),
        _("Actual end"),
        _("Days late"),
        _("State"),
    ]


_FIXED = len(_WIDTHS)  # the columns before the weeks


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _overlaps(monday: dt.date, span: Span) -> bool:
    return span is not None and span[0] <= monday + dt.timedelta(days=6) and span[1] >= monday


def _spans(rows: Sequence[MilestoneRow], today: dt.date) -> list[Spans]:
    """Per milestone its baseline, planned and actual spans."""
    spans: list[Spans] = []
    for row in rows:
        m = row.milestone
        base = (
            (row.baseline_start, row.baseline_end)
            if row.baseline_start and row.baseline_end
            else None
        )
        spans.append((base, (m.planned_start, m.planned_end), actual_span(row, today)))
    return spans


def _mondays(spans: list[Spans], today: dt.date) -> list[dt.date]:
    """The weeks the chart covers (at most MAX_WEEK_COLUMNS)."""
    days = [d for triple in spans for span in triple if span for d in span] + [today]
    first = _monday(min(days))
    count = min(((_monday(max(days)) - first).days // 7) + 1, MAX_WEEK_COLUMNS)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def _write_heading(
    sheet: Worksheet, project: Project, baseline: Baseline | None, today: dt.date
) -> None:
    title = _("Battle map of %(project)s") % {"project": project.name}
    note = _("Baseline %(number)s · exported %(day)s") % {
        "number": baseline.number if baseline else "—",
        "day": today.isoformat(),
    }
    _text(sheet.cell(row=1, column=1), title)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    _text(sheet.cell(row=1, column=6), note)


def _write_headers(sheet: Worksheet, mondays: list[dt.date], this_week: dt.date) -> None:
    for index, header in enumerate(_headers(), start=1):
        cell = sheet.cell(row=2, column=index)
        _text(cell, header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[index - 1]
    for offset, monday in enumerate(mondays):
        column = _FIXED + 1 + offset
        iso = monday.isocalendar()
        cell = sheet.cell(row=2, column=column)
        _text(cell, f"W{iso.week:02d} {monday:%m-%d}")
        cell.alignment = Alignment(text_rotation=90, horizontal="center")
        cell.fill = _TODAY_FILL if monday == this_week else _HEADER_FILL
        cell.font = Font(size=8, bold=monday == this_week)
        sheet.column_dimensions[get_column_letter(column)].width = 2.6
    sheet.row_dimensions[2].height = 48


def _row_values(number: int, row: MilestoneRow) -> list[Any]:
    m = row.milestone
    return [
        number,
        m.name,
        m.owner_unit.name if m.owner_unit else "",
        m.weight,
        row.baseline_start,
        row.baseline_end,
        m.planned_start,
        m.planned_end,
        m.actual_start,
        m.actual_end,
        row.days_late,
        str(STATE_LABELS[row.state]),
    ]


def _write_values(sheet: Worksheet, line: int, values: list[Any]) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=line, column=index)
        _text(cell, value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        if isinstance(value, Decimal):
            cell.number_format = "0.00"


def _week_fill(monday: dt.date, spans: Spans, state: str, this_week: dt.date) -> Any:
    """Actual over plan over this week's shading; None for an empty week."""
    _base, planned, actual = spans
    if _overlaps(monday, actual):
        return _ACTUAL_FILLS[state]
    if _overlaps(monday, planned):
        return _PLAN_FILL
    return _TODAY_FILL if monday == this_week else None


def _write_gantt(
    sheet: Worksheet,
    line: int,
    row: MilestoneRow,
    spans: Spans,
    mondays: list[dt.date],
    this_week: dt.date,
) -> None:
    for offset, monday in enumerate(mondays):
        cell = sheet.cell(row=line, column=_FIXED + 1 + offset)
        fill = _week_fill(monday, spans, row.state, this_week)
        if fill is not None:
            cell.fill = fill
        edge = _BASELINE_SIDE if _overlaps(monday, spans[0]) else _THIN
        cell.border = Border(top=edge, bottom=edge, left=_THIN, right=_THIN)


def _write_legend(sheet: Worksheet, legend_row: int, *, truncated: bool) -> None:
    legend = [
        (_PLAN_FILL, _("Current plan")),
        (_ACTUAL_FILLS[MilestoneState.DONE], _("Done")),
        (_ACTUAL_FILLS[MilestoneState.DONE_LATE], _("Done late")),
        (_ACTUAL_FILLS[MilestoneState.LATE], _("Late, not finished")),
        (_ACTUAL_FILLS[MilestoneState.ONGOING], _("Under way")),
        (_TODAY_FILL, _("This week")),
    ]
    _text(sheet.cell(row=legend_row, column=2), _("Legend"))
    sheet.cell(row=legend_row, column=2).font = _BOLD
    for offset, (fill, label) in enumerate(legend, start=1):
        sheet.cell(row=legend_row + offset, column=1).fill = fill
        _text(sheet.cell(row=legend_row + offset, column=2), label)
    outline = sheet.cell(row=legend_row + len(legend) + 1, column=1)
    outline.border = Border(top=_BASELINE_SIDE, bottom=_BASELINE_SIDE)
    _text(sheet.cell(row=legend_row + len(legend) + 1, column=2), _("Baseline (dark outline)"))
    if truncated:
        _text(
            sheet.cell(row=legend_row + len(legend) + 2, column=2),
            _("Only the first %(weeks)s weeks are drawn.") % {"weeks": MAX_WEEK_COLUMNS},
        )


def _set_up_page(sheet: Worksheet) -> None:
    """Frozen titles, A3 landscape, one page wide."""
    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def plan_workbook(
    project: Project,
    rows: Sequence[MilestoneRow],
    *,
    baseline: Baseline | None,
    today: dt.date,
) -> bytes:
    """One sheet: each milestone with its baseline, plan and actual dates, days late, owner
    and weight, then one column per week drawing the Gantt in cell fills (plan blue, actual
    green / orange / red, the baseline as a dark outline, this week shaded)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = _("Battle map")[:31]
    spans = _spans(rows, today)
    mondays = _mondays(spans, today)
    this_week = _monday(today)
    _write_heading(sheet, project, baseline, today)
    _write_headers(sheet, mondays, this_week)
    for number, (row, row_spans) in enumerate(zip(rows, spans, strict=True), 1):
        _write_values(sheet, number + 2, _row_values(number, row))
        _write_gantt(sheet, number + 2, row, row_spans, mondays, this_week)
    _write_legend(sheet, len(rows) + 4, truncated=len(mondays) == MAX_WEEK_COLUMNS)
    _set_up_page(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
