"""The report import: a week's reports from a workbook, each submitted through
`reporting.submit_report` in its own savepoint; a week already reported the same way is
skipped, with other figures it is an error."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.excel import Column, parse_cell, yuan_to_wan
from jinmu.core.imports import (
    Cells,
    FieldChange,
    ImportResult,
    RowError,
    RowOutcome,
    Sheet,
    cell_errors,
    chunks,
    duplicate_errors,
    field_errors,
    run_atomically,
)
from jinmu.core.types import User
from jinmu.projects import excel, reporting
from jinmu.projects.imports.common import (
    finish,
    missing_column,
    not_yours,
    read_sheet,
    require_importer,
    week_of,
)
from jinmu.projects.models import Project, WeeklyReport
from jinmu.projects.weeks import iso_label, monday_of

# Fields submit_report names in its errors → the column that holds them.
_REPORT_HEADERS = {**excel.REPORT_HEADERS, "completed_milestones": "", "photos": ""}


@dataclass
class _ReportRow:
    """One parsed report row and the project and week it is for."""

    number: int
    values: dict[str, Any]
    errors: list[RowError]
    project: Project | None = None
    week: dt.date | None = None


def _problems(text: str | None) -> list[dict[str, str]]:
    """One problem per line of the cell."""
    return [{"title": line.strip()} for line in (text or "").splitlines() if line.strip()]


class _ReportImport:
    """The report import of one file by one user."""

    headers = _REPORT_HEADERS

    def __init__(
        self,
        actor: User,
        sheet: Sheet,
        result: ImportResult,
        *,
        week: dt.date | None,
        today: dt.date,
    ) -> None:
        self.actor = actor
        self.sheet = sheet
        self.result = result
        self.week = week
        self.today = today

    def run(self) -> None:
        """Parse and match every row, then submit the valid ones week by week."""
        rows = [self._parse(number, cells) for number, cells in self.sheet.rows]
        self._match(rows)
        valid = [row for row in rows if not row.errors]
        for row in rows:
            self.result.errors += row.errors
        # Earlier weeks first, so that a file holding several weeks of a project derives each
        # cumulative figure from the week before it.
        valid.sort(key=lambda row: (row.project.pk if row.project else 0, row.week, row.number))
        for row in valid:
            self._apply(row)
        order = {row.number: index for index, row in enumerate(rows)}
        for outcomes in (self.result.created, self.result.unchanged):
            outcomes.sort(key=lambda outcome: order[outcome.row])

    def _parse(self, number: int, cells: Cells) -> _ReportRow:
        row = _ReportRow(number, {}, [])
        for column in excel.REPORT_COLUMNS:
            if column.header not in self.sheet.present or column.kind == excel.INFO:
                continue
            raw = cells.get(column.header)
            try:
                row.values[column.field] = _parse_report_cell(column.kind, column, raw)
            except ValidationError as exc:
                row.errors += cell_errors(number, column, exc)
        self._check_week(row)
        self._check_money(row)
        return row

    def _check_week(self, row: _ReportRow) -> None:
        """The row's week: the import's when given (a row saying another is an error), never
        a week that has not begun."""
        number, week_header = row.number, self.headers["week"]
        week = row.values.get("week")
        if self.week is not None and week is not None and week != self.week:
            row.errors.append(
                RowError(
                    number,
                    week_header,
                    _("This import is for week {week}; the row says {other}.").format(
                        week=iso_label(self.week), other=iso_label(week)
                    ),
                    "other_week",
                )
            )
        row.week = week or self.week
        if row.week is None and not any(e.column == week_header for e in row.errors):
            row.errors.append(
                RowError(
                    number,
                    week_header,
                    _("Give the week, e.g. {week}.").format(week=iso_label(monday_of(self.today))),
                    "required",
                )
            )
        elif row.week is not None and row.week > monday_of(self.today):
            row.errors.append(
                RowError(
                    number,
                    week_header,
                    _("Week {week} has not begun; a report cannot be for a future week.").format(
                        week=iso_label(row.week)
                    ),
                    "future_week",
                )
            )

    def _check_money(self, row: _ReportRow) -> None:
        """A row gives the week's investment or the cumulative figure."""
        money = ("invested_this_week", "cumulative_invested")
        if all(row.values.get(name) is None for name in money) and not any(
            e.column in (self.headers[name] for name in money) for e in row.errors
        ):
            row.errors.append(
                RowError(
                    row.number,
                    self.headers["invested_this_week"],
                    _(
                        "Give the investment completed this week (0 if none) or the cumulative "
                        "figure, or delete the row."
                    ),
                    "required",
                )
            )

    def _match(self, rows: list[_ReportRow]) -> None:
        """The project of each row (by number, else by exact name), within the user's sight."""
        by_code, by_name = self._projects(rows)
        keys: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
        for row in rows:
            code, name = row.values.get("code"), row.values.get("name")
            if code:
                row.project = by_code.get(code)
                if row.project is None:
                    row.errors.append(not_yours(row.number, self.headers["code"]))
            else:
                row.project = self._by_name(row, name, by_name)
            if row.project is not None and row.week is not None:
                keys[(row.project.pk, row.week)].append(row.number)
        by_row = {row.number: row for row in rows}
        for error in duplicate_errors(
            keys,
            self.headers["week"],
            _("The same project and week also appear in row {rows}; give each week once."),
        ):
            assert error.row is not None
            by_row[error.row].errors.append(error)

    def _projects(
        self, rows: list[_ReportRow]
    ) -> tuple[dict[str, Project], dict[str, list[Project]]]:
        """The projects the rows name by number, and by the names of rows without one."""
        codes = sorted({row.values["code"] for row in rows if row.values.get("code")})
        names = sorted(
            {
                row.values["name"]
                for row in rows
                if row.values.get("name") and not row.values.get("code")
            }
        )
        by_code: dict[str, Project] = {}
        by_name: dict[str, list[Project]] = defaultdict(list)
        visible = Project.objects.for_user(self.actor)
        for chunk in chunks(codes):
            by_code |= {p.code: p for p in visible.filter(code__in=chunk)}
        for chunk in chunks(names):
            for project in visible.filter(name__in=chunk):
                by_name[project.name].append(project)
        return by_code, by_name

    def _by_name(
        self, row: _ReportRow, name: str | None, by_name: dict[str, list[Project]]
    ) -> Project | None:
        """The one project of a row's exact name; an error when none or several have it."""
        code_header = self.headers["code"]
        if not name:
            row.errors.append(
                RowError(
                    row.number,
                    code_header,
                    _("Give the project number (or its exact name)."),
                    "required",
                )
            )
            return None
        found = by_name.get(name, [])
        if len(found) == 1:
            return found[0]
        row.errors.append(
            RowError(
                row.number,
                code_header,
                _("Write the project number: no single project in your area has this name."),
                "not_found",
            )
        )
        return None

    def _apply(self, row: _ReportRow) -> None:
        project, week = row.project, row.week
        assert project is not None
        assert week is not None
        values = row.values
        headers = self.headers
        invested, cumulative = values.get("invested_this_week"), values.get("cumulative_invested")
        start = reporting.prefill(project, week)
        percent = values.get("percent_complete")
        if percent is None:
            percent = start["percent_complete"]
        progress = values.get("progress_text") or ""
        key = f"{project.code or project.name} · {iso_label(week)}"
        existing: WeeklyReport | None = start["existing"]
        if existing is not None:
            self._compare(row, existing, start["cumulative_before"], percent, progress, key)
            return
        headers_now = dict(headers)
        if cumulative is not None and invested is None:
            # The service derives this week's figure; its refusals belong to the column given.
            headers_now["invested_this_week"] = headers["cumulative_invested"]
        try:
            with transaction.atomic():
                report = reporting.submit_report(
                    actor=self.actor,
                    project=project,
                    week=week,
                    invested_this_week=invested,
                    cumulative_invested=cumulative,
                    progress_text=progress,
                    percent_complete=percent,
                    problems=_problems(values.get("problems")),
                    today=self.today,
                )
        except ValidationError as exc:
            self.result.errors += field_errors(row.number, exc, headers_now)
            return
        except PermissionDenied as exc:
            self.result.errors.append(RowError(row.number, headers["code"], str(exc), "permission"))
            return
        self.result.created.append(
            RowOutcome(row.number, key, project.name, self._figures(report, values))
        )

    def _figures(self, report: WeeklyReport, values: Mapping[str, Any]) -> list[FieldChange]:
        shown = [
            ("invested_this_week", str(yuan_to_wan(report.invested_this_week))),
            ("cumulative_invested", str(yuan_to_wan(report.cumulative_invested))),
            ("percent_complete", str(report.percent_complete)),
        ]
        if report.progress_text:
            shown.append(("progress_text", report.progress_text))
        if values.get("problems"):
            shown.append(("problems", str(len(_problems(values["problems"])))))
        return [FieldChange(self.headers[name], "", text) for name, text in shown]

    def _compare(
        self,
        row: _ReportRow,
        existing: WeeklyReport,
        cumulative_before: Decimal,
        percent: int,
        progress: str,
        key: str,
    ) -> None:
        """A week already reported: unchanged when the file repeats it, else an error."""
        values = row.values
        headers = self.headers
        checks: list[tuple[str, Any, Any]] = []
        if values.get("invested_this_week") is not None:
            checks.append(
                ("invested_this_week", existing.invested_this_week, values["invested_this_week"])
            )
        if values.get("cumulative_invested") is not None:
            checks.append(
                (
                    "cumulative_invested",
                    existing.cumulative_invested,
                    values["cumulative_invested"],
                )
            )
        if values.get("percent_complete") is not None:
            checks.append(("percent_complete", existing.percent_complete, percent))
        if values.get("progress_text"):
            checks.append(("progress_text", existing.progress_text, progress.strip()))
        differing = [name for name, old, new in checks if old != new]
        if not differing:
            self.result.unchanged.append(RowOutcome(row.number, key, existing.project.name))
            return
        for name in differing:
            self.result.errors.append(
                RowError(
                    row.number,
                    headers[name],
                    _(
                        "Week {week} is already reported for this project with other figures "
                        "(this week {invested} 万元, to date {cumulative} 万元, {percent}%). A "
                        "report is not overwritten; ask the ledger keeper to correct it."
                    ).format(
                        week=iso_label(existing.week),
                        invested=yuan_to_wan(existing.invested_this_week),
                        cumulative=yuan_to_wan(existing.cumulative_invested),
                        percent=existing.percent_complete,
                    ),
                    "already_reported",
                )
            )


def import_reports(
    *,
    actor: User,
    file: Any,
    dry_run: bool,
    week: dt.date | str | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Submit a week's reports from a workbook (one row per project; `week` fills an empty
    周次); all rows are saved or none, and a week already reported the same way is skipped."""
    require_importer(actor)
    result = ImportResult(kind=excel.REPORTS, dry_run=dry_run)
    try:
        monday = week_of(week)
    except ValidationError as exc:
        result.errors = [RowError(None, "", m, "week") for m in exc.messages]
        return result
    sheet = read_sheet(file, excel.REPORTS)
    result.ignored_columns = sheet.ignored
    headers = excel.REPORT_HEADERS
    if not sheet.errors:
        groups: list[tuple[str, ...]] = [
            ("code", "name"),
            ("invested_this_week", "cumulative_invested"),
        ]
        if monday is None:
            groups.append(("week",))
        sheet.errors = [
            missing_column(headers[group[0]])
            for group in groups
            if not any(headers[name] in sheet.present for name in group)
        ]
    if sheet.errors:
        result.errors = sheet.errors
        return result
    work = _ReportImport(actor, sheet, result, week=monday, today=today or timezone.localdate())
    run_atomically(result, work.run)
    return finish(result, excel.REPORT_COLUMNS)


def _parse_report_cell(kind: str, column: Column, raw: Any) -> Any:
    """A report cell's value (weeks and percentages have their own readers)."""
    if raw is None:
        return None
    if kind == excel.WEEK:
        return excel.parse_week(raw)
    if kind == excel.PERCENT:
        return excel.parse_percent(raw)
    return parse_cell(column, raw)
