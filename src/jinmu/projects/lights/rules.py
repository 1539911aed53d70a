"""The light rules (红黄绿灯): every project's colour, computed from facts already entered.

Each rule looks at one kind of fact and gives green, yellow, red or grey, or does not apply
(no input for it). Thresholds come from the region's `LedgerSettings` (`settings_for`), with
defaults from practice.md (银川发改委 2025). The project's computed light is the worst rule by
`LIGHT_SEVERITY` (red > grey > yellow > green); the effective light is a manual override when
one is set. Projects not under weekly scheduling (`MONITORED`) have no light at all ("").

Rules and their exact boundaries (`today` is the day the light is computed for):

- START (开工): practice.md's yellow is "due this month, not started", read as the monthly
  review reads it: no actual start and the planned start in the current calendar month or an
  earlier one → yellow, so a start planned for the 25th is yellow from the 1st of its month
  (and on the last day of the month before, not applicable); red from the day
  `start_red_months` calendar months after the planned start (2026-01-31 + 1 month =
  2026-02-28). Started (an actual start, or a started status without a date) → green (a late
  start is green, its text gives the delay). Planned start in a later month, or no planned
  start → not applicable.
- SCHEDULE (序时进度): this year's plan with a positive planned investment. Expected share by
  `expected_share`; actual share = invested_year / planned (0 when the yearly figure belongs
  to another year). Points behind = (expected - actual) x 100, rounded half-up to 0.01 point
  (the precision of the thresholds). Behind < yellow → green; yellow <= behind <= red →
  yellow; behind > red → red (practice.md: "10–30 inclusive" yellow, "more than 30" red).
- MILESTONE: milestones whose planned end is before today and that are not finished. Days
  late = today - planned end. Worst >= `milestone_red_days` → red; >= `milestone_yellow_days`
  → yellow; else green. Due milestones all finished → green. None due → not applicable.
- STATISTICS (入统): works started and not registered. From the day `statistics_yellow_months`
  months after the start → yellow ("not registered 1 month after start"); from the day after
  the `statistics_red_months` anniversary → red ("more than 2 months after start"); earlier →
  green (still within the registration period). Registered → green. Not started → n/a.
- REPORT (周调度, grey): the latest week whose report deadline has passed
  (`weeks.latest_due_week`). No report for it (last_report_week missing or older) → grey,
  unless the project came under weekly scheduling after that week's deadline (it owed no
  report). The day it came under scheduling is `monitored_since`: the effective date
  (`changed_on`) of the earliest status change into one of its kind's `MONITORED` states
  after the latest change out of them; without such a change in its history, the day it was
  entered in the ledger (`created_at`, local date). A project registered directly in a
  monitored state has its registration change dated that day.
  `reporting.expected_projects` applies the same rule in SQL (`monitored_since_expression`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Protocol

from django.utils import timezone

from jinmu.projects import weeks
from jinmu.projects.choices import LIGHT_SEVERITY, MONITORED, STARTED_STATES, Light
from jinmu.projects.lights.dates import (
    PlanFacts,
    add_months,
    days_in_year,
    due_week,
    expected_share,
    monthly_profile,
    schedule_figures,
    whole_months_between,
)
from jinmu.projects.lights.reasons import _, texts_translated_once, written
from jinmu.projects.models import LedgerSettings, Milestone

OVERRIDE_RULE: Final = "override"

__all__ = [
    "OVERRIDE_RULE",
    "LightFacts",
    "LightResult",
    "PlanFacts",
    "_",
    "add_months",
    "days_in_year",
    "evaluate",
    "expected_share",
    "is_monitored",
    "monitored_since_from_history",
    "report_due_week",
    "texts_translated_once",
    "whole_months_between",
    "worst_light",
]

# Plain strings of the rules and colours: the stored facts are JSON, and `str()` of a choice
# runs Python code on every one of a night's million reasons.
_START: Final = "start"
_SCHEDULE: Final = "schedule"
_MILESTONE: Final = "milestone"
_STATISTICS: Final = "statistics"
_REPORT: Final = "report"
_GREEN: Final = Light.GREEN.value
_YELLOW: Final = Light.YELLOW.value
_RED: Final = Light.RED.value
_GREY: Final = Light.GREY.value


class LightFacts(Protocol):
    """What the rules read of a project: a `Project`, or the nightly batch's plain row of the
    same columns (a model instance per project costs more than the rules themselves)."""

    @property
    def pk(self) -> Any: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def planned_start(self) -> dt.date | None: ...
    @property
    def actual_start(self) -> dt.date | None: ...
    @property
    def statistics_registered_on(self) -> dt.date | None: ...
    @property
    def invested_year(self) -> Decimal | None: ...
    @property
    def invested_year_of(self) -> int | None: ...
    @property
    def last_report_week(self) -> dt.date | None: ...
    @property
    def light_override(self) -> str: ...
    @property
    def light_override_reason(self) -> str: ...
    @property
    def light_override_at(self) -> dt.datetime | None: ...


@dataclass
class LightResult:
    """A project's effective light and its reasons: `stored`, each rule's light and the facts
    it judged (what `Project.light_reasons` keeps), and `reasons`, the same as shown on the
    day computed for (texts and inputs; empty when the batch did not ask for them)."""

    light: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    computed_light: str = ""
    overridden: bool = False
    stored: list[dict[str, Any]] = field(default_factory=list)


# --- rules ----------------------------------------------------------------------------------
# Each rule gives its light and the facts behind it as a JSON-ready dict: "rule", "light",
# "case" (which of the rule's texts applies) and facts that do not depend on the day (dates as
# ISO text, amounts as decimal text); `reasons` writes the texts from them.


def _graded(*, red: bool, yellow: bool) -> str:
    """Red when past the red threshold, else yellow when past the yellow one, else green."""
    if red:
        return _RED
    return _YELLOW if yellow else _GREEN


def _start_rule(project: LightFacts, conf: LedgerSettings, today: dt.date) -> dict[str, Any] | None:
    planned = project.planned_start
    if planned is None:
        return None
    actual = project.actual_start
    if actual is not None:
        # A late start is green too; its text gives the delay.
        return {
            "rule": _START,
            "light": _GREEN,
            "case": "started",
            "planned": planned.isoformat(),
            "actual": actual.isoformat(),
        }
    if project.status in STARTED_STATES:
        return {"rule": _START, "light": _GREEN, "case": "undated", "planned": planned.isoformat()}
    if (planned.year, planned.month) > (today.year, today.month):
        return None
    # Yellow from the planned start's month, red `start_red_months` after it.
    red = planned <= today and today >= add_months(planned, conf.start_red_months)
    return {
        "rule": _START,
        "light": _RED if red else _YELLOW,
        "case": "due",
        "planned": planned.isoformat(),
        "red_months": conf.start_red_months,
    }


def _schedule_rule(
    project: LightFacts, plan: PlanFacts | None, conf: LedgerSettings, today: dt.date
) -> dict[str, Any] | None:
    if plan is None or not plan.planned_investment or plan.planned_investment <= 0:
        return None
    invested = project.invested_year if project.invested_year_of == today.year else Decimal("0")
    invested = invested or Decimal("0")
    shares = monthly_profile(plan.monthly_shares)
    _expected, _actual, behind = schedule_figures(
        plan.year, plan.planned_investment, invested, shares, today
    )
    yellow = Decimal(conf.schedule_yellow_points)
    red = Decimal(conf.schedule_red_points)
    return {
        "rule": _SCHEDULE,
        "light": _graded(red=behind > red, yellow=behind >= yellow),
        "case": "plan",
        "year": plan.year,
        "planned": str(plan.planned_investment),
        "invested": str(invested),
        "shares": list(shares) if shares else None,
        "by_month": "yes" if plan.monthly_shares else "no",
        "yellow": str(yellow),
        "red": str(red),
    }


def _milestone_rule(
    milestones: Iterable[Milestone], conf: LedgerSettings, today: dt.date
) -> dict[str, Any] | None:
    due = [m for m in milestones if m.planned_end < today]
    if not due:
        return None
    late = [m for m in due if m.actual_end is None]
    if not late:
        return {"rule": _MILESTONE, "light": _GREEN, "case": "done", "due": len(due)}
    worst = min(late, key=lambda m: (m.planned_end, m.pk or 0))
    days = (today - worst.planned_end).days
    return {
        "rule": _MILESTONE,
        "light": _graded(
            red=days >= conf.milestone_red_days, yellow=days >= conf.milestone_yellow_days
        ),
        "case": "late",
        "due": len(due),
        "late": len(late),
        "name": str(worst.name),
        "end": worst.planned_end.isoformat(),
        "yellow": conf.milestone_yellow_days,
        "red": conf.milestone_red_days,
    }


def _statistics_rule(
    project: LightFacts, conf: LedgerSettings, today: dt.date
) -> dict[str, Any] | None:
    start = project.actual_start
    if start is None:
        return None
    registered = project.statistics_registered_on
    if registered is not None:
        return {
            "rule": _STATISTICS,
            "light": _GREEN,
            "case": "registered",
            "start": start.isoformat(),
            "registered": registered.isoformat(),
        }
    yellow_from = add_months(start, conf.statistics_yellow_months)
    red_anniversary = add_months(start, conf.statistics_red_months)
    return {
        "rule": _STATISTICS,
        "light": _graded(red=today > red_anniversary, yellow=today >= yellow_from),
        "case": "pending",
        "start": start.isoformat(),
        "yellow": yellow_from.isoformat(),
        "red": red_anniversary.isoformat(),
    }


def monitored_since_from_history(
    kind: str, history: Iterable[tuple[str, dt.date]], created_on: dt.date | None
) -> dt.date | None:
    """The day a project came under weekly scheduling, from its status changes as
    (to_status, changed_on) in the order they were recorded: the earliest effective date of
    a change into a monitored state after the latest change out of one; else `created_on`."""
    states = MONITORED.get(kind, frozenset())
    since: dt.date | None = None
    for to_status, changed_on in history:
        if to_status in states:
            since = changed_on if since is None else min(since, changed_on)
        else:
            since = None
    return since or created_on


def report_due_week(day: dt.date, conf: LedgerSettings) -> dt.date:
    """The week whose report the report rule asks for on `day`."""
    return due_week(day, conf.report_due_weekday)[0]


@functools.lru_cache(maxsize=256)
def _week_label(week: dt.date) -> str:
    """`weeks.iso_label`, once per week of a night's batch."""
    return weeks.iso_label(week)


def _report_rule(
    project: LightFacts, conf: LedgerSettings, today: dt.date, since: dt.date | None
) -> dict[str, Any]:
    week, deadline = due_week(today, conf.report_due_weekday)[:2]
    last = project.last_report_week
    # The due week and its deadline follow from the day (`reasons` names them): a project that
    # reports every week keeps the same facts from one week to the next.
    facts = {
        "rule": _REPORT,
        "light": _GREEN,
        "case": "in",
        "due_weekday": conf.report_due_weekday,
        "last": _week_label(last) if last else None,
    }
    if last is not None and last >= week:
        return facts
    if since is not None and since > deadline:
        # Came under weekly scheduling after the deadline: it owed no report.
        facts["case"], facts["since"] = "new", since.isoformat()
        return facts
    facts["light"], facts["case"] = _GREY, "missing"
    return facts


def is_monitored(project: LightFacts) -> bool:
    """True when the project is under weekly scheduling (周调度) and so carries a light."""
    return project.status in MONITORED.get(project.kind, frozenset())


def worst_light(lights: Iterable[str]) -> str:
    """The most severe of some rule lights (red > grey > yellow > green); green when none."""
    worst, severity = Light.GREEN.value, LIGHT_SEVERITY[Light.GREEN]
    for light in lights:
        # Light is a str enum: its members and their values are the same dict keys.
        light_severity = LIGHT_SEVERITY[light]  # type: ignore[index]
        if light_severity > severity:
            worst, severity = light, light_severity
    return worst


def _override_facts(project: LightFacts, computed: str, by_name: str) -> dict[str, Any]:
    at = project.light_override_at
    at_day = timezone.localtime(at).date() if at and timezone.is_aware(at) else at
    return {
        "rule": OVERRIDE_RULE,
        "light": str(project.light_override),
        "case": "set",
        "by": by_name,
        "at": at_day.isoformat() if isinstance(at_day, dt.date) else "",
        "reason": project.light_override_reason,
        "computed": computed,
    }


def evaluate(
    project: LightFacts,
    *,
    day: dt.date,
    conf: LedgerSettings,
    year_plan: PlanFacts | None,
    milestones: Sequence[Milestone],
    since: dt.date | None,
    override_by: str,
    write: bool = True,
) -> LightResult:
    """A project's light from its facts, all given (nothing is read from the database): each
    rule's verdict, the worst of them, and the manual override on top when one is set
    (`override_by`: the name of who set it). No light for a project not under weekly
    scheduling. `write=False` (the nightly batch) leaves the texts of the reasons unwritten."""
    if not is_monitored(project):
        return LightResult(light="", reasons=[], computed_light="", overridden=False)
    stored = [
        reason
        for reason in (
            _start_rule(project, conf, day),
            _schedule_rule(project, year_plan, conf, day),
            _milestone_rule(milestones, conf, day),
            _statistics_rule(project, conf, day),
            _report_rule(project, conf, day, since),
        )
        if reason is not None
    ]
    computed = str(worst_light(r["light"] for r in stored))
    light, overridden = computed, False
    if project.light_override:
        stored.insert(0, _override_facts(project, computed, override_by))
        light, overridden = str(project.light_override), True
    return LightResult(
        light=light,
        reasons=written(stored, day) if write else [],
        computed_light=computed,
        overridden=overridden,
        stored=stored,
    )
