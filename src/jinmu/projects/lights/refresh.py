"""Refreshing lights: load the facts the rules read, compute, and store the result.

One project at a time after every write that changes an input of its light
(`refresh_light`), or the nightly batch over many (`refresh_lights_stats`), which loads the
facts of a thousand projects in a handful of queries and writes only the rows that changed
(over the whole ledger, the day is then recorded per county rather than on every row:
`nights`). Every write of lights renews the board's cache token of the counties concerned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, cast

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import (
    DateField,
    Field,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone, translation

from jinmu.core.models import User
from jinmu.projects.choices import MONITORED
from jinmu.projects.lights.judge import _Judge
from jinmu.projects.lights.nights import record_night
from jinmu.projects.lights.rules import (
    LightResult,
    evaluate,
    is_monitored,
    monitored_since_from_history,
    report_due_week,
    texts_translated_once,
)
from jinmu.projects.models import (
    LIGHT_FIELDS,
    LedgerSettings,
    Milestone,
    Project,
    ProjectYearPlan,
    StatusChange,
    settings_for,
)
from jinmu.projects.queries import bump_light_generation

# Batch size of the nightly refresh: big enough for few queries, small enough for SQLite's
# parameter limit and a bounded transaction.
BATCH_SIZE: Final = 1000

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
    *LIGHT_FIELDS,
    "light_override",
    "light_override_reason",
    "light_override_by",
    "light_override_at",
)


# The same columns by attribute name (`region_id`, `light_override_by_id`).
_ATTNAMES: Final = tuple(
    cast("Field[Any, Any]", Project._meta.get_field(name)).attname for name in _FIELDS
)

# The batch reads the stored reasons as their JSON text (under this alias): it compares them
# with the new reasons' text and decodes them only when that cannot decide (see `_Judge`).
_REASONS_TEXT: Final = "light_reasons_text"
_READ: Final = tuple(_REASONS_TEXT if name == "light_reasons" else name for name in _ATTNAMES)


class _Row:
    """A project's columns the engine reads and writes, as plain attributes: the nightly
    batch reads tens of thousands of projects, and building a model instance for each cost
    more than the rules themselves."""

    __slots__ = ("pk", "light_reasons", "reasons_text", *_READ)
    pk: int
    id: int
    region_id: str
    kind: str
    status: str
    planned_start: dt.date | None
    actual_start: dt.date | None
    statistics_registered_on: dt.date | None
    invested_year: Decimal | None
    invested_year_of: int | None
    last_report_week: dt.date | None
    created_at: dt.datetime | None
    light: str
    computed_light: str
    light_reasons: list[dict[str, Any]]
    light_reasons_text: str | None
    reasons_text: str
    light_computed_on: dt.date | None
    light_override: str
    light_override_reason: str
    light_override_by_id: int | None
    light_override_at: dt.datetime | None

    def __init__(self, values: Sequence[Any]) -> None:
        # One unpacking, in the order of `_READ` (checked below), rather than a setattr each.
        (
            self.id,
            self.region_id,
            self.kind,
            self.status,
            self.planned_start,
            self.actual_start,
            self.statistics_registered_on,
            self.invested_year,
            self.invested_year_of,
            self.last_report_week,
            self.created_at,
            self.light,
            self.computed_light,
            self.light_reasons_text,
            self.light_computed_on,
            self.light_override,
            self.light_override_reason,
            self.light_override_by_id,
            self.light_override_at,
        ) = values
        self.pk = self.id


assert _Row.__init__.__code__.co_names[: len(_READ)] == _READ, "_Row unpacks in _READ's order"


class _PlanRow:
    """This year's plan of a project, as the schedule rule reads it."""

    __slots__ = ("monthly_shares", "planned_investment", "project_id", "year")

    def __init__(
        self, project_id: int, year: int, planned_investment: Decimal, monthly_shares: Any
    ) -> None:
        self.project_id = project_id
        self.year = year
        self.planned_investment = planned_investment
        self.monthly_shares = monthly_shares


@dataclass
class RefreshStats:
    """What a batch refresh did."""

    processed: int = 0
    written: int = 0
    changed: int = 0


class _Unset:
    """Marker for "not given, load it" where None is a meaningful value."""


_UNSET: Final = _Unset()


def _created_on(created: dt.datetime | None) -> dt.date | None:
    if created is None:
        return None
    if timezone.is_aware(created):
        return timezone.localtime(created).date()
    return created.date()


def monitored_since(project: Project) -> dt.date | None:
    """The day the project came under weekly scheduling (see the module's REPORT rule)."""
    history: list[tuple[str, dt.date]] = []
    if project.pk:
        history = list(
            StatusChange.objects.filter(project_id=project.pk)
            .order_by("id")
            .values_list("to_status", "changed_on")
        )
    return monitored_since_from_history(project.kind, history, _created_on(project.created_at))


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
    if override_by is None and project.light_override:
        override_by = _user_name(project)
    return evaluate(
        project,
        day=day,
        conf=conf,
        year_plan=year_plan,
        milestones=milestones,
        since=since,
        override_by=override_by or "",
    )


def refresh_light(project: Project, *, today: dt.date | None = None) -> LightResult:
    """Recompute one project's light and store it (a plain update: no audit, no version bump).
    The reasons are stored as facts (`rules`); the result's texts are written in the site's
    language, as pages show them, not in the language of whichever request or command
    triggered the refresh."""
    day = today or timezone.localdate()
    with translation.override(django_settings.LANGUAGE_CODE):
        result = compute_light(project, today=day)
    values = {
        "computed_light": result.computed_light,
        "light": result.light,
        "light_reasons": result.stored,
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
    reasons changed and, for a given queryset, one update of the computed date. Settings are
    read once per region. Without a queryset (the whole ledger, as the nightly job runs it)
    unchanged rows are not touched: the day is recorded per county at the end (`nights`).
    """
    day = today or timezone.localdate()
    # The whole ledger (the nightly job): only changed rows are written and the day is
    # recorded per county (`nights`); a given set of projects has each of its rows dated.
    whole = queryset is None
    base = (queryset if queryset is not None else Project.objects.all()).order_by("pk")
    stats = RefreshStats()
    conf_by_region: dict[str, LedgerSettings] = {}
    last_pk = 0
    rows = base.annotate(**{_REASONS_TEXT: Cast("light_reasons", TextField())})
    judge = _Judge(base.db)
    regions: set[str] = set()
    with translation.override(django_settings.LANGUAGE_CODE), texts_translated_once():
        while True:
            batch = [
                _Row(values)
                for values in rows.filter(pk__gt=last_pk).values_list(*_READ)[:batch_size]
            ]
            if not batch:
                break
            last_pk = batch[-1].pk
            _refresh_batch(batch, day, conf_by_region, stats, judge, whole=whole)
            regions.update(p.region_id for p in batch)
    if whole:
        record_night(day, regions, base.db)
    return stats


@dataclass
class _BatchFacts:
    """What the rules read of a batch's monitored projects, loaded in one query each."""

    plans: dict[int, _PlanRow] = field(default_factory=dict)
    due: dict[int, list[Milestone]] = field(default_factory=dict)
    history: dict[int, list[tuple[str, dt.date]]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)


def _load_facts(monitored: Sequence[_Row], day: dt.date) -> _BatchFacts:
    """This year's plans, the milestones due before `day`, the status history and the names
    of who overrode a light, of the given projects."""
    ids = [p.pk for p in monitored]
    facts = _BatchFacts(due={pk: [] for pk in ids}, history={pk: [] for pk in ids})
    if not ids:
        return facts
    of_batch = _of_projects(ids)
    for values in ProjectYearPlan.objects.filter(
        of_batch, year=day.year, planned_investment__gt=0
    ).values_list("project_id", "year", "planned_investment", "monthly_shares"):
        if values[0] in facts.due:
            facts.plans[values[0]] = _PlanRow(*values)
    for milestone in (
        Milestone.objects.filter(of_batch, planned_end__lt=day)
        .only("id", "project_id", "name", "planned_end", "actual_end")
        .order_by("project_id", "planned_end", "id")
    ):
        if milestone.project_id in facts.due:
            facts.due[milestone.project_id].append(milestone)
    for project_id, to_status, changed_on in (
        StatusChange.objects.filter(of_batch)
        .order_by("project_id", "id")
        .values_list("project_id", "to_status", "changed_on")
    ):
        if project_id in facts.history:
            facts.history[project_id].append((to_status, changed_on))
    facts.names = _override_names(monitored)
    return facts


def _of_projects(ids: Sequence[int]) -> Q:
    """Rows of these projects (ids in ascending order). A nightly batch's ids are nearly
    consecutive: a range then reads the same rows (the few others are skipped by the caller)
    without an `IN` list of a thousand parameters to build and parse."""
    first, last = ids[0], ids[-1]
    if last - first + 1 <= 2 * len(ids):
        return Q(project_id__gte=first, project_id__lte=last)
    return Q(project_id__in=ids)


def _override_names(projects: Iterable[_Row]) -> dict[int, str]:
    """Names of the users who set the overrides of these projects, by user id."""
    user_ids = {
        p.light_override_by_id for p in projects if p.light_override and p.light_override_by_id
    }
    if not user_ids:
        return {}
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in User.objects.filter(pk__in=user_ids)
    }


def _batch_result(
    project: _Row,
    day: dt.date,
    conf_by_region: dict[str, LedgerSettings],
    facts: _BatchFacts,
) -> LightResult:
    """One project's light from the batch's facts (settings read once per region)."""
    if not is_monitored(project):
        return LightResult(light="", reasons=[], computed_light="")
    region = project.region_id
    conf = conf_by_region.get(region)
    if conf is None:
        conf = conf_by_region[region] = settings_for(region)
    since = None
    last = project.last_report_week
    # Only a project whose due report is missing is asked since when it owes reports.
    if last is None or last < report_due_week(day, conf):
        since = monitored_since_from_history(
            project.kind, facts.history[project.pk], _created_on(project.created_at)
        )
    return evaluate(
        project,
        day=day,
        conf=conf,
        year_plan=facts.plans.get(project.pk),
        milestones=facts.due[project.pk],
        override_by=facts.names.get(project.light_override_by_id or 0, ""),
        since=since,
        # Only the facts are stored: their texts are written when shown.
        write=False,
    )


def _take_result(
    project: _Row, result: LightResult, day: dt.date, judge: _Judge, *, whole: bool
) -> bool:
    """Put a new result on the project; True when its stored light must be rewritten (in a
    whole-ledger run also when its own day would not give `day`: never computed, or later)."""
    text = judge.dumps(result.stored)
    computed_on = project.light_computed_on
    dated = not whole or (computed_on is not None and computed_on <= day)
    if (
        dated
        and result.light == project.light
        and result.computed_light == project.computed_light
        and judge.same_reasons(project.light_reasons_text, result.stored, text)
    ):
        return False
    project.light = result.light
    project.computed_light = result.computed_light
    project.light_reasons = result.stored
    project.reasons_text = text
    project.light_computed_on = day
    return True


def _refresh_batch(
    batch: list[_Row],
    day: dt.date,
    conf_by_region: dict[str, LedgerSettings],
    stats: RefreshStats,
    judge: _Judge,
    *,
    whole: bool,
) -> None:
    facts = _load_facts([p for p in batch if is_monitored(p)], day)
    changed_rows: list[_Row] = []
    for project in batch:
        result = _batch_result(project, day, conf_by_region, facts)
        stats.processed += 1
        if result.light != project.light:
            stats.changed += 1
        if _take_result(project, result, day, judge, whole=whole):
            changed_rows.append(project)
    # The whole ledger's unchanged rows keep their day: the county's night dates them.
    _store_batch([] if whole else batch, changed_rows, day, stats, judge)


def _store_batch(
    batch: list[_Row],
    changed_rows: list[_Row],
    day: dt.date,
    stats: RefreshStats,
    judge: _Judge,
) -> None:
    """Write the changed lights, date the rest of `batch`, and renew the board's token."""
    using = judge.connection.alias
    with transaction.atomic(using=using):
        if changed_rows:
            _write_lights(changed_rows, day, judge)
            stats.written += len(changed_rows)
        stale = [p for p in batch if p.light_computed_on != day]
        if stale:
            Project.objects.using(using).filter(pk__in=[p.pk for p in stale]).update(
                light_computed_on=day
            )
        if changed_rows or stale:
            bump_light_generation({p.region_id for p in (*changed_rows, *stale)})


def _write_lights(rows: list[_Row], day: dt.date, judge: _Judge) -> None:
    """One parameterised UPDATE per row through `executemany`.

    `bulk_update` builds a CASE WHEN per field over the whole batch, which costs close to a
    second per thousand rows with the reasons' JSON; executemany runs the same small
    statement for each row (the driver prepares it once) and is an order of magnitude faster.
    Values are stored as the ORM would: the colours are plain strings (a CharField adapts a
    str to itself), the reasons as `_Judge` adapts them, and the day is adapted once.
    """
    connection = judge.connection
    meta = Project._meta
    fields = [cast("Field[Any, Any]", meta.get_field(name)) for name in LIGHT_FIELDS]
    assert LIGHT_FIELDS == ("light", "computed_light", "light_reasons", "light_computed_on")
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"
    day_value = fields[3].get_db_prep_save(day, connection)
    reasons_value = judge.reasons_value
    params = [
        (row.light, row.computed_light, reasons_value(row), day_value, row.pk) for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
