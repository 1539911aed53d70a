"""Approvals around the start of works: 拿地即开工 (works start the day the land is acquired) and
交地即发证 (the property title is issued the day the land is delivered).

Both verdicts are read from facts already in the ledger: the actual date of the land approval
item (用地), that of the title item (不动产权证) and the project's actual start of works. Nothing is
typed twice; where a rule is not met the page shows by how many days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from jinmu.core.types import User
from jinmu.projects.choices import ApprovalKind
from jinmu.projects.models import ApprovalItem, Project


class VerdictState:
    """Outcome of one rule for one project."""

    ACHIEVED = "achieved"  # on the same day (or earlier)
    LATE = "late"  # done, but days after the land
    WAITING = "waiting"  # land is there, the start (or title) not yet: days are still running
    NO_DATA = "no_data"  # no actual land date recorded


class ApprovalState:
    """Where one approval item stands against its planned date."""

    DONE = "done"
    DONE_LATE = "done_late"
    OVERDUE = "overdue"
    PENDING = "pending"
    UNPLANNED = "unplanned"


LAND_TO_START = "land_to_start"
DELIVERY_TO_TITLE = "delivery_to_title"
RULE_LABELS = {
    LAND_TO_START: _("Works started on land acquisition (拿地即开工)"),
    DELIVERY_TO_TITLE: _("Title issued on land delivery (交地即发证)"),
}


@dataclass(frozen=True)
class Verdict:
    """One rule for one project: the two dates, the days between them and the outcome."""

    rule: str
    land_on: dt.date | None
    done_on: dt.date | None
    days: int | None
    state: str

    @property
    def label(self) -> str:
        """The rule's name."""
        return str(RULE_LABELS[self.rule])

    @property
    def achieved(self) -> bool | None:
        """True when met, False when missed or still open, None without a land date."""
        if self.state == VerdictState.NO_DATA:
            return None
        return self.state == VerdictState.ACHIEVED


def _verdict(
    rule: str, land_on: dt.date | None, done_on: dt.date | None, today: dt.date
) -> Verdict:
    if land_on is None:
        return Verdict(rule, None, done_on, None, VerdictState.NO_DATA)
    if done_on is None:
        return Verdict(rule, land_on, None, max(0, (today - land_on).days), VerdictState.WAITING)
    days = (done_on - land_on).days
    state = VerdictState.ACHIEVED if days <= 0 else VerdictState.LATE
    return Verdict(rule, land_on, done_on, days, state)


# The items the verdicts read (one of each kind per project: `projects_approval_one_per_kind`).
VERDICT_KINDS = (ApprovalKind.LAND, ApprovalKind.TITLE)


def _actual_dates(project: Project) -> dict[str, dt.date | None]:
    # No order: one item of each kind (the model's order would join the project table).
    rows = (
        ApprovalItem.objects.filter(project=project, kind__in=VERDICT_KINDS)
        .order_by()
        .values_list("kind", "actual_on")
    )
    return dict(rows)


def verdicts(
    project: Project,
    *,
    today: dt.date,
    actual_dates: Mapping[str, dt.date | None] | None = None,
) -> tuple[Verdict, Verdict]:
    """拿地即开工 and 交地即发证 for one project (from `actual_dates`, the actual date of each
    kind of its items, when the caller read them already)."""
    dates = _actual_dates(project) if actual_dates is None else actual_dates
    land_on = dates.get(ApprovalKind.LAND)
    return (
        _verdict(LAND_TO_START, land_on, project.actual_start, today),
        _verdict(DELIVERY_TO_TITLE, land_on, dates.get(ApprovalKind.TITLE), today),
    )


@dataclass(frozen=True)
class ApprovalRow:
    """One approval item with its planned and actual dates and the days it is late."""

    item: ApprovalItem
    state: str
    days_late: int


def approval_state(item: ApprovalItem, *, today: dt.date) -> tuple[str, int]:
    """State and days late of one item (late = actual, or today while open, after planned)."""
    return dated_state(item.planned_on, item.actual_on, today=today)


def dated_state(
    planned_on: dt.date | None, actual_on: dt.date | None, *, today: dt.date
) -> tuple[str, int]:
    """`approval_state` of an item's planned and actual dates."""
    if planned_on is None:
        return (ApprovalState.DONE if actual_on else ApprovalState.UNPLANNED), 0
    if actual_on is not None:
        late = (actual_on - planned_on).days
        return (ApprovalState.DONE_LATE if late > 0 else ApprovalState.DONE), max(0, late)
    late = (today - planned_on).days
    return (ApprovalState.OVERDUE if late > 0 else ApprovalState.PENDING), max(0, late)


def approval_rows(project: Project, *, today: dt.date) -> list[ApprovalRow]:
    """The project's approval items in the order of the approval process."""
    order = {kind: i for i, kind in enumerate(ApprovalKind.values)}
    items = sorted(
        ApprovalItem.objects.filter(project=project).select_related("authority"),
        key=lambda item: (order.get(item.kind, 99), item.planned_on or dt.date.max, item.pk),
    )
    rows = []
    for item in items:
        state, late = approval_state(item, today=today)
        rows.append(ApprovalRow(item=item, state=state, days_late=late))
    return rows


@dataclass(frozen=True)
class RuleShare:
    """How many of the started projects with a land date met one rule."""

    eligible: int
    achieved: int

    @property
    def percent(self) -> int | None:
        """Share in per cent (None when no project qualifies)."""
        if not self.eligible:
            return None
        return round(100 * self.achieved / self.eligible)


@dataclass(frozen=True)
class ApprovalSummary:
    """拿地即开工 / 交地即发证 over a set of projects (a county, a town …)."""

    started: int
    without_land_date: int
    land_to_start: RuleShare
    delivery_to_title: RuleShare


def _actual_of(kind: str) -> Any:
    return Subquery(
        ApprovalItem.objects.filter(project=OuterRef("pk"), kind=kind).values("actual_on")[:1]
    )


def summary(projects: Any) -> ApprovalSummary:
    """Among the started projects of `projects` (a scoped queryset), the share that started on
    the day they got their land and the share whose title came on land delivery. Projects
    without an actual land date (e.g. renovations on their own land) are counted apart."""
    rows = (
        projects.filter(actual_start__isnull=False)
        .annotate(land_on=_actual_of(ApprovalKind.LAND), title_on=_actual_of(ApprovalKind.TITLE))
        .aggregate(
            started=Count("pk"),
            with_land=Count("pk", filter=Q(land_on__isnull=False)),
            on_land=Count("pk", filter=Q(land_on__isnull=False, actual_start__lte=F("land_on"))),
            titled=Count(
                "pk",
                filter=Q(land_on__isnull=False, title_on__isnull=False, title_on__lte=F("land_on")),
            ),
        )
    )
    return ApprovalSummary(
        started=rows["started"],
        without_land_date=rows["started"] - rows["with_land"],
        land_to_start=RuleShare(eligible=rows["with_land"], achieved=rows["on_land"]),
        delivery_to_title=RuleShare(eligible=rows["with_land"], achieved=rows["titled"]),
    )


def summary_for_user(user: User) -> ApprovalSummary:
    """The summary over every project the user sees."""
    return summary(Project.objects.for_user(user))
