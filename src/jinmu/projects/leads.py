"""Deadlines of an investment lead (江门 江府办函〔2024〕37号, practice.md).

Counted in calendar days from the day the lead was registered (`lead_registered_on`), with the
windows of the region's `LedgerSettings`:

- owner: a named owner within `lead_owner_days` (1);
- assess: assessed (研判) within `lead_assess_days` (3), or `lead_assess_days_large` (7) when the
  total investment reaches `lead_large_threshold`;
- feedback: the referrer is told within `lead_feedback_days` (7) — only when there is a referrer;
- follow-up: a follow-up every `lead_follow_up_days` (14) counted from the last one (or from
  registration), for as long as the lead is open (lead, assessing, negotiating).

While a lead is open every deadline shows as done, done late, due or overdue. Once it has moved
on (signed, or terminated) an unmet deadline no longer matters: only the ones that were met are
kept, as history. A lead owner recorded without a date counts as named on time, since the
record does not say when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from jinmu.core.regions import nearest_rows
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import LedgerSettings, Project, settings_for

# States in which a lead is still being worked on and its deadlines run.
OPEN_STATES = (ProjectStatus.LEAD, ProjectStatus.ASSESSING, ProjectStatus.NEGOTIATING)

DONE = "done"
DUE = "due"
OVERDUE = "overdue"
DONE_LATE = "done_late"

_QS = TypeVar("_QS", bound=models.QuerySet[Any])


@dataclass(frozen=True)
class Deadline:
    """One lead deadline and where it stands on a day.

    `days` depends on `state`: due → days left (0 on the due day); overdue → days past due;
    done → days to spare; done_late → days late. For the recurring follow-up, `done_on` is the
    last follow-up and `due_on` the next one.
    """

    key: str
    label: str
    due_on: dt.date
    done_on: dt.date | None
    state: str
    days: int

    @property
    def is_open(self) -> bool:
        """Still to be done (due or overdue)."""
        return self.state in (DUE, OVERDUE)


def is_open_lead(project: Project) -> bool:
    """An attraction project still at the lead stage (its deadlines run)."""
    return project.kind == ProjectKind.ATTRACTION and project.status in OPEN_STATES


def is_large(project: Project, settings: LedgerSettings) -> bool:
    """A large lead gets the longer assessment window."""
    threshold = settings.lead_large_threshold
    total = project.total_investment
    return threshold is not None and total is not None and total >= threshold


def assess_days(project: Project, settings: LedgerSettings) -> int:
    """Days allowed for assessing this lead."""
    if is_large(project, settings):
        return int(settings.lead_assess_days_large)
    return int(settings.lead_assess_days)


def _deadline(
    key: str, label: str, due_on: dt.date, done_on: dt.date | None, today: dt.date
) -> Deadline:
    if done_on is not None:
        if done_on <= due_on:
            return Deadline(key, label, due_on, done_on, DONE, (due_on - done_on).days)
        return Deadline(key, label, due_on, done_on, DONE_LATE, (done_on - due_on).days)
    if today <= due_on:
        return Deadline(key, label, due_on, None, DUE, (due_on - today).days)
    return Deadline(key, label, due_on, None, OVERDUE, (today - due_on).days)


def lead_deadlines(
    project: Project, *, today: dt.date, settings: LedgerSettings | None = None
) -> list[Deadline]:
    """The deadlines of an attraction lead on `today` (empty for other kinds or an unregistered
    lead); pass `settings` to avoid looking them up again for each project of a list."""
    registered = project.lead_registered_on
    if project.kind != ProjectKind.ATTRACTION or registered is None:
        return []
    rules = settings or settings_for(project.region_id)
    owner_done = project.lead_owner_named_on
    owner_state_done = owner_done is not None or project.lead_owner_id is not None
    deadlines: list[Deadline] = []

    owner_due = registered + dt.timedelta(days=int(rules.lead_owner_days))
    if owner_state_done and owner_done is None:
        deadlines.append(Deadline("owner", _("Name an owner"), owner_due, None, DONE, 0))
    else:
        deadlines.append(_deadline("owner", _("Name an owner"), owner_due, owner_done, today))

    assess_due = registered + dt.timedelta(days=assess_days(project, rules))
    deadlines.append(
        _deadline("assess", _("Assess the lead"), assess_due, project.lead_assessed_on, today)
    )
    if project.referrer.strip():
        feedback_due = registered + dt.timedelta(days=int(rules.lead_feedback_days))
        deadlines.append(
            _deadline(
                "feedback",
                _("Tell the referrer"),
                feedback_due,
                project.lead_feedback_on,
                today,
            )
        )
    if not is_open_lead(project):
        return [d for d in deadlines if not d.is_open]

    last = project.lead_followed_up_on
    base = max(last, registered) if last is not None else registered
    follow_due = base + dt.timedelta(days=int(rules.lead_follow_up_days))
    state = DUE if today <= follow_due else OVERDUE
    days = (follow_due - today).days if state == DUE else (today - follow_due).days
    deadlines.append(Deadline("follow_up", _("Follow up"), follow_due, last, state, days))
    return deadlines


def lead_state(deadlines: Iterable[Deadline]) -> str:
    """The worst open state of a lead's deadlines: "overdue", "due" or "" when nothing is open."""
    states = {d.state for d in deadlines}
    if OVERDUE in states:
        return OVERDUE
    if DUE in states:
        return DUE
    return ""


def settings_map(region_ids: Iterable[str]) -> dict[str, LedgerSettings]:
    """The settings that apply in each region, read in one query (`settings_for` for many)."""
    defaults = LedgerSettings()
    found = nearest_rows(LedgerSettings.objects.all(), sorted(set(region_ids)))
    return {code: row or defaults for code, row in found.items()}


def filter_per_settings(
    queryset: _QS,
    build: Callable[[LedgerSettings], Q],
    *,
    region: Any = None,
) -> _QS:
    """Filter projects by a condition that depends on the ledger settings, in SQL.

    With `region` one region's settings apply to every row; without it each project follows the
    settings of its own region: the rows are split by the (few) distinct settings that apply to
    their regions, each group gets its own condition, and the groups are OR-ed together.
    """
    if region is not None:
        return queryset.filter(build(settings_for(region)))
    if not LedgerSettings.objects.exists():
        # No region has its own settings: the defaults apply everywhere.
        return queryset.filter(build(LedgerSettings()))
    region_ids = queryset.order_by().values_list("region_id", flat=True).distinct()
    groups: dict[Any, tuple[LedgerSettings, list[str]]] = {}
    for region_id, rules in settings_map(region_ids).items():
        # Regions without any settings row share the field defaults.
        key = rules.pk if rules.pk is not None else "defaults"
        groups.setdefault(key, (rules, []))[1].append(region_id)
    if len(groups) == 1:
        ((rules, _codes),) = groups.values()
        return queryset.filter(build(rules))
    condition = Q(pk__in=[])
    for rules, codes in groups.values():
        condition |= Q(region_id__in=codes) & build(rules)
    return queryset.filter(condition)


def _days_before(today: dt.date, days: int) -> dt.date:
    return today - dt.timedelta(days=int(days))


def _overdue_condition(today: dt.date) -> Callable[[LedgerSettings], Q]:
    """The SQL form of "some deadline of this open lead is overdue" under one region's rules."""

    def build(rules: LedgerSettings) -> Q:
        owner = Q(
            lead_owner_named_on__isnull=True,
            lead_owner__isnull=True,
            lead_registered_on__lt=_days_before(today, rules.lead_owner_days),
        )
        small = Q(lead_registered_on__lt=_days_before(today, rules.lead_assess_days))
        threshold: Decimal | None = rules.lead_large_threshold
        if threshold is None:
            assess_window = small
        else:
            large = Q(total_investment__gte=threshold)
            assess_window = (
                large & Q(lead_registered_on__lt=_days_before(today, rules.lead_assess_days_large))
            ) | (~large & small)
        assess = Q(lead_assessed_on__isnull=True) & assess_window
        feedback = (
            Q(lead_feedback_on__isnull=True)
            & ~Q(referrer__regex=r"^\s*$")
            & Q(lead_registered_on__lt=_days_before(today, rules.lead_feedback_days))
        )
        cutoff = _days_before(today, rules.lead_follow_up_days)
        follow_up = Q(lead_registered_on__lt=cutoff) & (
            Q(lead_followed_up_on__isnull=True) | Q(lead_followed_up_on__lt=cutoff)
        )
        return owner | assess | feedback | follow_up

    return build


def open_leads(queryset: _QS) -> _QS:
    """Attraction projects still at the lead stage, with a registration date."""
    return queryset.filter(
        kind=ProjectKind.ATTRACTION, status__in=OPEN_STATES, lead_registered_on__isnull=False
    )


def overdue_leads(queryset: _QS, *, today: dt.date, region: Any = None) -> _QS:
    """Open leads of `queryset` with at least one overdue deadline on `today` (one SQL filter;
    `.count()` it for a page). Each lead follows its own region's settings unless `region`."""
    return filter_per_settings(open_leads(queryset), _overdue_condition(today), region=region)
