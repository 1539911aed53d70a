"""The light engine (红黄绿灯): every project's colour, computed from facts already entered.

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
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, cast

from django.conf import settings as django_settings
from django.db import connections, transaction
from django.db.models import (
    DateField,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jinmu.projects import weeks
from jinmu.projects.choices import LIGHT_SEVERITY, MONITORED, STARTED_STATES, Light, LightRule
from jinmu.projects.models import (
    LedgerSettings,
    Milestone,
    Project,
    ProjectYearPlan,
    StatusChange,
    settings_for,
)

OVERRIDE_RULE: Final = "override"
# Batch size of the nightly refresh: big enough for few queries, small enough for SQLite's
# parameter limit and a bounded transaction.
BATCH_SIZE: Final = 1000
_POINT = Decimal("0.01")
_SHARE = Decimal("0.0001")

# Project columns the engine reads (the batch loads only these).
_FIELDS: Final = (
    "id",
    "region",
    "kind",
    "status",
    "planned_start",
    "actual_start",
    "statistics_registered_on",
    "invested_year",
    "invested_year_of",
    "last_report_week",
    "created_at",
    "computed_light",
    "light",
    "light_reasons",
    "light_computed_on",
    "light_override",
    "light_override_reason",
    "light_override_by",
    "light_override_at",
)


@dataclass
class LightResult:
    """A project's effective light and the reasons for it (JSON-ready dicts)."""

    light: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    computed_light: str = ""
    overridden: bool = False


@dataclass
class RefreshStats:
    """What a batch refresh did."""

    processed: int = 0
    written: int = 0
    changed: int = 0


class _Unset:
    """Marker for "not given, load it" where None is a meaningful value."""


_UNSET: Final = _Unset()


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


def expected_share(plan: ProjectYearPlan, day: dt.date) -> Decimal:
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


def _reason(rule: str, light: str, text: str, **inputs: Any) -> dict[str, Any]:
    """One rule's verdict as a JSON-ready dict (dates and numbers as strings)."""
    return {
        "rule": str(rule),
        "light": str(light),
        "text": str(text),
        "inputs": {k: _as_text(v) for k, v in inputs.items()},
    }


def _as_text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _start_rule(project: Project, conf: LedgerSettings, today: dt.date) -> dict[str, Any] | None:
    planned = project.planned_start
    if planned is None:
        return None
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
    if (planned.year, planned.month) > (today.year, today.month):
        return None
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


def _schedule_rule(
    project: Project, plan: ProjectYearPlan | None, conf: LedgerSettings, today: dt.date
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
    if behind > red:
        light = Light.RED
    elif behind >= yellow:
        light = Light.YELLOW
    else:
        light = Light.GREEN
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
    if days >= conf.milestone_red_days:
        light = Light.RED
    elif days >= conf.milestone_yellow_days:
        light = Light.YELLOW
    else:
        light = Light.GREEN
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
    project: Project, conf: LedgerSettings, today: dt.date
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
    if today > red_anniversary:
        light = Light.RED
    elif today >= yellow_from:
        light = Light.YELLOW
    else:
        light = Light.GREEN
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


def _created_on(project: Project) -> dt.date | None:
    created = project.created_at
    if created is None:
        return None
    if timezone.is_aware(created):
        return timezone.localtime(created).date()
    return created.date()


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


def monitored_since(project: Project) -> dt.date | None:
    """The day the project came under weekly scheduling (see the module's REPORT rule)."""
    history: list[tuple[str, dt.date]] = []
    if project.pk:
        history = list(
            StatusChange.objects.filter(project_id=project.pk)
            .order_by("id")
            .values_list("to_status", "changed_on")
        )
    return monitored_since_from_history(project.kind, history, _created_on(project))


def _into_monitored(kind: OuterRef) -> Q:
    """Status changes into a monitored state of the project's kind (`kind` refers to the
    outer Project row's, so the subquery needs no join back to the project)."""
    condition = Q(pk__in=[])
    for name, states in MONITORED.items():
        condition |= Q(Exact(kind, Value(name)), to_status__in=sorted(states))
    return condition


def monitored_since_expression() -> Coalesce:
    """`monitored_since` in SQL, for a Project queryset (`.alias(since=...)`): two
    correlated subqueries on the project's status changes, falling back to the local date of
    `created_at`. Changes are ordered by id, the order they were recorded in."""
    last_out = (
        StatusChange.objects.filter(project_id=OuterRef(OuterRef("pk")))
        .exclude(_into_monitored(OuterRef(OuterRef("kind"))))
        .order_by("-id")
        .values("id")[:1]
    )
    first_in = (
        StatusChange.objects.filter(project_id=OuterRef("pk"))
        .filter(_into_monitored(OuterRef("kind")))
        .filter(id__gt=Coalesce(Subquery(last_out), Value(0)))
        .order_by("changed_on")
        .values("changed_on")[:1]
    )
    return Coalesce(
        Subquery(first_in, output_field=DateField()),
        TruncDate("created_at"),
        output_field=DateField(),
    )


def _report_rule(
    project: Project, conf: LedgerSettings, today: dt.date, since: dt.date | None
) -> dict[str, Any]:
    week = weeks.latest_due_week(today, conf.report_due_weekday)
    deadline = weeks.week_deadline(week, conf.report_due_weekday)
    label = weeks.iso_label(week)
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


def is_monitored(project: Project) -> bool:
    """True when the project is under weekly scheduling (周调度) and so carries a light."""
    return project.status in MONITORED.get(project.kind, frozenset())


def worst_light(lights: Iterable[str]) -> str:
    """The most severe of some rule lights (red > grey > yellow > green); green when none."""
    worst = Light.GREEN.value
    for light in lights:
        if LIGHT_SEVERITY[Light(light)] > LIGHT_SEVERITY[Light(worst)]:
            worst = light
    return worst


def _override_reason(project: Project, computed: str, by_name: str | None) -> dict[str, Any]:
    at = project.light_override_at
    at_day = timezone.localtime(at).date() if at and timezone.is_aware(at) else at
    name = by_name if by_name is not None else _user_name(project)
    text = _("Set by hand to %(light)s by %(by)s on %(at)s: %(reason)s (computed: %(computed)s).")
    params = {
        "light": Light(project.light_override).label,
        "by": name or _("unknown"),
        "at": at_day.isoformat() if isinstance(at_day, dt.date) else "",
        "reason": project.light_override_reason,
        "computed": Light(computed).label if computed else "",
    }
    return _reason(
        OVERRIDE_RULE,
        project.light_override,
        text % params,
        by=name,
        at=at_day,
        reason=project.light_override_reason,
        computed_light=computed,
    )


def _user_name(project: Project) -> str:
    if not project.light_override_by_id:
        return ""
    user = project.light_override_by
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def compute_light(
    project: Project,
    *,
    today: dt.date | None = None,
    conf: LedgerSettings | None = None,
    year_plan: ProjectYearPlan | _Unset | None = _UNSET,
    milestones: Sequence[Milestone] | None = None,
    override_by: str | None = None,
    since: dt.date | _Unset | None = _UNSET,
) -> LightResult:
    """Compute a project's light from its facts without writing anything.

    The batch refresh passes the region's settings, this year's plan (None: no plan), the
    milestones and the day the project came under weekly scheduling (`since`), already
    loaded; when not given they are read from the database.
    """
    day = today or timezone.localdate()
    if not is_monitored(project):
        return LightResult(light="", reasons=[], computed_light="", overridden=False)
    conf = conf or settings_for(project.region_id)
    if isinstance(year_plan, _Unset):
        year_plan = (
            ProjectYearPlan.objects.filter(
                project_id=project.pk, year=day.year, planned_investment__gt=0
            ).first()
            if project.pk
            else None
        )
    if milestones is None:
        milestones = list(project.milestones.filter(planned_end__lt=day)) if project.pk else []
    if isinstance(since, _Unset):
        since = monitored_since(project)
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


def _compute_in_site_language(project: Project, **kwargs: Any) -> LightResult:
    """Reason texts are stored, so they are written in the site's language, not the
    language of whichever request or command triggered the refresh."""
    with translation.override(django_settings.LANGUAGE_CODE):
        return compute_light(project, **kwargs)


def bump_light_generation(region_codes: Any) -> None:
    """Tell the board's cache that lights changed in these regions (jinmu.projects.queries)."""
    from jinmu.projects.queries import bump_light_generation as bump

    bump(region_codes)


def refresh_light(project: Project, *, today: dt.date | None = None) -> LightResult:
    """Recompute one project's light and store it (a plain update: no audit, no version bump)."""
    day = today or timezone.localdate()
    result = _compute_in_site_language(project, today=day)
    values = {
        "computed_light": result.computed_light,
        "light": result.light,
        "light_reasons": result.reasons,
        "light_computed_on": day,
    }
    Project.objects.filter(pk=project.pk).update(**values)
    for name, value in values.items():
        setattr(project, name, value)
    # Always, not only when the colour changed: the caller may have moved the project to
    # another town, chain or unit, which the board counts by.
    bump_light_generation([project.region_id])
    return result


def refresh_lights(
    queryset: QuerySet[Project] | None = None, *, today: dt.date | None = None
) -> int:
    """Recompute the lights of many projects (default: all); returns how many were processed
    (`refresh_lights_stats` also tells how many were rewritten and changed colour)."""
    return refresh_lights_stats(queryset, today=today).processed


def refresh_lights_stats(
    queryset: QuerySet[Project] | None = None,
    *,
    today: dt.date | None = None,
    batch_size: int = BATCH_SIZE,
) -> RefreshStats:
    """The batch refresh, reporting processed, written and changed counts.

    Per batch of projects: one query for the projects, one for this year's plans, one for the
    due milestones, one for the status history (when each came under weekly scheduling), one
    for the overriding users (only if any), then a bulk update of the rows whose light or
    reasons changed and one update of the computed date. Settings are read once per region.
    """
    day = today or timezone.localdate()
    base = (queryset if queryset is not None else Project.objects.all()).order_by("pk")
    base = base.only(*_FIELDS)
    stats = RefreshStats()
    conf_by_region: dict[str, LedgerSettings] = {}
    last_pk = 0
    with translation.override(django_settings.LANGUAGE_CODE):
        while True:
            batch = list(base.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            _refresh_batch(batch, day, conf_by_region, stats, base.db)
    return stats


def _refresh_batch(
    batch: list[Project],
    day: dt.date,
    conf_by_region: dict[str, LedgerSettings],
    stats: RefreshStats,
    using: str,
) -> None:
    monitored = [p for p in batch if is_monitored(p)]
    ids = [p.pk for p in monitored]
    plans: dict[int, ProjectYearPlan] = {}
    due: dict[int, list[Milestone]] = {pk: [] for pk in ids}
    history: dict[int, list[tuple[str, dt.date]]] = {pk: [] for pk in ids}
    names: dict[int, str] = {}
    if ids:
        for plan in ProjectYearPlan.objects.filter(
            project_id__in=ids, year=day.year, planned_investment__gt=0
        ).only("id", "project_id", "year", "planned_investment", "monthly_shares"):
            plans[plan.project_id] = plan
        for milestone in (
            Milestone.objects.filter(project_id__in=ids, planned_end__lt=day)
            .only("id", "project_id", "name", "planned_end", "actual_end")
            .order_by("project_id", "planned_end", "id")
        ):
            due[milestone.project_id].append(milestone)
        for project_id, to_status, changed_on in (
            StatusChange.objects.filter(project_id__in=ids)
            .order_by("project_id", "id")
            .values_list("project_id", "to_status", "changed_on")
        ):
            history[project_id].append((to_status, changed_on))
        user_ids = {
            p.light_override_by_id for p in monitored if p.light_override and p.light_override_by_id
        }
        if user_ids:
            from django.contrib.auth import get_user_model

            for user in get_user_model().objects.filter(pk__in=user_ids):
                names[user.pk] = user.get_full_name() or user.get_username()
    changed_rows: list[Project] = []
    for project in batch:
        if is_monitored(project):
            region = project.region_id
            if region not in conf_by_region:
                conf_by_region[region] = settings_for(region)
            result = compute_light(
                project,
                today=day,
                conf=conf_by_region[region],
                year_plan=plans.get(project.pk),
                milestones=due[project.pk],
                override_by=names.get(project.light_override_by_id or 0, ""),
                since=monitored_since_from_history(
                    project.kind, history[project.pk], _created_on(project)
                ),
            )
        else:
            result = LightResult(light="", reasons=[], computed_light="")
        stats.processed += 1
        if result.light != project.light:
            stats.changed += 1
        if (
            result.light != project.light
            or result.computed_light != project.computed_light
            or result.reasons != project.light_reasons
        ):
            project.light = result.light
            project.computed_light = result.computed_light
            project.light_reasons = result.reasons
            project.light_computed_on = day
            changed_rows.append(project)
    with transaction.atomic(using=using):
        if changed_rows:
            _write_lights(changed_rows, using)
            stats.written += len(changed_rows)
        stale = [p for p in batch if p.light_computed_on != day]
        if stale:
            Project.objects.using(using).filter(pk__in=[p.pk for p in stale]).update(
                light_computed_on=day
            )
        if changed_rows or stale:
            bump_light_generation({p.region_id for p in (*changed_rows, *stale)})


_WRITTEN: Final = ("light", "computed_light", "light_reasons", "light_computed_on")


def _write_lights(rows: list[Project], using: str) -> None:
    """One parameterised UPDATE per row through `executemany`.

    `bulk_update` builds a CASE WHEN per field over the whole batch, which costs close to a
    second per thousand rows with the reasons' JSON; executemany runs the same small
    statement for each row (the driver prepares it once) and is an order of magnitude faster.
    Values are adapted by the fields themselves, so JSON and dates are stored as the ORM would.
    """
    connection = connections[using]
    meta = Project._meta
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in _WRITTEN]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
