"""How the battle map shows a plan: each milestone's state as a label and colour, its actual
bar, and the data of the ECharts Gantt (baseline, current plan and actual spans)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jinmu.projects.models import Baseline, Project
from jinmu.projects.planning import MilestoneRow, MilestoneState


def chosen_baseline(request: HttpRequest, baselines: Sequence[Baseline]) -> Baseline | None:
    """`?baseline=N`, else the latest."""
    raw = request.GET.get("baseline")
    if raw and raw.isdigit():
        for baseline in baselines:
            if baseline.number == int(raw):
                return baseline
    return baselines[-1] if baselines else None


def actual_span(row: MilestoneRow, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Where the actual bar runs: start to end when done, start to today while open."""
    m = row.milestone
    if m.actual_end:
        return (m.actual_start or m.actual_end, m.actual_end)
    if m.actual_start:
        return (m.actual_start, max(today, m.actual_start))
    return None


STATE_LABELS = {
    MilestoneState.DONE: gettext_lazy("Done"),
    MilestoneState.DONE_LATE: gettext_lazy("Done late"),
    MilestoneState.LATE: gettext_lazy("Late"),
    MilestoneState.ONGOING: gettext_lazy("Under way"),
    MilestoneState.UPCOMING: gettext_lazy("Not due yet"),
}
STATE_CLASSES = {
    MilestoneState.DONE: "bg-green-lt",
    MilestoneState.DONE_LATE: "bg-orange-lt",
    MilestoneState.LATE: "bg-red-lt",
    MilestoneState.ONGOING: "bg-azure-lt",
    MilestoneState.UPCOMING: "bg-secondary-lt",
}
# Actual bars: green when done on time, orange when done late, red while open past the
# planned end, light green while open within it.
ACTUAL_COLOURS = {
    MilestoneState.DONE: "#2fb344",
    MilestoneState.DONE_LATE: "#f76707",
    MilestoneState.LATE: "#d63939",
    MilestoneState.ONGOING: "#8fd19e",
    MilestoneState.UPCOMING: "#8fd19e",
}


def gantt_data(
    project: Project,
    rows: Sequence[MilestoneRow],
    *,
    baseline: Baseline | None,
    today: dt.date,
) -> dict[str, Any]:
    """The chart's data: per milestone its baseline, plan and actual spans (ISO dates)."""
    items = []
    for row in rows:
        m = row.milestone
        actual = actual_span(row, today)
        items.append(
            {
                "name": m.name,
                "owner": m.owner_unit.name if m.owner_unit else "",
                "weight": f"{m.weight.normalize():f}",
                "baseline": [row.baseline_start.isoformat(), row.baseline_end.isoformat()]
                if row.baseline_start and row.baseline_end
                else None,
                "plan": [m.planned_start.isoformat(), m.planned_end.isoformat()],
                "actual": [actual[0].isoformat(), actual[1].isoformat()] if actual else None,
                "actual_colour": ACTUAL_COLOURS[row.state],
                "state": str(STATE_LABELS[row.state]),
                "days_late": row.days_late,
            }
        )
    return {
        "today": today.isoformat(),
        "baseline": baseline.number if baseline else None,
        "rows": items,
        "labels": {
            "baseline": _("Baseline %(number)s") % {"number": baseline.number}
            if baseline
            else _("Baseline"),
            "plan": _("Current plan"),
            "actual": _("Actual"),
            "today": _("Today"),
            "owner": _("Owner unit"),
            "weight": _("Weight"),
            "days_late": _("Days late"),
            "state": _("State"),
            "none": _("none"),
        },
        "title": project.name,
    }
