"""The ledger import: each valid row goes through `services.create_project`,
`update_project`, `transition` and `set_year_plan`, each in its own savepoint."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.core.imports import (
    ImportResult,
    RowError,
    RowOutcome,
    Sheet,
    field_errors,
    run_atomically,
)
from jinmu.core.scoping import Scope
from jinmu.core.types import User
from jinmu.projects import excel, services
from jinmu.projects.imports.common import finish, missing_column, read_sheet, require_importer
from jinmu.projects.imports.ledger_plan import PROJECT_HEADERS, Planner, ProjectPlan
from jinmu.projects.imports.ledger_rows import ProjectRow, match_projects, parse_project_row
from jinmu.projects.imports.lookups import Lookups
from jinmu.projects.models import Project


class _ProjectImport:
    """The ledger import of one file by one user."""

    headers = PROJECT_HEADERS

    def __init__(
        self, actor: User, scope: Scope, sheet: Sheet, result: ImportResult, today: dt.date
    ) -> None:
        self.actor = actor
        self.sheet = sheet
        self.result = result
        self.today = today
        self.year = today.year
        self.lookups = Lookups.build(actor, scope, sheet.rows)
        self.planner = Planner(
            present=sheet.present, scope=scope, lookups=self.lookups, year=self.year
        )

    def run(self) -> None:
        """Parse, match and apply every row (the caller's transaction decides what stays)."""
        rows = [
            parse_project_row(number, cells, self.sheet.present, self.lookups, self.today)
            for number, cells in self.sheet.rows
        ]
        matches = match_projects(rows, actor=self.actor, year=self.year, headers=self.headers)
        for row in rows:
            if row.errors:
                self.result.errors += row.errors
                continue
            self._apply(row, matches.get(row.number))

    def _apply(self, row: ProjectRow, current: Project | None) -> None:
        errors: list[RowError] = []
        plan = self.planner.plan(row, current, errors)
        if errors or plan is None:
            self.result.errors += errors
            return
        key = row.values.get("code") or (current.code if current else "") or "—"
        label = row.values.get("name") or (current.name if current else "")
        outcome = RowOutcome(row.number, key, label, plan.changes)
        if current is not None and not plan.changes:
            self.result.unchanged.append(outcome)
            return
        try:
            with transaction.atomic():
                self._write(plan, current)
        except ValidationError as exc:
            self.result.errors += field_errors(row.number, exc, self.headers)
            return
        except PermissionDenied as exc:
            self.result.errors.append(
                RowError(row.number, self.headers["code"], str(exc), "permission")
            )
            return
        (self.result.created if current is None else self.result.updated).append(outcome)

    def _write(self, plan: ProjectPlan, current: Project | None) -> None:
        actor = self.actor
        if current is None:
            project = services.create_project(
                actor=actor, data=plan.data, tags=plan.tags or (), status=plan.status
            )
        else:
            project = current
            if plan.data or plan.tags is not None:
                project = services.update_project(
                    actor=actor,
                    project=project,
                    data=plan.data,
                    expected_version=project.version,
                    tags=plan.tags,
                )
            if plan.status:
                project = services.transition(
                    actor=actor,
                    project=project,
                    to_status=plan.status,
                    reason=_("Imported from Excel"),
                )
        if plan.year_plan is not None:
            services.set_year_plan(
                actor=actor, project=project, year=self.year, planned_investment=plan.year_plan
            )


def import_projects(
    *, actor: User, file: Any, dry_run: bool, today: dt.date | None = None
) -> ImportResult:
    """Create and update ledger projects from a workbook; all rows are saved or none."""
    scope = require_importer(actor)
    result = ImportResult(kind=excel.PROJECTS, dry_run=dry_run)
    sheet = read_sheet(file, excel.PROJECTS)
    result.ignored_columns = sheet.ignored
    if not sheet.errors:
        required = [c.header for c in excel.PROJECT_COLUMNS if c.required]
        sheet.errors = [missing_column(h) for h in required if h not in sheet.present]
    if sheet.errors:
        result.errors = sheet.errors
        return result
    work = _ProjectImport(actor, scope, sheet, result, today or timezone.localdate())
    run_atomically(result, work.run)
    return finish(result, excel.PROJECT_COLUMNS)
