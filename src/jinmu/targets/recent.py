"""The reported values a department's report page lists under its form (moved out of
`jinmu.targets.queries`, which holds the boards and the target pages)."""

from __future__ import annotations

from jinmu.core.models import Region
from jinmu.core.types import User
from jinmu.targets.models import ReportedValue
from jinmu.targets.services import can_report_indicator

# Recent reported values listed under the report form.
RECENT_VALUES = 30


def recent_values(user: User, region: Region) -> tuple[list[ReportedValue], set[int]]:
    """The latest reported values the user sees, and those the user may correct (of the user's
    region and of an indicator the user may report)."""
    recent = list(
        ReportedValue.objects.for_user(user)
        .select_related("indicator", "reporting_unit", "reported_by")
        .order_by("-month", "-updated_at")[:RECENT_VALUES]
    )
    may_report: dict[int, bool] = {}
    for row in recent:
        if row.indicator_id not in may_report:
            may_report[row.indicator_id] = can_report_indicator(user, row.indicator)
    correctable = {
        row.pk for row in recent if row.region_id == region.code and may_report[row.indicator_id]
    }
    return recent, correctable
