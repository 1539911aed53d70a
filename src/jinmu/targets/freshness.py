"""What every board request recomputed, cached under the generation of what it reads.

A board measures every target on each request, and at 300,000 enterprises that costs 150–220
ms. The values only change when a table the measures read changes (or the day does), and the
targets a scope sees only when a target, indicator, region, unit or chain does. So the measured
values (with their lights' thresholds) are cached under a stamp of those tables, the targets'
own measuring fields and their windows (which end today); the visible targets of a scope and
year under the stamp, the scope and the permission to view them.

The stamp is one token per table (`MeasureGeneration`), renewed by a database trigger on every
INSERT, DELETE and UPDATE (of a column the measures read, for the wide tables). A trigger sees
every write path alike: the services, the Excel imports (`bulk_create`, `executemany`),
`queryset.update()`, the light refresh's raw UPDATE, the demo builder, management commands and
the shell. The triggers are (re)installed after every `migrate` (`install_triggers`, on
`post_migrate`), because SQLite drops a table's triggers when a migration rebuilds the table;
the stamp read counts them too, and while any is missing nothing is cached (every read
computes afresh). Tokens are random, not counters, so that a rolled-back write never brings
back a key already used; the stamp is read before what it covers, so a write meanwhile can only
make a cached value newer than its key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from jinmu.chains.models import Chain, ChainNode, EnterpriseNode
from jinmu.core.models import Region, Unit
from jinmu.enterprises.models import Enterprise, Qualification, QualificationKind
from jinmu.projects.models import Project, WeeklyReport
from jinmu.targets.measures import measure_many
from jinmu.targets.models import (
    Indicator,
    MeasureGeneration,
    ReportedValue,
    Target,
    TargetSettings,
)
from jinmu.targets.rows import Item, MeasureResult, MeasureScope

# Every table a measure of `jinmu.targets.measures` reads (a new measure adds its tables here;
# a test checks that each measure's queries read nothing else), with the fields whose change
# matters: () for any field. Wide tables name their fields so that writes of other columns (a
# project's light, an enterprise's contact) keep the cache.
SOURCES: dict[type[models.Model], tuple[str, ...]] = {
    Qualification: (),
    QualificationKind: ("code",),
    Enterprise: ("region", "park"),
    EnterpriseNode: (),
    ChainNode: ("chain",),
    Project: (
        "kind",
        "status",
        "level",
        "region",
        "park",
        "chain",
        "total_investment",
        "actual_start",
        "signed_on",
        "created_at",
    ),
    WeeklyReport: (),
    ReportedValue: (),
}

# What a board reads of the targets themselves (their indicators, regions, holders, chains and
# the thresholds of their lights): the targets a scope sees are cached under these tables too.
TARGET_TABLES: dict[type[models.Model], tuple[str, ...]] = {
    Target: (),
    Indicator: (),
    TargetSettings: (),
    Region: (),
    Unit: (),
    Chain: (),
}
TABLES = {**SOURCES, **TARGET_TABLES}

PREFIX = "jinmu_measure_"
T = TypeVar("T")
# Cached values are exact for their key (which has the day): the timeout only frees the memory
# of keys that writes left behind.
CACHE_SECONDS = 3600
_SQLITE_EVENTS = ("insert", "update", "delete")
# The prefix in a LIKE pattern ("_" matches any character unless escaped).
_LIKE_PREFIX = PREFIX.replace("_", "\\_")


def _columns(model: type[models.Model]) -> list[str]:
    """The database columns of a table whose updates count ([] for all)."""
    columns = []
    for name in TABLES[model]:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:
            raise TypeError(f"{model.__name__}.{name} is not a column")
        columns.append(field.column)
    return columns


def _sqlite_triggers(table: str, columns: list[str]) -> list[str]:
    """SQLite's triggers of a table: one per event and row (SQLite has no statement triggers)."""
    bump = (
        f"INSERT INTO {MeasureGeneration._meta.db_table} (source, token) "
        f"VALUES ('{table}', lower(hex(randomblob(16)))) "
        "ON CONFLICT (source) DO UPDATE SET token = excluded.token"
    )
    statements = []
    for event in _SQLITE_EVENTS:
        name = f"{PREFIX}{table}_{event}"
        when = f"UPDATE OF {', '.join(columns)}" if event == "update" and columns else event
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        statements.append(
            f"CREATE TRIGGER {name} AFTER {when.upper()} ON {table} BEGIN {bump}; END"
        )
    return statements


def _postgres_function() -> str:
    """PostgreSQL's bump: a fresh token for the table named by the trigger's argument."""
    return (
        f"CREATE OR REPLACE FUNCTION {PREFIX}bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN INSERT INTO {MeasureGeneration._meta.db_table} (source, token) "
        "VALUES (TG_ARGV[0], md5(random()::text || clock_timestamp()::text)) "
        "ON CONFLICT (source) DO UPDATE SET token = EXCLUDED.token; RETURN NULL; END $$"
    )


def _postgres_triggers(table: str, columns: list[str]) -> list[str]:
    """PostgreSQL's trigger of a table: once per statement (a bulk write bumps once)."""
    name = f"{PREFIX}{table}"
    update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR {update} OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX}bump('{table}')",
    ]


def _triggers_per_table(vendor: str) -> int:
    """How many triggers a source table has on the database."""
    return len(_SQLITE_EVENTS) if vendor == "sqlite" else 1


def install_triggers(using: str = DEFAULT_DB_ALIAS, **_: Any) -> None:
    """Create (or recreate) the triggers of every source table and renew every token (a
    `post_migrate` receiver: a migration may have rebuilt a table without its triggers, and
    writes made meanwhile were not announced). Other databases get none, and no cache."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if MeasureGeneration._meta.db_table not in tables:
            return
        if connection.vendor == "postgresql":
            cursor.execute(_postgres_function())
        for model in TABLES:
            table = model._meta.db_table
            if table not in tables:
                continue
            build = _sqlite_triggers if connection.vendor == "sqlite" else _postgres_triggers
            for statement in build(table, _columns(model)):
                cursor.execute(statement)
        MeasureGeneration.objects.using(using).all().delete()
        MeasureGeneration.objects.using(using).bulk_create(
            MeasureGeneration(source=model._meta.db_table, token=secrets.token_hex(16))
            for model in TABLES
        )


def _stamp_sql(vendor: str) -> str | None:
    """The tokens and, in the same read, the number of our triggers."""
    table = MeasureGeneration._meta.db_table
    if vendor == "sqlite":
        count = (
            "SELECT '', count(*) FROM sqlite_master "
            f"WHERE type = 'trigger' AND name GLOB '{PREFIX}*'"
        )
    elif vendor == "postgresql":
        count = (
            "SELECT '', count(*)::text FROM pg_trigger "
            f"WHERE tgname LIKE '{_LIKE_PREFIX}%' AND tgenabled <> 'D'"
        )
    else:
        return None
    return f"SELECT source, token FROM {table} UNION ALL {count}"


def _read_tokens(using: str = DEFAULT_DB_ALIAS) -> dict[str, str] | None:
    """Every table's token by table, in one query; None (cache nothing) when a trigger or a
    token is missing, a trigger is disabled, or on a database without triggers."""
    connection = connections[using]
    sql = _stamp_sql(connection.vendor)
    if sql is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    triggers = next((int(count) for source, count in rows if not source), 0)
    if triggers != len(TABLES) * _triggers_per_table(connection.vendor):
        return None
    tokens = {source: str(token) for source, token in rows if source}
    # A table without its row (deleted by hand) has no generation until its next write.
    if any(model._meta.db_table not in tokens for model in TABLES):
        return None
    return tokens


def _stamp(tokens: dict[str, str], tables: Iterable[type[models.Model]]) -> str:
    """The stamp of some tables: their tokens in a fixed order."""
    return "|".join(tokens[model._meta.db_table] for model in tables)


def read_stamp(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The current generation of every table a board reads, in one query (None: cache
    nothing)."""
    return Generation.read(using).key


def _fingerprint(target: Target, window: tuple[dt.date, dt.date]) -> tuple[Any, ...]:
    """What measuring a target reads of the target itself, and its window."""
    indicator = target.indicator
    scope = MeasureScope.of(target)
    return (
        target.pk,
        target.region_id,
        scope.region_prefix,
        scope.park_id,
        scope.chain_id,
        window,
        indicator.code,
        indicator.source,
        indicator.measure,
        indicator.aggregation,
        indicator.unit,
        json.dumps(indicator.params, sort_keys=True, default=str),
    )


@dataclass(frozen=True)
class Generation:
    """The stamps read at the start of a request (None: cache nothing), so that every cached
    read of the request answers for the same state: `key` of every table a board reads,
    `targets_key` of the target tables alone (the targets a scope sees do not change with a
    weekly report)."""

    key: str | None
    targets_key: str | None

    @classmethod
    def read(cls, using: str = DEFAULT_DB_ALIAS) -> Generation:
        """The current generation."""
        tokens = _read_tokens(using)
        if tokens is None:
            return cls(None, None)
        return cls(_stamp(tokens, TABLES), _stamp(tokens, TARGET_TABLES))


def remember(name: str, parts: Any, stamp: str | None, compute: Callable[[], T]) -> T:
    """What `compute` gives for `parts` (hashable, printable) under a stamp: from the cache,
    or computed and kept (`stamp` None: computed)."""
    if stamp is None:
        return compute()
    digest = hashlib.sha256(repr((stamp, parts)).encode()).hexdigest()
    key = f"targets:{name}:{digest}"
    found: T | None = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def measure_totals(
    targets: Sequence[Target],
    windows: dict[int, tuple[dt.date, dt.date]],
    thresholds: Callable[[Iterable[str]], dict[str, Any]],
    generation: Generation | None = None,
) -> tuple[dict[int, MeasureResult], dict[str, Any]]:
    """The targets' values without items (`measure_many(..., with_items=False)`) and the
    `thresholds` of their regions, from the cache while nothing they are read from and none
    of the targets' measuring fields changed."""

    def measure() -> tuple[dict[int, Decimal | None], dict[str, Any]]:
        results = measure_many(targets, windows, with_items=False)
        values = {pk: result.value for pk, result in results.items()}
        return values, thresholds(target.region_id for target in targets)

    parts = sorted(_fingerprint(target, windows[target.pk]) for target in targets)
    stamp = (generation or Generation.read()).key
    values, found = remember("measured", parts, stamp, measure)
    return {pk: MeasureResult(value) for pk, value in values.items()}, found


# The records the items of a measure name, by the items' URL name. A name is not among the
# columns whose writes renew the tokens (a renamed firm measures the same), so cached items are
# kept without their names, which are read afresh: one query per kind of item.
ITEM_MODELS: dict[str, type[models.Model]] = {
    "enterprises:detail": Enterprise,
    "projects:detail": Project,
}
# A cached target's items: (id, date, URL name, amount) each, in the measure's order.
_Kept = tuple[Decimal | None, list[tuple[int, dt.date, str, Decimal | None]]]


def _item_names(kept: Iterable[_Kept], named: int | None) -> dict[tuple[str, int], str] | None:
    """The current name of each target's first `named` items (all when None), by (URL name,
    id); None when an item is of a kind without its model here or no longer there (a deletion
    renews the stamp: measure afresh)."""
    wanted: dict[str, set[int]] = {}
    for _value, items in kept:
        for pk, _date, url_name, _amount in items[:named]:
            wanted.setdefault(url_name, set()).add(pk)
    names: dict[tuple[str, int], str] = {}
    for url_name, ids in wanted.items():
        model = ITEM_MODELS.get(url_name)
        if model is None:
            return None
        rows = model._base_manager.filter(pk__in=ids).values_list("pk", "name")
        names.update(((url_name, pk), name) for pk, name in rows)
    if any((url_name, pk) not in names for url_name, ids in wanted.items() for pk in ids):
        return None
    return names


def measure_items(
    targets: Sequence[Target],
    windows: dict[int, tuple[dt.date, dt.date]],
    thresholds: Callable[[Iterable[str]], dict[str, Any]],
    generation: Generation | None = None,
    named: int | None = None,
) -> tuple[dict[int, MeasureResult], dict[str, Any]]:
    """The targets' values and items (`measure_many`) and the `thresholds` of their regions,
    from the cache while nothing they are measured from and none of the targets' measuring
    fields changed. The items' names are read afresh (`ITEM_MODELS`): those of each target's
    first `named` items (all when None, as a page lists them); from the cache, the others'
    are left empty (a target of a large county counts over a thousand items)."""
    stamp = (generation or Generation.read()).key
    if stamp is not None:
        parts = sorted(_fingerprint(target, windows[target.pk]) for target in targets)
        digest = hashlib.sha256(repr((stamp, parts)).encode()).hexdigest()
        key = f"targets:measured-items:{digest}"
        found: tuple[dict[int, _Kept], dict[str, Any]] | None = cache.get(key)
        if found is not None:
            kept, points = found
            names = _item_names(kept.values(), named)
            if names is not None:
                return {
                    pk: MeasureResult(
                        value,
                        [
                            Item(pk_, names.get((url, pk_), ""), day, url, amount)
                            for pk_, day, url, amount in items
                        ],
                    )
                    for pk, (value, items) in kept.items()
                }, points
    results = measure_many(targets, windows)
    points = thresholds(target.region_id for target in targets)
    if stamp is not None:
        kept = {
            pk: (
                result.value,
                [(item.id, item.date, item.url_name, item.amount) for item in result.items],
            )
            for pk, result in results.items()
        }
        cache.set(key, (kept, points), CACHE_SECONDS)
    return results, points
