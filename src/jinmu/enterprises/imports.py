"""Import of enterprises and their annual figures from Excel: every row checked, then all saved.

Rows are validated first (cells, scope, duplicates, the models' own rules); if any row has an
error nothing is written and every error is reported by Excel row and column. Otherwise all rows
are written in one transaction, each create or change audited; rows that already match the
database are left alone, so importing the same file twice changes nothing. Lookups (existing
enterprises, towns, parks, industry codes) are fetched in bulk, so the work stays linear. After
the writes, the chain-node statistics of every enterprise written are refreshed at once, in the
same transaction (`jinmu.chains.stats`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from jinmu.chains import stats
from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction, RegionLevel, UnitKind
from jinmu.core.excel import (
    CHOICE,
    INDUSTRY,
    NAMES,
    PARK,
    TEXT,
    TOWN,
    Column,
    parse_cell,
    parse_text,
    parse_uscc,
)
from jinmu.core.imports import (
    EMPTY,
    FieldChange,
    ImportResult,
    RowError,
    RowOutcome,
    RowsOrFile,
    Sheet,
    cell_errors,
    chunks,
    duplicate_errors,
    field_errors,
    index_by,
    load_sheet,
    no_rows_errors,
    pick,
    required_error,
    run_atomically,
    same,
    sort_errors,
)
from jinmu.core.models import Region, Unit
from jinmu.core.places import county_prefix
from jinmu.core.scoping import Scope, ScopeKind, can_edit_enterprises, scope_for
from jinmu.core.uploads import normalise_header
from jinmu.enterprises import excel
from jinmu.enterprises.models import AnnualFigures, Enterprise, IndustryCode
from jinmu.enterprises.services import move_children


@dataclass
class _Plan:
    """A validated row waiting to be written."""

    row: int
    obj: models.Model
    before: dict[str, Any] | None
    is_new: bool
    outcome: RowOutcome


def _load(source: RowsOrFile, columns: Sequence[Column], sheet_name: str) -> Sheet:
    """The sheet, with the file's errors, else a missing required column, else no data rows."""
    sheet = load_sheet(source, columns, sheet_name)
    if not sheet.errors:
        sheet.errors = _header_errors(columns, sheet.present) or no_rows_errors(sheet.rows)
    return sheet


def _header_errors(columns: Sequence[Column], present: set[str]) -> list[RowError]:
    return [
        RowError(
            1,
            column.header,
            _(
                "The required column “{column}” is missing from the header row. Use the "
                "downloadable template, and check that you chose what the workbook holds."
            ).format(column=column.header),
            "missing_column",
        )
        for column in columns
        if column.required and column.header not in present
    ]


def _model_errors(exc: ValidationError, row: int, by_field: Mapping[str, Column]) -> list[RowError]:
    """A model's ValidationError as row errors under the matching column headers."""
    headers = {name: column.header for name, column in by_field.items()}
    return field_errors(row, exc, headers, code="model")


def _scope_for_import(actor: Any) -> Scope:
    """The scope an import works in; refuse users who may not edit enterprises."""
    scope = scope_for(actor)
    if not can_edit_enterprises(actor) or scope.kind not in (
        ScopeKind.REGION,
        ScopeKind.TOWN,
        ScopeKind.PARK,
    ):
        raise PermissionDenied(_("You may not import enterprise data."))
    return scope


# -- enterprises ---------------------------------------------------------------------------------


@dataclass
class _Places:
    """Towns and parks the user may name, looked up once per import."""

    scope: Scope
    default_region: Region | None
    own_park: Unit | None
    towns: dict[str, list[Region]]
    parks: dict[str, list[Unit]]
    region_names: dict[str, str]
    town_names: dict[str, str]
    park_names: dict[int, str]
    park_towns: dict[int, str | None]
    names: dict[str, dict[Any, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Names for the preview (any region, not only towns), keyed by column kind.
        self.names = {TOWN: dict(self.region_names), PARK: dict(self.park_names)}


def _places(actor: Any, scope: Scope) -> _Places:
    prefix = county_prefix(scope)
    regions = list(Region.objects.filter(code__startswith=prefix)) if prefix else []
    towns = index_by(
        (region for region in regions if region.level == RegionLevel.TOWN),
        lambda region: region.name,
        lambda region: region.code,
    )
    park_units = (
        list(Unit.objects.filter(kind=UnitKind.PARK, region__code__startswith=prefix[:6]))
        if prefix
        else []
    )
    parks = index_by(park_units, lambda park: park.name, lambda park: park.short_name)
    by_code = {region.code: region for region in regions}
    own_park = next((p for p in park_units if p.pk == scope.unit_id), None)
    default_region: Region | None
    if scope.kind is ScopeKind.TOWN:
        default_region = by_code.get(scope.region_code)
    elif scope.kind is ScopeKind.PARK:
        default_region = (
            by_code.get(own_park.town_region_id) if own_park and own_park.town_region_id else None
        ) or (own_park.region if own_park else None)
    else:
        default_region = actor.region or (actor.unit.region if actor.unit else None)
    return _Places(
        scope=scope,
        default_region=default_region,
        own_park=own_park,
        towns=towns,
        parks=parks,
        region_names={region.code: region.name for region in regions},
        town_names={r.code: r.name for r in regions if r.level == RegionLevel.TOWN},
        park_names={park.pk: park.name for park in park_units},
        park_towns={park.pk: park.town_region_id for park in park_units},
    )


def _industry_lookup() -> dict[str, str]:
    """Code, and code without its section letter, → stored code (the table is small)."""
    lookup: dict[str, str] = {}
    for code in IndustryCode.objects.values_list("code", flat=True):
        lookup[code.upper()] = code
        if code[:1].isalpha() and code[1:]:
            lookup.setdefault(code[1:], code)
    return lookup


def _parse_enterprise_cells(
    cells: Mapping[str, Any],
    present: set[str],
    *,
    places: _Places,
    industries: dict[str, str],
    choice_lookups: dict[str, dict[str, str]],
) -> tuple[dict[str, Any], list[tuple[Column, ValidationError]]]:
    """Parsed values by field for the columns present, and the cell errors."""
    values: dict[str, Any] = {}
    errors: list[tuple[Column, ValidationError]] = []
    for column in excel.ENTERPRISE_COLUMNS:
        if column.header not in present:
            continue
        raw = cells.get(column.header)
        try:
            if raw is None:
                if column.required:
                    raise required_error(column)
                values[column.field] = None
                continue
            if column.kind == TOWN:
                values[column.field] = pick(places.towns, raw, _("town"))
            elif column.kind == PARK:
                values[column.field] = pick(places.parks, raw, _("park"))
            elif column.kind == INDUSTRY:
                # "C3311" or "3311", also "C3311 金属结构制造" as some lists write it.
                words = parse_text(raw).split()
                code = industries.get(normalise_header(words[0]).upper()) if words else None
                if code is None:
                    raise ValidationError(
                        _(
                            "Industry code “{code}” is not in GB/T 4754-2017. Write a code such "
                            "as C3311 or C33."
                        ).format(code=parse_text(raw)),
                        code="unknown_industry",
                    )
                values[column.field] = code
            elif column.kind == CHOICE:
                values[column.field] = excel.parse_choice(
                    raw, field=column.field, lookup=choice_lookups[column.field]
                )
            else:
                values[column.field] = parse_cell(column, raw)
        except ValidationError as exc:
            errors.append((column, exc))
    return values, errors


def _place_enterprise(
    values: dict[str, Any], current: Enterprise | None, places: _Places
) -> tuple[str | None, int | None, list[tuple[str, str]]]:
    """The region code and park of a row after the scope rules, and (column, message) errors."""
    errors: list[tuple[str, str]] = []
    town_header, park_header = "所在乡镇", "所在园区"
    scope = places.scope
    if "park" in values:
        park: Unit | None = values["park"]
        park_id = park.pk if park else None
    else:
        park_id = current.park_id if current else None
    if scope.kind is ScopeKind.PARK and park_id is None:
        park_id = scope.unit_id
    park_town = places.park_towns.get(park_id) if park_id else None

    if "region" in values and values["region"] is not None:
        region_code: str | None = values["region"].code
        if park_town and region_code != park_town:
            errors.append(
                (
                    park_header,
                    _("Park “{park}” lies in {town}, not in {other}.").format(
                        park=places.park_names.get(park_id or 0, ""),
                        town=places.town_names.get(park_town, park_town),
                        other=places.region_names.get(region_code or "", region_code),
                    ),
                )
            )
    elif park_town:
        region_code = park_town
    elif "region" not in values and current is not None:
        region_code = current.region_id
    else:
        region_code = places.default_region.code if places.default_region else None

    if scope.kind is ScopeKind.TOWN and region_code != scope.region_code:
        errors.append(
            (
                town_header,
                _("You can only import enterprises located in {town}.").format(
                    town=places.town_names.get(scope.region_code, scope.region_code)
                ),
            )
        )
    if scope.kind is ScopeKind.PARK and park_id != scope.unit_id:
        errors.append(
            (
                park_header,
                _("You can only import enterprises located in {park}.").format(
                    park=places.park_names.get(scope.unit_id or 0, "")
                ),
            )
        )
    if region_code is None:
        errors.append((town_header, _("Choose the town the enterprise is located in.")))
    return region_code, park_id, errors


def _assign(obj: models.Model, column: Column, value: Any, *, is_new: bool) -> None:
    """Put a parsed cell value on the model (blank cells clear, except choices on updates)."""
    if column.kind in (TOWN, PARK):
        return  # placed by _place_enterprise
    if column.kind == INDUSTRY:
        obj.industry_id = value  # type: ignore[attr-defined]
        return
    if column.kind == CHOICE and value is None:
        if is_new:
            model_field = obj._meta.get_field(column.field)
            assert isinstance(model_field, models.Field)
            setattr(obj, column.field, model_field.get_default())
        return
    if value is None and column.kind == TEXT:
        value = ""
    if value is None and column.kind == NAMES:
        value = []
    setattr(obj, column.field, value)


def _changes(
    columns: Sequence[Column],
    before: Mapping[str, Any],
    obj: models.Model,
    names: dict[str, dict[Any, str]],
    *,
    is_new: bool,
) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for column in columns:
        if column.field not in before:
            continue
        old = before[column.field]
        new = excel.model_value(column, obj)
        if not is_new and same(old, new):
            continue
        if is_new and new in EMPTY:
            continue
        changes.append(
            FieldChange(
                column.header,
                "" if is_new else excel.display_value(column, old, names=names),
                excel.display_value(column, new, names=names),
            )
        )
    return changes


def _import(
    kind: str,
    *,
    rows_or_file: RowsOrFile,
    dry_run: bool,
    validate: Callable[[Sheet, ImportResult], list[_Plan]],
    write: Callable[[list[_Plan]], None],
) -> ImportResult:
    """Load the sheet, validate every row, and write them all (unless it is a dry run or a row
    failed) in one transaction."""
    columns = excel.COLUMNS[kind]
    result = ImportResult(kind=kind, dry_run=dry_run)
    sheet = _load(rows_or_file, columns, excel.SHEETS[kind])
    result.ignored_columns = sheet.ignored
    if sheet.errors:
        result.errors = sheet.errors
        return result
    plans: list[_Plan] = []

    def work() -> None:
        plans[:] = validate(sheet, result)
        if not result.errors and not dry_run:
            write(plans)

    run_atomically(result, work)
    _fill_outcomes(result, plans if result.ok else [])
    result.errors = sort_errors(result.errors, columns)
    return result


def import_enterprises(*, actor: Any, rows_or_file: RowsOrFile, dry_run: bool) -> ImportResult:
    """Create or update enterprises from a sheet; nothing is saved unless every row is valid."""
    scope = _scope_for_import(actor)

    def validate(sheet: Sheet, result: ImportResult) -> list[_Plan]:
        return _validate_enterprises(actor, scope, sheet.rows, sheet.present, result)

    def write(plans: list[_Plan]) -> None:
        written = _write(plans, actor=actor)
        # A firm moved to another town takes its figures, qualifications and links along.
        moved = [
            plan.obj
            for plan in written
            if isinstance(plan.obj, Enterprise)
            and plan.before is not None
            and plan.before.get("region_id") != plan.obj.region_id
        ]
        move_children(moved)
        # New enterprises are on no node yet; changed ones may have a new status or place.
        stats.refresh_for_enterprises(plan.obj.pk for plan in written if not plan.is_new)

    return _import(
        excel.ENTERPRISES,
        rows_or_file=rows_or_file,
        dry_run=dry_run,
        validate=validate,
        write=write,
    )


def _validate_enterprises(
    actor: Any,
    scope: Scope,
    rows: list[tuple[int, dict[str, Any]]],
    present: set[str],
    result: ImportResult,
) -> list[_Plan]:
    columns = excel.ENTERPRISE_COLUMNS
    by_field = {column.field: column for column in columns}
    uscc_column = by_field["uscc"]
    places = _places(actor, scope)
    industries = _industry_lookup() if "行业代码" in present else {}
    choice_lookups = {name: excel.choice_lookup(name) for name in excel.CHOICES}

    codes: list[str] = []
    for _row, cells in rows:
        try:
            codes.append(parse_uscc(cells.get(uscc_column.header)))
        except ValidationError:
            continue
    unique_codes = sorted(set(codes))
    existing_anywhere: set[str] = set()
    mine: dict[str, Enterprise] = {}
    for chunk in chunks(unique_codes):
        existing_anywhere.update(
            Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True)
        )
    to_fetch = sorted(existing_anywhere)
    for chunk in chunks(to_fetch):
        queryset = Enterprise.objects.for_user(actor).filter(uscc__in=chunk)
        if not result.dry_run:
            queryset = queryset.select_for_update(of=("self",))
        mine.update((enterprise.uscc, enterprise) for enterprise in queryset)

    plans: list[_Plan] = []
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for number, cells in rows:
        values, failures = _parse_enterprise_cells(
            cells, present, places=places, industries=industries, choice_lookups=choice_lookups
        )
        row_errors = [
            error for column, exc in failures for error in cell_errors(number, column, exc)
        ]
        failed = {column.field for column, _exc in failures}
        code = values.get("uscc")
        current: Enterprise | None = None
        if code:
            rows_by_code[code].append(number)
            current = mine.get(code)
            if current is None and code in existing_anywhere:
                row_errors.append(
                    RowError(
                        number,
                        uscc_column.header,
                        _(
                            "An enterprise with this credit code is registered outside your area; "
                            "you cannot change it. Ask the industry office if it has moved."
                        ),
                        "out_of_scope",
                    )
                )
        is_new = current is None
        obj = current if current is not None else Enterprise(uscc=code or "")
        before_snapshot = None if is_new else snapshot(obj)
        before_values = {
            column.field: excel.model_value(column, obj)
            for column in columns
            if column.header in present or column.kind in (TOWN, PARK)
        }
        for column in columns:
            if column.header in present and column.field not in failed:
                _assign(obj, column, values.get(column.field), is_new=is_new)
        placing = {k: v for k, v in values.items() if k in ("region", "park")}
        region_code, park_id, place_errors = _place_enterprise(placing, current, places)
        row_errors += [
            RowError(number, header, message, "scope") for header, message in place_errors
        ]
        obj.region_id = region_code  # type: ignore[assignment]
        obj.park_id = park_id
        # The founding date, coordinates and text are checked by the model's own validators
        # (`jinmu.core.validators`), the same ones the forms and the API use.
        try:
            obj.full_clean(
                exclude=[*failed, "uscc", "region", "park", "industry"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            row_errors += _model_errors(exc, number, by_field)
        result.errors += row_errors
        if row_errors:
            continue
        changes = _changes(columns, before_values, obj, places.names, is_new=is_new)
        outcome = RowOutcome(number, obj.uscc, obj.name, changes)
        plans.append(_Plan(number, obj, before_snapshot, is_new, outcome))

    result.errors += duplicate_errors(
        rows_by_code,
        uscc_column.header,
        _("This credit code also appears in row {rows}; each enterprise may appear only once."),
    )
    return plans


def _write(plans: Iterable[_Plan], *, actor: Any) -> list[_Plan]:
    """Save the created and changed rows, each with its audit entry (unchanged rows untouched);
    return the plans written."""
    written: list[_Plan] = []
    for plan in plans:
        if plan.is_new:
            plan.obj.save()
            record_change(obj=plan.obj, action=AuditAction.CREATE, actor=actor, before=None)
        elif plan.outcome.changes:
            plan.obj.version = plan.obj.version + 1  # type: ignore[attr-defined]
            plan.obj.save()
            record_change(obj=plan.obj, action=AuditAction.UPDATE, actor=actor, before=plan.before)
        else:
            continue
        written.append(plan)
    return written


def _fill_outcomes(result: ImportResult, plans: Iterable[_Plan]) -> None:
    for plan in plans:
        if plan.is_new:
            result.created.append(plan.outcome)
        elif plan.outcome.changes:
            result.updated.append(plan.outcome)
        else:
            result.unchanged.append(plan.outcome)


# -- annual figures ------------------------------------------------------------------------------


def import_annual_figures(*, actor: Any, rows_or_file: RowsOrFile, dry_run: bool) -> ImportResult:
    """Create or update annual figures (by credit code and year); all rows valid or none saved."""
    _scope_for_import(actor)

    def validate(sheet: Sheet, result: ImportResult) -> list[_Plan]:
        return _validate_figures(actor, sheet.rows, sheet.present, result)

    def write(plans: list[_Plan]) -> None:
        written = _write(plans, actor=actor)
        stats.refresh_for_enterprises(
            plan.obj.enterprise_id  # type: ignore[attr-defined]
            for plan in written
        )

    return _import(
        excel.FIGURES,
        rows_or_file=rows_or_file,
        dry_run=dry_run,
        validate=validate,
        write=write,
    )


def _validate_figures(
    actor: Any,
    rows: list[tuple[int, dict[str, Any]]],
    present: set[str],
    result: ImportResult,
) -> list[_Plan]:
    columns = excel.FIGURE_COLUMNS
    by_field = {column.field: column for column in columns}
    uscc_column, year_column = by_field["uscc"], by_field["year"]
    figure_columns = [c for c in columns if c.field not in ("uscc", "year")]

    parsed: list[tuple[int, dict[str, Any], list[tuple[Column, ValidationError]]]] = []
    for number, cells in rows:
        values: dict[str, Any] = {}
        errors: list[tuple[Column, ValidationError]] = []
        for column in columns:
            if column.header not in present:
                continue
            raw = cells.get(column.header)
            try:
                if raw is None and column.required:
                    raise required_error(column)
                values[column.field] = parse_cell(column, raw)
            except ValidationError as exc:
                errors.append((column, exc))
        parsed.append((number, values, errors))

    codes = sorted({values["uscc"] for _n, values, _e in parsed if values.get("uscc")})
    years = sorted({values["year"] for _n, values, _e in parsed if values.get("year")})
    enterprises: dict[str, tuple[int, str, str]] = {}
    for chunk in chunks(codes):
        enterprises.update(
            (uscc, (pk, name, region_id))
            for pk, uscc, name, region_id in Enterprise.objects.for_user(actor)
            .filter(uscc__in=chunk)
            .values_list("pk", "uscc", "name", "region_id")
        )
    existing: dict[tuple[int, int], AnnualFigures] = {}
    enterprise_ids = sorted(pk for pk, _name, _region in enterprises.values())
    for chunk in chunks(enterprise_ids):
        queryset = AnnualFigures.objects.filter(enterprise_id__in=chunk, year__in=years)
        if not result.dry_run:
            queryset = queryset.select_for_update(of=("self",))
        existing.update(((f.enterprise_id, f.year), f) for f in queryset)

    plans: list[_Plan] = []
    rows_by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
    for number, values, failures in parsed:
        row_errors = [
            error for column, exc in failures for error in cell_errors(number, column, exc)
        ]
        failed = {column.field for column, _exc in failures}
        code, year = values.get("uscc"), values.get("year")
        enterprise = enterprises.get(code) if code else None
        if code and enterprise is None:
            row_errors.append(
                RowError(
                    number,
                    uscc_column.header,
                    _(
                        "No enterprise with this credit code is registered in your area. "
                        "Import the enterprise first (enterprises template), then its figures."
                    ),
                    "unknown_enterprise",
                )
            )
        if code and year:
            rows_by_key[(code, year)].append(number)
        if enterprise is None or not year:
            result.errors += row_errors
            continue
        enterprise_id, name, region_id = enterprise
        current = existing.get((enterprise_id, year))
        is_new = current is None
        obj = current or AnnualFigures(enterprise_id=enterprise_id, year=year, region_id=region_id)
        before_snapshot = None if is_new else snapshot(obj)
        before_values = {
            column.field: getattr(obj, column.field)
            for column in figure_columns
            if column.header in present
        }
        for column in figure_columns:
            if column.header in present and column.field not in failed:
                setattr(obj, column.field, values.get(column.field))
        try:
            obj.full_clean(
                exclude=[*failed, "enterprise", "region"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            row_errors += _model_errors(exc, number, by_field)
        result.errors += row_errors
        if row_errors:
            continue
        changes = _changes(figure_columns, before_values, obj, {}, is_new=is_new)
        outcome = RowOutcome(number, f"{code} · {year}", name, changes)
        plans.append(_Plan(number, obj, before_snapshot, is_new, outcome))

    result.errors += duplicate_errors(
        rows_by_key,
        year_column.header,
        _(
            "Figures for this credit code and year also appear in row {rows}; keep one row per "
            "enterprise and year."
        ),
    )
    return plans
