"""The weekly bulletin (周调度通报), computed from the ledger and written as Word or Excel.

Nothing in it is typed: totals come from the projects, their annual plans and their weekly
reports; new starts and who was under weekly scheduling from the status history; red and yellow
projects with the reasons the light engine stored; unresolved problems from the problem pool;
missing and late reports from the reports of the week. Everything is aggregated in SQL (about
ten queries whatever the county's size), so a county with 50,000 projects and millions of
reports gets its bulletin in a second or two.

Conventions:

- The bulletin's week is an ISO week, stored and passed as its Monday. Its "as of" day is the
  week's Sunday, or today while the week is still running. Its year is the week's ISO year,
  the year the report service counts a week's `year_invested` in (2026-W01 begins on
  2025-12-29 and counts for 2026); the plans are those of that year, the 序时 share is the
  light engine's `expected_share` on the as-of day.
- The year's figures (plan, completed, 序时, the week's investment) cover every project in
  scope with a plan for the year, a report in the year up to the week, or under weekly
  scheduling in the week, whatever its status now: a key project that went from 竣工 into
  production in October still counts with its plan and what it completed.
- "Under weekly scheduling in the week" (owing a report for it) is historical, taken from the
  status history: the project's latest StatusChange dated on or before the week's report
  deadline put it in a monitored state (`choices.MONITORED`), and it was registered by the
  deadline (as in `reporting.expected_projects`). The services write a status and its history
  entry together, so only projects with a change dated after the deadline need their history
  read; a project with no history at all (rows loaded without the services) counts with its
  current status. Missing and late reports of a past week are therefore those of that week, not
  of today.
- Lights are not kept week by week: the red and yellow lists are today's. A bulletin for a week
  that has ended says so and dates them ("lights as of <today>").
- Problems are the ledger's: those raised on a project in the bulletin's scope that were open or
  claimed at the end of the as-of day (raised by then, not resolved by then).

Modules: `content` (the dataclasses), `gather` (computing a bulletin), `figures` (the year's
figures and the report exceptions, in SQL), `text` (text shared by every output), `columns` (the
tables' columns, shared by the Word document and the page), `docx` and `xlsx` (the files),
`preview` (the page's tables).
"""

from __future__ import annotations

import io

from jinmu.projects.bulletin.content import (
    FlaggedProject,
    KindTotals,
    LateReport,
    MissingGroup,
    NewStart,
    ProblemLine,
    ProjectRef,
    UnitProblems,
    WeeklyBulletin,
)
from jinmu.projects.bulletin.docx import DOCX_CONTENT_TYPE, write_docx
from jinmu.projects.bulletin.gather import bulletin_title, check_week, weekly_bulletin
from jinmu.projects.bulletin.text import headings, lights_note, summary_text
from jinmu.projects.bulletin.xlsx import XLSX_CONTENT_TYPE, sheet_names, write_xlsx


def to_bytes(bulletin: WeeklyBulletin, fmt: str) -> bytes:
    """The bulletin as .docx or .xlsx bytes."""
    stream = io.BytesIO()
    if fmt == "docx":
        write_docx(bulletin, stream)
    elif fmt == "xlsx":
        write_xlsx(bulletin, stream)
    else:
        raise ValueError(fmt)
    return stream.getvalue()


__all__ = [
    "DOCX_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "FlaggedProject",
    "KindTotals",
    "LateReport",
    "MissingGroup",
    "NewStart",
    "ProblemLine",
    "ProjectRef",
    "UnitProblems",
    "WeeklyBulletin",
    "bulletin_title",
    "check_week",
    "headings",
    "lights_note",
    "sheet_names",
    "summary_text",
    "to_bytes",
    "weekly_bulletin",
    "write_docx",
    "write_xlsx",
]
