"""Import of the project ledger and of a week's reports from Excel: all rows or none.

Every row goes through the same services as a form (`services.create_project`,
`update_project`, `transition`, `set_year_plan`; `reporting.submit_report`), each in its own
savepoint inside one transaction, so the service rules (lifecycles, scope, the model's checks,
cumulative figures) are checked exactly as they will be applied, and a refused row leaves no
trace for the rows after it. The transaction is rolled back at the end of a dry run or when
any row has an error: the dry run shows precisely what confirming does, and nothing is ever
stored half-way. Errors carry the Excel row and column.

Rows already matching the ledger are not written at all, so importing the same file twice
changes nothing the second time. Projects are matched by 项目编号, or by name and kind when the
number is empty; a number that belongs to a project out of the user's sight is reported as
"not found or not yours", never revealing the project.

Modules: `common` (what both imports share), `lookups` (what a ledger row can name),
`ledger_rows` (reading and matching ledger rows), `ledger_plan` (what a row changes),
`ledger` (writing it) and `reports` (a week's reports).
"""

from __future__ import annotations

from jinmu.core.imports import FieldChange, ImportResult, RowError, RowOutcome
from jinmu.projects.imports.ledger import import_projects
from jinmu.projects.imports.reports import import_reports

__all__ = [
    "FieldChange",
    "ImportResult",
    "RowError",
    "RowOutcome",
    "import_projects",
    "import_reports",
]
