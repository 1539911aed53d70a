"""Excel column specs of the project ledger and of a week's reports, shared by the templates,
the imports and the export.

Headers and the words of the choice columns (项目类型, 状态, 级别 …) are the file format the county
exchanges, so they are fixed Chinese text, not translations; the guidance in the 说明 sheet is
translated like the UI. On import a choice is also accepted by its label in any language or by
its code. Money is written in 万元 and stored in yuan exactly. The column kinds, cell readers, the
streamed writer and the template helpers are core's (`jinmu.core.excel`).

Modules: `columns` (the column specs), `vocabularies` (the words of the choice columns),
`cells` (reading and writing cells) and `workbooks` (the export and the templates).
"""

from __future__ import annotations

from jinmu.projects.excel.cells import (
    cell_value,
    display_value,
    parse_percent,
    parse_tag_names,
    parse_week,
    project_row,
    project_values,
)
from jinmu.projects.excel.columns import (
    CHAIN,
    COLUMNS,
    ENTERPRISE,
    FILLED_BY_TRANSITIONS,
    INFO,
    NODE,
    PAST_DATES,
    PERCENT,
    PLAN,
    PROJECT_COLUMNS,
    PROJECT_HEADERS,
    PROJECT_SHEET,
    PROJECTS,
    REPORT_COLUMNS,
    REPORT_HEADERS,
    REPORT_SHEET,
    REPORTS,
    SHEETS,
    TAGS,
    UNIT,
    WEEK,
    column_kind,
)
from jinmu.projects.excel.vocabularies import (
    DIRECTION_WORDS,
    KIND_WORDS,
    LEVEL_WORDS,
    PURPOSE_WORDS,
    STATUS_WORDS,
    VOCABULARIES,
    Vocabulary,
    kind_word,
    statuses_by_kind,
)
from jinmu.projects.excel.workbooks import (
    Choices,
    build_project_template,
    build_report_template,
    export_projects,
    report_row,
)

__all__ = [
    "CHAIN",
    "COLUMNS",
    "DIRECTION_WORDS",
    "ENTERPRISE",
    "FILLED_BY_TRANSITIONS",
    "INFO",
    "KIND_WORDS",
    "LEVEL_WORDS",
    "NODE",
    "PAST_DATES",
    "PERCENT",
    "PLAN",
    "PROJECTS",
    "PROJECT_COLUMNS",
    "PROJECT_HEADERS",
    "PROJECT_SHEET",
    "PURPOSE_WORDS",
    "REPORTS",
    "REPORT_COLUMNS",
    "REPORT_HEADERS",
    "REPORT_SHEET",
    "SHEETS",
    "STATUS_WORDS",
    "TAGS",
    "UNIT",
    "VOCABULARIES",
    "WEEK",
    "Choices",
    "Vocabulary",
    "build_project_template",
    "build_report_template",
    "cell_value",
    "column_kind",
    "display_value",
    "export_projects",
    "kind_word",
    "parse_percent",
    "parse_tag_names",
    "parse_week",
    "project_row",
    "project_values",
    "report_row",
    "statuses_by_kind",
]
