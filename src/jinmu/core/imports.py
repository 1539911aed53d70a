"""Machinery shared by every Excel import: what an import reports, and the steps every import
takes (load the sheet, turn problems into errors by row and column, run all-or-nothing).

An import checks every row before anything stays: if any row has an error nothing is saved and
every error is reported with its Excel row and column header; otherwise the result lists the
rows created, changed and left unchanged (a dry run lists what confirming would do).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils.translation import gettext as _

from jinmu.core.excel import Column, parse_text
from jinmu.core.uploads import UploadError, clean_cell, normalise_header, read_rows

CHUNK = 500  # keeps `IN (…)` lists well below every database's parameter limit
EMPTY: tuple[Any, ...] = (None, "", [], ())  # what an empty cell or blank value looks like
_T = TypeVar("_T")

RowsOrFile = Any  # a path, bytes, an open file, an UploadedFile, or an iterable of dict rows
Cells = dict[str, Any]


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row (None for the whole file), the column header, the message."""

    row: int | None
    column: str
    message: str
    code: str = "invalid"


@dataclass(frozen=True)
class FieldChange:
    """One column of one row, before and after the import (as shown in the sheet)."""

    column: str
    before: str
    after: str


@dataclass
class RowOutcome:
    """What the import does (or would do) with one row."""

    row: int
    key: str
    label: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportResult:
    """Outcome of an import or dry run: errors, or the rows created, updated and unchanged."""

    kind: str
    dry_run: bool
    errors: list[RowError] = field(default_factory=list)
    created: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    unchanged: list[RowOutcome] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no row has an error."""
        return not self.errors

    @property
    def row_count(self) -> int:
        """Data rows read."""
        return len(self.created) + len(self.updated) + len(self.unchanged)

    @property
    def has_changes(self) -> bool:
        """True when confirming would write something."""
        return bool(self.created or self.updated)

    def summary(self) -> str:
        """What a finished import says: rows created, updated and left as they were."""
        return _(
            "Import finished: {created} created, {updated} updated, {unchanged} unchanged."
        ).format(
            created=len(self.created),
            updated=len(self.updated),
            unchanged=len(self.unchanged),
        )

    def error_lines(self, limit: int = 5) -> str:
        """The first errors on one line, each as 第N行 column: message."""
        lines = []
        for error in self.errors[:limit]:
            where = _("Row %(row)s") % {"row": error.row} if error.row else ""
            lines.append(f"{where} {error.column}: {error.message}".strip())
        return "; ".join(lines)


def chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    """Slices that keep `IN (…)` lists below every database's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during a large import: the hundreds of thousands
    of objects a sheet of thousands of rows makes would set off full collections over all of
    them again and again (a tenth of the run), and what an import makes is freed when it ends
    without the collector's help."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- loading the sheet ---------------------------------------------------------------------------


@dataclass
class Sheet:
    """The data rows of an upload keyed by the spec's headers, the headers present, the columns
    ignored, and the errors that stop the import before any row is read."""

    rows: list[tuple[int, Cells]] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    ignored: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _is_file(source: RowsOrFile) -> bool:
    return isinstance(source, str | bytes | os.PathLike) or hasattr(source, "read")


def load_sheet(source: RowsOrFile, columns: Sequence[Column], sheet_name: str) -> Sheet:
    """Read a workbook (checked by `jinmu.core.uploads`; refusals and a header named twice
    become file errors), or number an iterable of dict rows the way a sheet would."""
    headers = [column.header for column in columns]
    if not _is_file(source):
        return _sheet_from_dicts(source, headers)
    sheet = Sheet()
    try:
        table = read_rows(source, headers=headers, sheet_names=[sheet_name])
        try:
            sheet.errors = [
                RowError(
                    1,
                    header,
                    _("The column “{column}” appears twice in the header row; keep one.").format(
                        column=header
                    ),
                    "duplicate_column",
                )
                for header in table.duplicates
            ]
            if not sheet.errors:
                sheet.rows = list(table.rows)
        finally:
            table.close()
    except UploadError as exc:
        sheet.errors = [RowError(None, "", message, exc.code or "file") for message in exc.messages]
        return sheet
    sheet.present = set(table.columns) - set(table.unknown)
    sheet.ignored = list(table.unknown)
    return sheet


def _sheet_from_dicts(source: Iterable[Mapping[str, Any]], headers: Sequence[str]) -> Sheet:
    by_header = {normalise_header(h): h for h in headers}
    sheet = Sheet()
    ignored: dict[str, None] = {}
    for number, raw in enumerate(source, start=2):
        cells: Cells = {}
        for key, value in dict(raw).items():
            header = by_header.get(normalise_header(key))
            if header is None:
                ignored[str(key)] = None
                continue
            sheet.present.add(header)
            cells[header] = clean_cell(value)
        if any(value is not None for value in cells.values()):
            sheet.rows.append((number, cells))
    sheet.ignored = list(ignored)
    return sheet


def no_rows_errors(rows: Sequence[Any]) -> list[RowError]:
    """The error of a sheet without data rows (none when it has rows)."""
    if rows:
        return []
    return [
        RowError(
            None,
            "",
            _("The sheet has no data rows. Fill in one row per record below the header row."),
            "no_rows",
        )
    ]


# -- errors --------------------------------------------------------------------------------------


def required_error(column: Column) -> ValidationError:
    """The error of an empty cell in a required column."""
    return ValidationError(
        _("{column} is required; fill in this cell.").format(column=column.header),
        code="required",
    )


def cell_errors(number: int, column: Column, exc: ValidationError) -> list[RowError]:
    """A cell's ValidationError as row errors under its column."""
    return [RowError(number, column.header, m, exc.code or "invalid") for m in exc.messages]


def field_errors(
    number: int,
    exc: ValidationError,
    headers: Mapping[str, str],
    *,
    code: str = "refused",
    fallback: str = "",
) -> list[RowError]:
    """A model's or a service's ValidationError as row errors under the columns of the fields
    it names (`headers`: field → column header; other fields go under `fallback`)."""
    if not hasattr(exc, "error_dict"):
        return [RowError(number, fallback, m, exc.code or code) for m in exc.messages]
    errors: list[RowError] = []
    for name, messages in exc.message_dict.items():
        header = "" if name == NON_FIELD_ERRORS else headers.get(name, fallback)
        errors.extend(RowError(number, header, str(m), code) for m in messages)
    return errors


def duplicate_errors(
    rows_by_key: Mapping[Any, list[int]], column: str, message_template: str
) -> list[RowError]:
    """An error on every row whose key appears on other rows too (`{rows}`: the others)."""
    errors: list[RowError] = []
    for rows in rows_by_key.values():
        if len(rows) < 2:
            continue
        for row in rows:
            others = "、".join(str(other) for other in rows if other != row)
            errors.append(RowError(row, column, message_template.format(rows=others), "duplicate"))
    return errors


def sort_errors(
    errors: list[RowError], columns: Sequence[Column], *, then_by_message: bool = False
) -> list[RowError]:
    """Errors in row order, then in the order of the columns (file errors first)."""
    order = {column.header: index for index, column in enumerate(columns)}
    if then_by_message:
        return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, -1), e.message))
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, -1)))


def concurrent_error() -> RowError:
    """The error of an import that collided with someone else's writes."""
    return RowError(
        None,
        "",
        _(
            "Someone else changed the same records while this import ran; nothing was saved. "
            "Check the file again and import it once more."
        ),
        "concurrent",
    )


def run_atomically(result: ImportResult, work: Callable[[], None]) -> None:
    """Do the work in one transaction; roll it back for a dry run or when a row failed."""
    try:
        with transaction.atomic():
            work()
            if result.errors or result.dry_run:
                transaction.set_rollback(True)
    except IntegrityError:
        result.errors.append(concurrent_error())


def insert_rows(objects: Sequence[models.Model]) -> None:
    """INSERT new rows of one model in batches, as `save()` would (defaults and timestamps
    filled in, ids set on the objects in order); custom `save()` logic is the caller's to apply.

    Multi-row INSERTs that return the new ids, their values prepared by the fields themselves:
    `bulk_create` compiles every value as a possible SQL expression, which on a sheet of
    thousands of rows costs more than the INSERTs. Anything unusual (rows with ids, inherited
    models, a database that cannot return the ids) goes through `bulk_create`."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    pk = meta.pk
    fields = [field for field in meta.local_concrete_fields if field is not pk]
    if (
        not connection.features.can_return_rows_from_bulk_insert
        or meta.parents
        or not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        or any(field.generated or hasattr(field, "get_placeholder") for field in fields)
        or any(obj.pk is not None for obj in objects)
    ):
        model._default_manager.bulk_create(objects, batch_size=CHUNK)
        return
    quote = connection.ops.quote_name
    # Every backend that can return the rows of a bulk INSERT says how (not in Django's stubs).
    returning, _params = connection.ops.return_insert_columns([pk])  # type: ignore[attr-defined]
    columns = ", ".join(quote(str(field.column)) for field in fields)
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(CHUNK, connection.ops.bulk_batch_size(fields, objects)))
    prepare = _row_values(fields, connection, add=True)
    with connection.cursor() as cursor:
        for batch in chunks(objects, size):
            params = [value for obj in batch for value in prepare(obj)]
            cursor.execute(f"{head}VALUES {', '.join([row] * len(batch))} {returning}", params)
            for obj, (new_id,) in zip(batch, cursor.fetchall(), strict=True):
                obj.pk = new_id
                obj._state.adding = False
                obj._state.db = connection.alias


def update_rows(objects: Sequence[models.Model]) -> None:
    """UPDATE every column of existing rows of one model, as `save()` would (auto_now
    timestamps renewed), in one `executemany`: the same small statement per row, prepared
    once, where `bulk_update` would build a CASE per column over the whole batch."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.primary_key and not field.generated
    ]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"
    prepare = _row_values(fields, connection, add=False)
    params = [[*prepare(obj), obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# get_prep_value → the types of value it hands on unchanged (given the usual `to_python`).
_PASS_THROUGH: dict[Any, tuple[type, ...]] = {
    models.CharField.get_prep_value: (str, type(None)),
    models.TextField.get_prep_value: (str, type(None)),
    models.IntegerField.get_prep_value: (int, type(None)),
}
_TEXT_TO_PYTHON = (models.CharField.to_python, models.TextField.to_python)


def _unchanged_types(field: Any, connection: Any) -> tuple[type, ...]:
    """The types of value that `field.get_db_prep_save` returns as they are (none when the
    field or one of its preparing methods is not Django's plain one)."""
    kind = type(field)
    if isinstance(field, models.ForeignKey):
        if kind.get_db_prep_save is not models.ForeignKey.get_db_prep_save:
            return ()
        target = _unchanged_types(field.target_field, connection)
        # A foreign key stores "" as NULL where its target or the database wants it so.
        if not field.target_field.empty_strings_allowed or (
            connection.features.interprets_empty_strings_as_nulls
        ):
            target = tuple(t for t in target if t is not str)
        return target
    if (
        kind.get_db_prep_save is not models.Field.get_db_prep_save
        or kind.get_db_prep_value is not models.Field.get_db_prep_value
    ):
        return ()
    types = _PASS_THROUGH.get(kind.get_prep_value, ())
    if str in types and kind.to_python not in _TEXT_TO_PYTHON:
        return ()
    return types


def _row_values(
    fields: Sequence[Any], connection: Any, *, add: bool
) -> Callable[[models.Model], list[Any]]:
    """How one row's values are prepared for an INSERT or UPDATE, as `save()` would: each
    field's `pre_save` and `get_db_prep_save`, skipped where they hand the value on unchanged
    (text in a text column, a whole number in an integer one: most cells of an import)."""
    steps = [
        (
            field,
            field.attname,
            type(field).pre_save is models.Field.pre_save,
            _unchanged_types(field, connection),
        )
        for field in fields
    ]

    def prepare(obj: models.Model) -> list[Any]:
        values = []
        for column, attname, plain_read, unchanged in steps:
            value = getattr(obj, attname) if plain_read else column.pre_save(obj, add)
            if type(value) not in unchanged:
                value = column.get_db_prep_save(value, connection)
            values.append(value)
        return values

    return prepare


# -- the model's own rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class _FieldStep:
    """How one field of a model is checked (see `ModelCheck`)."""

    field: Any
    name: str
    attname: str
    blank: bool
    empty: Sequence[Any]
    quick: bool  # Django's own clean, validate and run_validators: its steps can be taken here
    choices: frozenset[Any] | None


class ModelCheck:
    """`full_clean(exclude=…, validate_unique=False, validate_constraints=False)` for many rows
    of one model: the same checks, in the same order, with the same errors.

    A value that passes is checked by calling the field's `to_python` and validators directly,
    without Django's layers of calls per field (a sheet of thousands of rows makes that the
    larger part of the check); a value that fails anything, and every field of an unusual kind,
    goes through the field's own `clean`, which raises the error `full_clean` raises."""

    def __init__(self, model: type[models.Model]) -> None:
        self.steps = [_field_step(field) for field in model._meta.fields if not field.generated]

    def full_clean(self, obj: models.Model, exclude: Iterable[str]) -> None:
        """Raise the ValidationError `obj.full_clean` would raise (with these arguments)."""
        skip = set(exclude)
        failed: dict[str, Any] = {}
        for step in self.steps:
            if step.name in skip:
                continue
            raw = getattr(obj, step.attname)
            if (step.blank and raw in step.empty) or isinstance(raw, DatabaseDefault):
                continue
            if step.quick and _passes(step, raw, obj):
                continue
            try:
                setattr(obj, step.attname, step.field.clean(raw, obj))
            except ValidationError as exc:
                failed[step.name] = exc.error_list
        errors: dict[str, Any] = {}
        if failed:
            errors = ValidationError(failed).update_error_dict(errors)
        try:
            obj.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def _field_step(field: Any) -> _FieldStep:
    kind = type(field)
    quick = (
        kind.clean is models.Field.clean
        and kind.validate is models.Field.validate
        and kind.run_validators is models.Field.run_validators
    )
    choices = None
    if field.choices is not None:
        keys = [key for key, _label in field.flatchoices]
        quick = quick and all(type(key) is str for key in keys)
        choices = frozenset(keys)
    return _FieldStep(
        field=field,
        name=field.name,
        attname=field.attname,
        blank=field.blank,
        empty=field.empty_values,
        quick=quick,
        choices=choices,
    )


def _passes(step: _FieldStep, raw: Any, obj: models.Model) -> bool:
    """True (the cleaned value set on `obj`) when the value certainly passes `field.clean`:
    converted, not empty, one of the choices, accepted by every validator."""
    field = step.field
    try:
        value = field.to_python(raw)
        if value is None or value in step.empty:
            return False
        if step.choices is not None and (type(value) is not str or value not in step.choices):
            return False
        for validator in field.validators:
            validator(value)
    except ValidationError:
        return False
    if value is not raw:
        setattr(obj, step.attname, value)
    return True


# -- comparing and looking up --------------------------------------------------------------------


def same(old: Any, new: Any) -> bool:
    """True when a stored value and an imported one are the same (all blanks are alike)."""
    if old in EMPTY and new in EMPTY:
        return True
    return bool(old == new)


def index_by(items: Iterable[_T], *keys: Callable[[_T], str]) -> dict[str, list[_T]]:
    """The items under each of their keys (normalised with `normalise_header`), for `pick`."""
    index: dict[str, list[_T]] = defaultdict(list)
    for item in items:
        for key in keys:
            text = normalise_header(key(item))
            if text and item not in index[text]:
                index[text].append(item)
    return index


def pick(index: Mapping[str, list[_T]], raw: Any, what: str) -> _T:
    """The one row a cell names in an `index_by` index; unknown and ambiguous names are
    refused (`what` names the kind of row, e.g. “town”)."""
    text = parse_text(raw)
    found = index.get(normalise_header(text), [])
    if not found:
        raise ValidationError(
            _("Unknown {what} “{value}”. Choose one from the dropdown in the template.").format(
                what=what, value=text
            ),
            code="unknown",
        )
    if len({getattr(item, "pk", id(item)) for item in found}) > 1:
        raise ValidationError(
            _("“{value}” matches several {what}s; write the full name.").format(
                value=text, what=what
            ),
            code="ambiguous",
        )
    return found[0]
