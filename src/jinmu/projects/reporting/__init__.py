"""Weekly reports (周调度): submit one per project per ISO week, derive the running totals,
prefill the next one, and find the missing and late ones.

The reporter gives only what happened this week: the investment completed this week, the
progress text, the percent complete, photos, problems and the milestones finished. Everything
cumulative is derived here and never typed:

- `cumulative_invested` of a report = the sum of `invested_this_week` of every report of the
  project up to and including its week;
- `year_invested` = the same sum over the reports of the same **ISO year** as the report's week.
  A week is never split between two years, and the ISO year puts a week in the year that holds
  most of its days (2026-W01 starts on Monday 2025-12-29 and counts for 2026).

A report for an earlier week that arrives after later ones (a late report) is inserted in
order and the later rows' derived figures are recomputed. Later weeks keep their own week's
amount (the fact they reported), so their running totals move up by the late week's amount.
A late report given as a running total may not exceed the running total already reported for
the following week: the series would say more was done by the earlier week than by the later.

After every report the project's derived columns (`invested_total`, `invested_year`,
`invested_year_of`, `percent_complete`, `last_report_week`) follow the latest week, milestones
reported finished get their actual end, and the light is recomputed.

Percent complete never goes down. A report is an append-only fact, and a percent lower than the
previous week's is almost always a typing slip (5 for 50) that would otherwise colour the
project; a real correction is made by the ledger keeper, not by next week's report. For the
same reason a late report's percent may not exceed the percent of the week after it.
"""

from jinmu.projects.reporting.checks import (
    MAX_PHOTOS,
    MAX_PROBLEMS,
    CheckedReport,
    ReportInput,
    check_report,
)
from jinmu.projects.reporting.common import ZERO, is_monitored, iso_year, monitored_q, to_week
from jinmu.projects.reporting.figures import rederive, update_project_figures
from jinmu.projects.reporting.reads import (
    current_week,
    expected_projects,
    late_reports,
    missing_reports,
    photo_warnings,
    photos_for,
    prefill,
    report_counts,
)
from jinmu.projects.reporting.storage import store_report
from jinmu.projects.reporting.submit import submit_report

__all__ = [
    "MAX_PHOTOS",
    "MAX_PROBLEMS",
    "ZERO",
    "CheckedReport",
    "ReportInput",
    "check_report",
    "current_week",
    "expected_projects",
    "is_monitored",
    "iso_year",
    "late_reports",
    "missing_reports",
    "monitored_q",
    "photo_warnings",
    "photos_for",
    "prefill",
    "rederive",
    "report_counts",
    "store_report",
    "submit_report",
    "to_week",
    "update_project_figures",
]
