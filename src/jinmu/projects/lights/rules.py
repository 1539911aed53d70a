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

import calendar
import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Protocol

from django.utils import timezone
from django.utils.translation import gettext

from jinmu.projects import weeks
from jinmu.projects.choices import LIGHT_SEVERITY, MONITORED, STARTED_STATES, Light, LightRule
from jinmu.projects.models import LedgerSettings, Milestone

OVERRIDE_RULE: Final = "override"
_POINT = Decimal("0.01")
_SHARE = Decimal("0.0001")


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


class PlanFacts(Protocol):
    """What the rules read of a year plan (`ProjectYearPlan` or the batch's plain row)."""

    @property
    def year(self) -> int: ...
    @property
    def planned_investment(self) -> Decimal: ...
    @property
    def monthly_shares(self) -> Any: ...


@dataclass
class LightResult:
    """A project's effective light and the reasons for it (JSON-ready dicts)."""

    light: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    computed_light: str = ""
    overridden: bool = False


# --- rule texts -----------------------------------------------------------------------------

# The nightly batch translates the same dozen texts for every project: while it runs, each is
# translated once, in the language active when the batch began (`texts_translated_once`).
_TEXTS: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "light_texts", default=None
)


def _(message: str) -> str:
    """`gettext`, answered from the running batch's memo when there is one."""
    memo = _TEXTS.get()
    if memo is None:
        return gettext(message)
    text = memo.get(message)
    if text is None:
        text = memo[message] = gettext(message)
    return text


@contextlib.contextmanager
def texts_translated_once() -> Iterator[None]:
    """Within the block each rule text is translated once; the active language must not change
    inside it (the batch runs under one `translation.override`)."""
    token = _TEXTS.set({})
    try:
        yield
    finally:
        _TEXTS.reset(token)


# --- calendar helpers -----------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """How many whole calendar months lie between two days (0 when end < start + 1 month)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months


def days_in_year(year: int) -> int:
    """365, or 366 in a leap year."""
    return 366 if calendar.isleap(year) else 365


def expected_share(plan: PlanFacts, day: dt.date) -> Decimal:
    """序时: the share (0–1) of the year's planned investment due by the end of `day`.

    Without monthly shares: elapsed days (counting `day` itself) / days in the year, so
    1 January is 1/365 and 31 December is 1. With twelve cumulative monthly shares: the share
    at the end of the previous month plus this month's increment prorated by the days elapsed
    in the month (counting `day`), so the month's end reaches exactly that month's share.
    A day outside the plan's year gives 0 before it and 1 after it.
    """
    if day.year < plan.year:
        return Decimal("0")
    if day.year > plan.year:
        return Decimal("1")
    shares = plan.monthly_shares
    if shares and len(shares) == 12:
        values = [Decimal(str(v)) for v in shares]
        previous = values[day.month - 2] if day.month > 1 else Decimal("0")
        current = values[day.month - 1]
        month_days = calendar.monthrange(day.year, day.month)[1]
        return previous + (current - previous) * Decimal(day.day) / Decimal(month_days)
    return Decimal(day.timetuple().tm_yday) / Decimal(days_in_year(day.year))


# --- rules ----------------------------------------------------------------------------------


# The text of each rule and colour, for `_reason` (`str()` of a choice runs Python code).
_PLAIN: Final[dict[str, str]] = {member: str(member) for member in (*LightRule, *Light)}


def _reason(rule: str, light: str, text: str, **inputs: Any) -> dict[str, Any]:
    """One rule's verdict as a JSON-ready dict (dates and numbers as strings)."""
    return {
        "rule": _PLAIN.get(rule) or str(rule),
        "light": _PLAIN.get(light) or str(light),
        "text": text if text.__class__ is str else str(text),
        # `_as_text` inlined: a night's batch converts close to a million inputs.
        "inputs": {
            k: v
            if v.__class__ is str
            else ("" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v))
            for k, v in inputs.items()
        },
    }


def _graded(*, red: bool, yellow: bool) -> Light:
    """Red when past the red threshold, else yellow when past the yellow one, else green."""
    if red:
        return Light.RED
    return Light.YELLOW if yellow else Light.GREEN


def _started_reason(project: LightFacts, planned: dt.date) -> dict[str, Any] | None:
    """Green once works started (a late start's text gives the delay); None if not started."""
    actual = project.actual_start
    if actual is not None:
        delay = (actual - planned).days
        if delay > 0:
            text = _("Works started on %(actual)s, %(days)s days after the planned %(planned)s.")
        else:
            text = _("Works started on %(actual)s (planned %(planned)s).")
        return _reason(
            LightRule.START,
            Light.GREEN,
            text % {"actual": actual, "planned": planned, "days": delay},
            planned_start=planned,
            actual_start=actual,
            days_late=max(delay, 0),
        )
    if project.status in STARTED_STATES:
        # Imported or moved on without a start date: the status says works are under way.
        return _reason(
            LightRule.START,
            Light.GREEN,
            _("Works have started (start date not recorded; planned %(planned)s).")
            % {"planned": planned},
            planned_start=planned,
            actual_start=None,
        )
    return None


def _overdue_start_reason(planned: dt.date, conf: LedgerSettings, today: dt.date) -> dict[str, Any]:
    """Yellow from the planned start's month, red `start_red_months` after it."""
    red_from = add_months(planned, conf.start_red_months)
    months = whole_months_between(planned, today)
    days = max((today - planned).days, 0)
    inputs = {
        "planned_start": planned,
        "today": today,
        "days_overdue": days,
        "months_overdue": months,
        "red_from": red_from,
        "red_after_months": conf.start_red_months,
    }
    if planned > today:
        text = _(
            "Works are due to start this month, on %(planned)s, and have not started; red "
            "from %(red_from)s."
        )
        light = Light.YELLOW
    elif today >= red_from:
        text = _(
            "Works were due to start on %(planned)s and have not started for %(months)s "
            "months (red from %(red_months)s months)."
        )
        light = Light.RED
    else:
        text = _(
            "Works were due to start on %(planned)s and have not started (%(days)s days); "
            "red from %(red_from)s."
        )
        light = Light.YELLOW
    params = {
        "planned": planned,
        "months": months,
        "red_months": conf.start_red_months,
        "days": days,
        "red_from": red_from,
    }
    return _reason(LightRule.START, light, text % params, **inputs)


def _start_rule(project: LightFacts, conf: LedgerSettings, today: dt.date) -> dict[str, Any] | None:
    planned = project.planned_start
    if planned is None:
        return None
    started = _started_reason(project, planned)
    if started is not None:
        return started
    if (planned.year, planned.month) > (today.year, today.month):
        return None
    return _overdue_start_reason(planned, conf, today)


def _schedule_rule(
    project: LightFacts, plan: PlanFacts | None, conf: LedgerSettings, today: dt.date
) -> dict[str, Any] | None:
    if plan is None or not plan.planned_investment or plan.planned_investment <= 0:
        return None
    expected = expected_share(plan, today)
    invested = project.invested_year if project.invested_year_of == today.year else Decimal("0")
    invested = invested or Decimal("0")
    actual = invested / plan.planned_investment
    behind = ((expected - actual) * 100).quantize(_POINT, rounding=ROUND_HALF_UP)
    yellow = Decimal(conf.schedule_yellow_points)
    red = Decimal(conf.schedule_red_points)
    light = _graded(red=behind > red, yellow=behind >= yellow)
    params = {
        "expected": (expected * 100).quantize(_POINT, rounding=ROUND_HALF_UP),
        "actual": (actual * 100).quantize(_POINT, rounding=ROUND_HALF_UP),
        "behind": behind,
        "ahead": -behind,
        "yellow": yellow,
        "red": red,
    }
    if behind > 0:
        text = _(
            "%(actual)s%% of this year's planned investment done against %(expected)s%% due "
            "by now: %(behind)s points behind (yellow from %(yellow)s, red above %(red)s)."
        )
    else:
        text = _(
            "%(actual)s%% of this year's planned investment done against %(expected)s%% due "
            "by now: on or ahead of schedule."
        )
    return _reason(
        LightRule.SCHEDULE,
        light,
        text % params,
        year=plan.year,
        planned_investment=plan.planned_investment,
        invested_year=invested,
        expected_share=expected.quantize(_SHARE, rounding=ROUND_HALF_UP),
        actual_share=actual.quantize(_SHARE, rounding=ROUND_HALF_UP),
        points_behind=behind,
        by_month="yes" if plan.monthly_shares else "no",
        yellow_points=yellow,
        red_points=red,
    )


def _milestone_rule(
    milestones: Iterable[Milestone], conf: LedgerSettings, today: dt.date
) -> dict[str, Any] | None:
    due = [m for m in milestones if m.planned_end < today]
    if not due:
        return None
    late = [m for m in due if m.actual_end is None]
    if not late:
        return _reason(
            LightRule.MILESTONE,
            Light.GREEN,
            _("All %(count)s milestones due by now are finished.") % {"count": len(due)},
            due=len(due),
            late=0,
        )
    worst = min(late, key=lambda m: (m.planned_end, m.pk or 0))
    days = (today - worst.planned_end).days
    light = _graded(red=days >= conf.milestone_red_days, yellow=days >= conf.milestone_yellow_days)
    text = _(
        "%(late)s of %(due)s milestones due are unfinished; “%(name)s” was due on %(end)s, "
        "%(days)s days late (yellow from %(yellow)s, red from %(red)s days)."
    ) % {
        "late": len(late),
        "due": len(due),
        "name": worst.name,
        "end": worst.planned_end,
        "days": days,
        "yellow": conf.milestone_yellow_days,
        "red": conf.milestone_red_days,
    }
    return _reason(
        LightRule.MILESTONE,
        light,
        text,
        due=len(due),
        late=len(late),
        milestone=worst.name,
        planned_end=worst.planned_end,
        days_late=days,
        yellow_days=conf.milestone_yellow_days,
        red_days=conf.milestone_red_days,
    )


def _statistics_rule(
    project: LightFacts, conf: LedgerSettings, today: dt.date
) -> dict[str, Any] | None:
    start = project.actual_start
    if start is None:
        return None
    registered = project.statistics_registered_on
    if registered is not None:
        return _reason(
            LightRule.STATISTICS,
            Light.GREEN,
            _("Registered in the statistics (入统) on %(day)s.") % {"day": registered},
            actual_start=start,
            registered_on=registered,
        )
    yellow_from = add_months(start, conf.statistics_yellow_months)
    red_anniversary = add_months(start, conf.statistics_red_months)
    months = whole_months_between(start, today)
    light = _graded(red=today > red_anniversary, yellow=today >= yellow_from)
    text = _(
        "Works started on %(start)s and the project is not registered in the statistics "
        "(入统) after %(months)s months (yellow from %(yellow)s, red after %(red)s)."
    ) % {"start": start, "months": months, "yellow": yellow_from, "red": red_anniversary}
    return _reason(
        LightRule.STATISTICS,
        light,
        text,
        actual_start=start,
        registered_on=None,
        months_since_start=months,
        yellow_from=yellow_from,
        red_after=red_anniversary,
    )


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


@functools.lru_cache(maxsize=64)
def _due_week(today: dt.date, due_weekday: int) -> tuple[dt.date, dt.date, str]:
    """The week the report rule looks at, its deadline and its label (the same for every
    project of a night's batch)."""
    week = weeks.latest_due_week(today, due_weekday)
    return week, weeks.week_deadline(week, due_weekday), weeks.iso_label(week)


def _report_rule(
    project: LightFacts, conf: LedgerSettings, today: dt.date, since: dt.date | None
) -> dict[str, Any]:
    week, deadline, label = _due_week(today, conf.report_due_weekday)
    last = project.last_report_week
    inputs = {
        "week": label,
        "deadline": deadline,
        "last_report_week": weeks.iso_label(last) if last else None,
    }
    if last is not None and last >= week:
        text = _("The report for week %(week)s is in.") % {"week": label}
        return _reason(LightRule.REPORT, Light.GREEN, text, **inputs)
    if since is not None and since > deadline:
        text = _(
            "Under weekly scheduling since %(since)s, after the deadline of week %(week)s "
            "(%(deadline)s): no report expected yet."
        ) % {"since": since, "week": label, "deadline": deadline}
        return _reason(LightRule.REPORT, Light.GREEN, text, monitored_since=since, **inputs)
    if last is None:
        text = _("No weekly report for week %(week)s (due %(deadline)s); none ever submitted.")
    else:
        text = _(
            "No weekly report for week %(week)s (due %(deadline)s); the latest is for %(last)s."
        )
    params = {"week": label, "deadline": deadline, "last": inputs["last_report_week"]}
    return _reason(LightRule.REPORT, Light.GREY, text % params, **inputs)


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


def _override_reason(project: LightFacts, computed: str, by_name: str) -> dict[str, Any]:
    at = project.light_override_at
    at_day = timezone.localtime(at).date() if at and timezone.is_aware(at) else at
    text = _("Set by hand to %(light)s by %(by)s on %(at)s: %(reason)s (computed: %(computed)s).")
    params = {
        "light": Light(project.light_override).label,
        "by": by_name or _("unknown"),
        "at": at_day.isoformat() if isinstance(at_day, dt.date) else "",
        "reason": project.light_override_reason,
        "computed": Light(computed).label if computed else "",
    }
    return _reason(
        OVERRIDE_RULE,
        project.light_override,
        text % params,
        by=by_name,
        at=at_day,
        reason=project.light_override_reason,
        computed_light=computed,
    )


def evaluate(
    project: LightFacts,
    *,
    day: dt.date,
    conf: LedgerSettings,
    year_plan: PlanFacts | None,
    milestones: Sequence[Milestone],
    since: dt.date | None,
    override_by: str,
) -> LightResult:
    """A project's light from its facts, all given (nothing is read from the database): each
    rule's verdict, the worst of them, and the manual override on top when one is set
    (`override_by`: the name of who set it). No light for a project not under weekly
    scheduling."""
    if not is_monitored(project):
        return LightResult(light="", reasons=[], computed_light="", overridden=False)
    reasons = [
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
    computed = str(worst_light(r["light"] for r in reasons))
    if project.light_override:
        reasons.insert(0, _override_reason(project, computed, override_by))
        return LightResult(
            light=str(project.light_override),
            reasons=reasons,
            computed_light=computed,
            overridden=True,
        )
    return LightResult(light=computed, reasons=reasons, computed_light=computed, overridden=False)
