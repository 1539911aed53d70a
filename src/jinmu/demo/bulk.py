"""Bulk INSERTs for the demo: rows go in through `executemany`, past the ORM's per-value
work, with ids assigned here so that rows can refer to each other without reading them back.

- `TableWriter`: tuples of values for a fixed list of columns (the enterprise generator);
- `RowInserter`: model instances as they are (the project ledger);
- `reset_sequences`: on PostgreSQL, move the id sequences past the ids used.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """PostgreSQL: move the id sequences of the models past the ids assigned here (SQLite
    needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class TableWriter:
    """INSERT … VALUES via executemany for the columns we fill; every other column of the model
    gets its default (so a field added later with a default still works)."""

    def __init__(self, model: type[models.Model], provided: Sequence[str]) -> None:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        fields = [
            f for f in model._meta.concrete_fields if f.attname in provided or not f.primary_key
        ]
        self.columns = [str(f.column) for f in fields]
        position = {f.attname: i for i, f in enumerate(fields)}
        self.slots = [position[name] for name in provided]
        template: list[Any] = []
        for f in fields:
            if f.attname in provided:
                template.append(None)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                template.append(now)
            else:
                template.append(f.get_db_prep_save(f.get_default(), connection))
        self.template = template
        quote = connection.ops.quote_name
        self.sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(c) for c in self.columns)}) "
            f"VALUES ({', '.join(['%s'] * len(self.columns))})"
        )

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        full = []
        for row in rows:
            values = list(self.template)
            for slot, value in zip(self.slots, row, strict=True):
                values[slot] = value
            full.append(values)
        if full:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, full)


class RowInserter:
    """INSERTs through executemany, with ids assigned here so that rows can refer to each
    other. `bulk_create` spends most of its time preparing each value through its field; here
    only JSON and date-time values need converting (the database drivers take the rest as
    they are). Every row goes in as the model instance holds it; auto timestamps left empty
    get now. On PostgreSQL the id sequences are moved past the ids used (`finish`)."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.counts: Counter[type[models.Model]] = Counter()

    def insert(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        """Insert the objects (their pk is set)."""
        self.counts[model] += len(objs)
        if not objs:
            return
        top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        for offset, obj in enumerate(objs, start=1):
            obj.pk = top + offset
        fields = list(model._meta.concrete_fields)
        converters: list[Callable[[Any], Any] | None] = []
        for f in fields:
            if isinstance(f, models.JSONField):
                converters.append(partial(f.get_db_prep_save, connection=connection))
            elif isinstance(f, models.DateTimeField):
                converters.append(connection.ops.adapt_datetimefield_value)
            else:
                converters.append(None)
        stamps = {
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        values = []
        for obj in objs:
            for name in stamps:
                if name == "updated_at" or getattr(obj, name) is None:
                    setattr(obj, name, self.now)
            values.append(
                [
                    convert(getattr(obj, f.attname)) if convert else getattr(obj, f.attname)
                    for f, convert in zip(fields, converters, strict=True)
                ]
            )
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(str(f.column)) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        with connection.cursor() as cursor:
            for batch in range(0, len(values), 2000):
                cursor.executemany(sql, values[batch : batch + 2000])
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias

    def finish(self) -> None:
        """PostgreSQL: move the id sequences past the ids assigned (SQLite needs nothing)."""
        reset_sequences(list(self.counts))
