"""Checking the rows of an enterprise import: cells, place and scope, credit codes already
registered, the model's rules. Lookups (towns, parks, industry codes, existing enterprises) are
fetched in bulk, so the work stays linear in the number of rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from jinmu.core.audit import snapshot
from jinmu.core.choices import RegionLevel, UnitKind
from jinmu.core.excel import (
    CHOICE,
    INDUSTRY,
    NAMES,
    PARK,
    TEXT,
    TOWN,
    USCC,
    Column,
    parse_cell,
    parse_text,
)
from jinmu.core.imports import (
    ImportResult,
    RowError,
    chunks,
    duplicate_errors,
    index_by,
    pick,
)
from jinmu.core.models import Region, Unit
from jinmu.core.places import county_prefix
from jinmu.core.regions import county_code
from jinmu.core.scoping import Scope, ScopeKind
from jinmu.core.types import User
from jinmu.core.uploads import normalise_header
from jinmu.enterprises import excel
from jinmu.enterprises.imports.rows import (
    Draft,
    Plan,
    check_model,
    failure_errors,
    parse_cells,
    plan_row,
)
from jinmu.enterprises.models import Enterprise, IndustryCode

TOWN_HEADER, PARK_HEADER = "所在乡镇", "所在园区"
# Each column with the model attribute behind it (`excel.model_value`), named once.
_MODEL_ATTRIBUTES = tuple(
    (column, f"{column.field}_id" if column.kind in (TOWN, PARK, INDUSTRY) else column.field)
    for column in excel.ENTERPRISE_COLUMNS
)


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


def _default_region(
    actor: User, scope: Scope, by_code: dict[str, Region], own_park: Unit | None
) -> Region | None:
    """Where a row that names no town lies: the user's town, park or region."""
    if scope.kind is ScopeKind.TOWN:
        return by_code.get(scope.region_code)
    if scope.kind is ScopeKind.PARK:
        return (
            by_code.get(own_park.town_region_id) if own_park and own_park.town_region_id else None
        ) or (own_park.region if own_park else None)
    return actor.region or (actor.unit.region if actor.unit else None)


def _places(actor: User, scope: Scope) -> _Places:
    prefix = county_prefix(scope)
    regions = list(Region.objects.filter(code__startswith=prefix)) if prefix else []
    towns = index_by(
        (region for region in regions if region.level == RegionLevel.TOWN),
        lambda region: region.name,
        lambda region: region.code,
    )
    park_units = (
        list(Unit.objects.filter(kind=UnitKind.PARK, region__code__startswith=county_code(prefix)))
        if prefix
        else []
    )
    parks = index_by(park_units, lambda park: park.name, lambda park: park.short_name)
    own_park = next((p for p in park_units if p.pk == scope.unit_id), None)
    return _Places(
        scope=scope,
        default_region=_default_region(
            actor, scope, {region.code: region for region in regions}, own_park
        ),
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


@dataclass
class _Cells:
    """How the cells of an enterprise row are read (with the import's lookups)."""

    places: _Places
    industries: dict[str, str]
    choices: dict[str, dict[str, str]]
    codes: dict[str, str] = field(default_factory=dict)  # credit codes read before the rows
    # The words of the errors, translated once rather than for every cell.
    town: str = field(default_factory=lambda: _("town"))
    park: str = field(default_factory=lambda: _("park"))

    def parse(self, column: Column, raw: Any) -> Any:
        """One cell's value; None when empty."""
        if raw is None:
            return None
        if column.kind == USCC and isinstance(raw, str) and raw in self.codes:
            return self.codes[raw]
        if column.kind == TOWN:
            return pick(self.places.towns, raw, self.town)
        if column.kind == PARK:
            return pick(self.places.parks, raw, self.park)
        if column.kind == INDUSTRY:
            return self._industry(raw)
        if column.kind == CHOICE:
            return excel.parse_choice(raw, field=column.field, lookup=self.choices[column.field])
        return parse_cell(column, raw)

    def _industry(self, raw: Any) -> str:
        """An industry code cell: "C3311" or "3311", also "C3311 金属结构制造" as some lists
        write it."""
        words = parse_text(raw).split()
        code = self.industries.get(normalise_header(words[0]).upper()) if words else None
        if code is None:
            raise ValidationError(
                _(
                    "Industry code “{code}” is not in GB/T 4754-2017. Write a code such "
                    "as C3311 or C33."
                ).format(code=parse_text(raw)),
                code="unknown_industry",
            )
        return code


def _row_park(values: dict[str, Any], current: Enterprise | None, scope: Scope) -> int | None:
    """The park a row names, keeps, or (for a park's user) defaults to."""
    if "park" in values:
        park: Unit | None = values["park"]
        park_id = park.pk if park else None
    else:
        park_id = current.park_id if current else None
    if scope.kind is ScopeKind.PARK and park_id is None:
        park_id = scope.unit_id
    return park_id


def _scope_errors(
    region_code: str | None, park_id: int | None, places: _Places
) -> list[tuple[str, str]]:
    """(column, message) of a place outside the user's town or park, or of no town at all."""
    scope = places.scope
    errors: list[tuple[str, str]] = []
    if scope.kind is ScopeKind.TOWN and region_code != scope.region_code:
        errors.append(
            (
                TOWN_HEADER,
                _("You can only import enterprises located in {town}.").format(
                    town=places.town_names.get(scope.region_code, scope.region_code)
                ),
            )
        )
    if scope.kind is ScopeKind.PARK and park_id != scope.unit_id:
        errors.append(
            (
                PARK_HEADER,
                _("You can only import enterprises located in {park}.").format(
                    park=places.park_names.get(scope.unit_id or 0, "")
                ),
            )
        )
    if region_code is None:
        errors.append((TOWN_HEADER, _("Choose the town the enterprise is located in.")))
    return errors


def _place_enterprise(
    values: dict[str, Any], current: Enterprise | None, places: _Places
) -> tuple[str | None, int | None, list[tuple[str, str]]]:
    """The region code and park of a row after the scope rules, and (column, message) errors."""
    errors: list[tuple[str, str]] = []
    park_id = _row_park(values, current, places.scope)
    park_town = places.park_towns.get(park_id) if park_id else None

    if "region" in values and values["region"] is not None:
        region_code: str | None = values["region"].code
        if park_town and region_code != park_town:
            errors.append(
                (
                    PARK_HEADER,
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
    return region_code, park_id, errors + _scope_errors(region_code, park_id, places)


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


@dataclass
class _Registered:
    """Credit codes of the sheet already registered: anywhere, and those the user may change
    (locked unless it is a dry run); and each valid code cell read, for the rows to reuse."""

    anywhere: set[str]
    mine: dict[str, Enterprise]
    read: dict[str, str]


def _registered(
    actor: User, rows: list[tuple[int, dict[str, Any]]], column: Column, *, lock: bool
) -> _Registered:
    read: dict[str, str] = {}
    codes: set[str] = set()
    for _row, cells in rows:
        raw = cells.get(column.header)
        if raw is None or (isinstance(raw, str) and raw in read):
            continue
        try:
            code = parse_cell(column, raw)
        except ValidationError:
            continue
        codes.add(code)
        if isinstance(raw, str):
            read[raw] = code
    anywhere: set[str] = set()
    for chunk in chunks(sorted(codes)):
        anywhere.update(Enterprise.objects.filter(uscc__in=chunk).values_list("uscc", flat=True))
    mine: dict[str, Enterprise] = {}
    for chunk in chunks(sorted(anywhere)):
        queryset = Enterprise.objects.for_user(actor).filter(uscc__in=chunk)
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        mine.update((enterprise.uscc, enterprise) for enterprise in queryset)
    return _Registered(anywhere=anywhere, mine=mine, read=read)


def _draft(
    number: int,
    code: str | None,
    registered: _Registered,
    present: set[str],
    header: str,
) -> tuple[Draft, Enterprise | None]:
    """The row's draft (the enterprise it changes, or a new one) and the registered enterprise
    it changes; a credit code registered outside the user's area is an error."""
    current = registered.mine.get(code) if code else None
    errors: list[RowError] = []
    if code and current is None and code in registered.anywhere:
        errors.append(
            RowError(
                number,
                header,
                _(
                    "An enterprise with this credit code is registered outside your area; "
                    "you cannot change it. Ask the industry office if it has moved."
                ),
                "out_of_scope",
            )
        )
    obj = current if current is not None else Enterprise(uscc=code or "")
    draft = Draft(
        number=number,
        obj=obj,
        is_new=current is None,
        before_values={
            column.field: getattr(obj, attname)
            for column, attname in _MODEL_ATTRIBUTES
            if column.header in present or column.kind in (TOWN, PARK)
        },
        errors=errors,
        before=None if current is None else snapshot(obj),
    )
    return draft, current


def _fill(
    draft: Draft,
    current: Enterprise | None,
    values: dict[str, Any],
    failed: set[str],
    present: set[str],
    places: _Places,
) -> None:
    """Put the row's values on the draft's enterprise and place it within the user's scope."""
    obj = draft.obj
    assert isinstance(obj, Enterprise)
    for column in excel.ENTERPRISE_COLUMNS:
        if column.header in present and column.field not in failed:
            _assign(obj, column, values.get(column.field), is_new=draft.is_new)
    placing = {k: v for k, v in values.items() if k in ("region", "park")}
    region_code, park_id, place_errors = _place_enterprise(placing, current, places)
    draft.errors += [
        RowError(draft.number, header, message, "scope") for header, message in place_errors
    ]
    obj.region_id = region_code  # type: ignore[assignment]
    obj.park_id = park_id


def validate_enterprises(
    actor: User,
    scope: Scope,
    rows: list[tuple[int, dict[str, Any]]],
    present: set[str],
    result: ImportResult,
) -> list[Plan]:
    """Check every row of an enterprise sheet; the plans of the rows without errors."""
    columns = excel.ENTERPRISE_COLUMNS
    by_field = {column.field: column for column in columns}
    uscc_header = by_field["uscc"].header
    places = _places(actor, scope)
    registered = _registered(actor, rows, by_field["uscc"], lock=not result.dry_run)
    cells_reader = _Cells(
        places=places,
        industries=_industry_lookup() if "行业代码" in present else {},
        choices={name: excel.choice_lookup(name) for name in excel.CHOICES},
        codes=registered.read,
    )

    plans: list[Plan] = []
    rows_by_code: dict[str, list[int]] = defaultdict(list)
    for number, cells in rows:
        values, failures = parse_cells(cells, present, columns, cells_reader.parse)
        code = values.get("uscc")
        if code:
            rows_by_code[code].append(number)
        draft, current = _draft(number, code, registered, present, uscc_header)
        draft.errors[:0] = failure_errors(number, failures)
        failed = {column.field for column, _exc in failures}
        _fill(draft, current, values, failed, present, places)
        # The founding date, coordinates and text are checked by the model's own validators
        # (`jinmu.core.validators`), the same ones the forms and the API use.
        check_model(draft, [*failed, "uscc", "region", "park", "industry"], by_field)
        obj = draft.obj
        assert isinstance(obj, Enterprise)
        plan = plan_row(
            result, draft, columns=columns, names=places.names, key=obj.uscc, label=obj.name
        )
        if plan is not None:
            plans.append(plan)

    result.errors += duplicate_errors(
        rows_by_code,
        uscc_header,
        _("This credit code also appears in row {rows}; each enterprise may appear only once."),
    )
    return plans
