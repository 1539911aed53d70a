"""Excel import of a county's units and users: templates, dry run, all-or-nothing, every bad
row reported by row and column.

Each row goes through the same services as the pages (`jinmu.organisation.services`), so the
rules of 三员分立 and of scope hold for the import too. Units are matched by kind and name in the
administrator's region, users by username; importing the same file twice changes nothing.
Initial passwords are set for new users only (they must change them at first sign-in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from jinmu.core.choices import Role, UnitKind
from jinmu.core.excel import (
    TEXT,
    Column,
    Dropdowns,
    parse_names,
    parse_text,
    save_workbook,
    write_guide,
    write_header,
)
from jinmu.core.imports import (
    FieldChange,
    ImportResult,
    RowError,
    RowOutcome,
    RowsOrFile,
    duplicate_errors,
    field_errors,
    load_sheet,
    no_rows_errors,
    required_error,
    run_atomically,
    sort_errors,
)
from jinmu.core.models import Region, Unit, User
from jinmu.core.uploads import normalise_header
from jinmu.core.validators import normalize_uscc
from jinmu.enterprises.models import Enterprise
from jinmu.organisation import services
from jinmu.organisation.querysets import admin_region, units_for, users_for

UNITS = "units"
USERS = "users"
KINDS = (UNITS, USERS)
SHEETS = {UNITS: "单位", USERS: "用户"}
_LAST_ROW = 1000

UNIT_COLUMNS = (
    Column("单位名称", "name", TEXT, gettext_lazy("Full name, e.g. 宁津县统计局."), required=True),
    Column("简称", "short_name", TEXT, gettext_lazy("Short name, e.g. 统计局."), width=12),
    Column("类别", "kind", TEXT, gettext_lazy("One of the kinds in the dropdown."), required=True),
    Column(
        "上级单位",
        "parent",
        TEXT,
        gettext_lazy("Name of the unit it belongs to, if any."),
        width=24,
    ),
    Column(
        "所在乡镇",
        "town_region",
        TEXT,
        gettext_lazy("For a town unit the town it governs, for a park the town it lies in."),
        width=16,
    ),
)
USER_COLUMNS = (
    Column(
        "用户名",
        "username",
        TEXT,
        gettext_lazy("The sign-in name: letters, digits, @.+-_."),
        required=True,
    ),
    Column("姓名", "display_name", TEXT, gettext_lazy("Name shown in the platform.")),
    Column("单位", "unit", TEXT, gettext_lazy("Full or short name of the user's unit."), width=24),
    Column(
        "角色",
        "roles",
        TEXT,
        gettext_lazy("One or more roles separated by 、; administrator roles stand alone."),
        required=True,
        width=18,
    ),
    Column(
        "所在区划",
        "region",
        TEXT,
        gettext_lazy("Code or name; empty: the unit's region."),
        width=14,
    ),
    Column(
        "企业信用代码", "enterprise", TEXT, gettext_lazy("For an enterprise user only."), width=22
    ),
    Column("手机", "phone", TEXT, gettext_lazy("Mobile phone number.")),
    Column("邮箱", "email", TEXT, gettext_lazy("E-mail address."), width=20),
    Column(
        "初始密码",
        "password",
        TEXT,
        gettext_lazy(
            "New users only (ignored for existing ones): at least 12 characters of three "
            "kinds; the user must change it at first sign-in. Delete the file after importing."
        ),
        width=16,
    ),
)
COLUMNS = {UNITS: UNIT_COLUMNS, USERS: USER_COLUMNS}
UNIT_HEADERS = {c.field: c.header for c in UNIT_COLUMNS}
USER_HEADERS = {c.field: c.header for c in USER_COLUMNS} | {
    "unit_id": "单位",
    "region_id": "所在区划",
}


def _labels(choices: Any) -> dict[str, str]:
    """Each choice by its value, its Chinese label and its English label."""
    lookup: dict[str, str] = {}
    for value in choices.values:
        lookup[normalise_header(value)] = value
        lookup[normalise_header(str(choices(value).label))] = value
        with translation.override("en"):
            lookup[normalise_header(str(choices(value).label))] = value
    return lookup


def _named(index: dict[str, list[Any]], raw: str, what: str) -> Any:
    found = index.get(normalise_header(raw), [])
    if not found:
        raise ValidationError(_("Unknown {what} “{value}”.").format(what=what, value=raw))
    if len({item.pk for item in found}) > 1:
        raise ValidationError(
            _("“{value}” matches several {what}s; write the full name.").format(
                value=raw, what=what
            )
        )
    return found[0]


def _index(items: Sequence[Any], *keys: str) -> dict[str, list[Any]]:
    index: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        for key in keys:
            text = normalise_header(getattr(item, key))
            if text and item not in index[text]:
                index[text].append(item)
    return index


# -- units ---------------------------------------------------------------------------------------


def _read_sheet(kind: str, rows_or_file: RowsOrFile, dry_run: bool) -> tuple[ImportResult, Any]:
    """The result of an import of `kind` with the sheet's own errors (or no rows), and the
    sheet's rows."""
    result = ImportResult(kind=kind, dry_run=dry_run)
    sheet = load_sheet(rows_or_file, COLUMNS[kind], SHEETS[kind])
    result.ignored_columns = sheet.ignored
    result.errors = sheet.errors or no_rows_errors(sheet.rows)
    return result, sheet


def _cell_errors(number: int, column: Column, error: ValidationError) -> list[RowError]:
    """A cell's refusal as row errors."""
    return [RowError(number, column.header, m, "invalid") for m in error.messages]


def _unit_kind(text: str, kinds: dict[str, str]) -> str:
    """The unit kind a cell names, by value or label."""
    value = kinds.get(normalise_header(text))
    if value is None:
        raise ValidationError(
            _("“{value}” is not one of: {allowed}.").format(
                value=text, allowed="、".join(str(k.label) for k in UnitKind)
            )
        )
    return value


def _unit_cell(
    column: Column, text: str, kinds: dict[str, str], towns: dict[str, list[Any]]
) -> Any:
    """The value of one cell of the units sheet (the parent's name as written)."""
    if column.required and not text:
        raise required_error(column)
    if column.field == "kind":
        return _unit_kind(text, kinds)
    if column.field == "town_region":
        return _named(towns, text, _("town")) if text else None
    return text


def _unit_row(
    number: int,
    cells: dict[str, Any],
    region: Region,
    lookups: tuple[dict[str, str], dict[str, list[Any]]],
    errors: list[RowError],
) -> tuple[dict[str, Any], str]:
    """The unit data of one row and the name of its parent; bad cells go to `errors`."""
    kinds, towns = lookups
    data: dict[str, Any] = {"region": region}
    parent_name = ""
    for column in UNIT_COLUMNS:
        try:
            value = _unit_cell(column, parse_text(cells.get(column.header)), kinds, towns)
        except ValidationError as error:
            errors += _cell_errors(number, column, error)
            continue
        if column.field == "parent":
            parent_name = value
        else:
            data[column.field] = value
    return data, parent_name


def import_units(
    *, actor: User, prefix: str, rows_or_file: RowsOrFile, dry_run: bool = True
) -> ImportResult:
    """Create or change the units of the sheet “单位” in the administrator's region."""
    result, sheet = _read_sheet(UNITS, rows_or_file, dry_run)
    if result.errors:
        return result
    region = Region.objects.filter(code=_home_code(actor)).first()
    if region is None:
        result.errors.append(RowError(None, "", _("Your account has no region."), "region"))
        return result
    towns = _index(
        list(Region.objects.filter(code__startswith=region.scope_prefix, level="town")),
        "code",
        "name",
    )
    lookups = (_labels(UnitKind), towns)
    keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    parsed: list[tuple[int, dict[str, Any], str]] = []
    for number, cells in sheet.rows:
        data, parent_name = _unit_row(number, cells, region, lookups, result.errors)
        if "kind" in data and data.get("name"):
            keys[(data["kind"], normalise_header(data["name"]))].append(number)
        parsed.append((number, data, parent_name))
    result.errors += duplicate_errors(
        keys, "单位名称", _("The same unit is also on row {rows}; keep one row per unit.")
    )
    # The rows that read well are still written (and rolled back), so that the rules of the
    # services are reported for them too: every bad row in one round.
    bad = {e.row for e in result.errors}
    good = [row for row in parsed if row[0] not in bad]

    def work() -> None:
        _write_units(actor, prefix, region, good, result)

    run_atomically(result, work)
    result.errors = sort_errors(result.errors, UNIT_COLUMNS)
    return result


def _home_code(actor: User) -> str | None:
    region = admin_region(actor)
    return region.code if region is not None else None


def _write_unit(
    actor: User,
    prefix: str,
    unit: Unit | None,
    data: dict[str, Any],
    outcome: RowOutcome,
    result: ImportResult,
) -> Unit:
    """Create the unit of a row or change it; the outcome goes to `result`."""
    if unit is None:
        unit = services.create_unit(actor=actor, prefix=prefix, data=data)
        outcome.changes = [
            FieldChange(UNIT_HEADERS[k], "", str(v or ""))
            for k, v in data.items()
            if k in UNIT_HEADERS and v
        ]
        result.created.append(outcome)
        return unit
    changes = _unit_changes(unit, data)
    if not changes:
        result.unchanged.append(outcome)
        return unit
    unit = services.update_unit(
        actor=actor, unit=unit, prefix=prefix, data=data, expected_version=unit.version
    )
    outcome.changes = changes
    result.updated.append(outcome)
    return unit


def _write_units(
    actor: User,
    prefix: str,
    region: Region,
    parsed: list[tuple[int, dict[str, Any], str]],
    result: ImportResult,
) -> None:
    existing = {(u.kind, normalise_header(u.name)): u for u in Unit.objects.filter(region=region)}
    written: list[tuple[int, Unit, str]] = []
    for number, data, parent_name in parsed:
        unit = existing.get((data["kind"], normalise_header(data["name"])))
        outcome = RowOutcome(number, str(UnitKind(data["kind"]).label), data["name"])
        try:
            with transaction.atomic():
                unit = _write_unit(actor, prefix, unit, data, outcome, result)
        except ValidationError as error:
            result.errors += field_errors(number, error, UNIT_HEADERS, fallback="单位名称")
            continue
        existing[(unit.kind, normalise_header(unit.name))] = unit
        written.append((number, unit, parent_name))
    _write_parents(actor, prefix, region, written, result)


def _write_parents(
    actor: User,
    prefix: str,
    region: Region,
    written: list[tuple[int, Unit, str]],
    result: ImportResult,
) -> None:
    """Set the parents the rows name, once every unit of the sheet exists."""
    index = _index(list(Unit.objects.filter(region=region)), "name", "short_name")
    for number, unit, parent_name in written:
        try:
            parent = _named(index, parent_name, _("unit")) if parent_name else None
        except ValidationError as error:
            result.errors += [RowError(number, "上级单位", m, "unknown") for m in error.messages]
            continue
        if (parent.pk if parent else None) == unit.parent_id:
            continue
        fresh = Unit.objects.get(pk=unit.pk)
        try:
            with transaction.atomic():
                services.update_unit(
                    actor=actor,
                    unit=fresh,
                    prefix=prefix,
                    data={"parent": parent},
                    expected_version=fresh.version,
                )
        except ValidationError as error:
            result.errors += field_errors(number, error, UNIT_HEADERS, fallback="上级单位")
            continue
        change = FieldChange("上级单位", str(unit.parent or ""), str(parent or ""))
        target = next((o for o in result.created + result.updated if o.row == number), None)
        if target is None:
            target = RowOutcome(number, str(UnitKind(unit.kind).label), unit.name)
            result.unchanged = [o for o in result.unchanged if o.row != number]
            result.updated.append(target)
        target.changes.append(change)


def _unit_changes(unit: Unit, data: dict[str, Any]) -> list[FieldChange]:
    changes = []
    for field in ("short_name", "town_region"):
        old, new = getattr(unit, field), data.get(field)
        if (old or None) != (new or None):
            changes.append(FieldChange(UNIT_HEADERS[field], str(old or ""), str(new or "")))
    return changes


# -- users ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UserLookups:
    """What the cells of the users sheet are read against."""

    prefix: str
    roles: dict[str, str]
    units: dict[str, list[Any]]
    regions: dict[str, list[Any]]


def _user_cell(column: Column, text: str, lookups: _UserLookups) -> Any:
    """The value of one cell of the users sheet."""
    if column.required and not text:
        raise required_error(column)
    if column.field == "roles":
        return _roles(parse_names(text), lookups.roles)
    if not text:
        return None if column.field in ("unit", "region", "enterprise") else text
    if column.field == "unit":
        return _named(lookups.units, text, _("unit"))
    if column.field == "region":
        return _named(lookups.regions, text, _("region"))
    if column.field == "enterprise":
        return _enterprise(text, lookups.prefix)
    return text


def _user_row(
    number: int, cells: dict[str, Any], lookups: _UserLookups, errors: list[RowError]
) -> tuple[str, str, dict[str, Any]]:
    """The username, initial password and user data of one row; bad cells go to `errors`."""
    data: dict[str, Any] = {}
    username = password = ""
    for column in USER_COLUMNS:
        try:
            value = _user_cell(column, parse_text(cells.get(column.header)), lookups)
        except ValidationError as error:
            errors += _cell_errors(number, column, error)
            continue
        if column.field == "username":
            username = value
        elif column.field == "password":
            password = value
        else:
            data[column.field] = value
    return username, password, data


def import_users(
    *, actor: User, prefix: str, rows_or_file: RowsOrFile, dry_run: bool = True
) -> ImportResult:
    """Create or change the accounts of the sheet “用户” in the administrator's region."""
    result, sheet = _read_sheet(USERS, rows_or_file, dry_run)
    if result.errors:
        return result
    lookups = _UserLookups(
        prefix=prefix,
        roles=_labels(Role),
        units=_index(list(units_for(actor).filter(is_active=True)), "name", "short_name"),
        regions=_index(list(Region.objects.filter(code__startswith=prefix)), "code", "name"),
    )
    mine = {u.username.casefold(): u for u in users_for(actor)}
    names: dict[str, list[int]] = defaultdict(list)
    parsed: list[tuple[int, str, str, dict[str, Any]]] = []
    for number, cells in sheet.rows:
        username, password, data = _user_row(number, cells, lookups, result.errors)
        if username:
            names[username.casefold()].append(number)
        parsed.append((number, username, password, data))
    result.errors += duplicate_errors(
        names, "用户名", _("The same username is also on row {rows}; keep one row per user.")
    )
    bad = {e.row for e in result.errors}  # the other rows are checked by the services too

    def work() -> None:
        for number, username, password, data in parsed:
            if number not in bad:
                _write_user(actor, prefix, number, username, password, data, mine, result)

    run_atomically(result, work)
    result.errors = sort_errors(result.errors, USER_COLUMNS)
    return result


def _roles(words: list[str], lookup: dict[str, str]) -> list[str]:
    values = []
    for word in words:
        value = lookup.get(normalise_header(word))
        if value is None:
            raise ValidationError(
                _("“{value}” is not one of: {allowed}.").format(
                    value=word, allowed="、".join(str(r.label) for r in Role)
                )
            )
        values.append(value)
    return values


def _enterprise(text: str, prefix: str) -> Enterprise:
    found: Enterprise | None = Enterprise.objects.filter(
        uscc=normalize_uscc(text), region__code__startswith=prefix
    ).first()
    if found is None:
        raise ValidationError(
            _("No enterprise with the credit code {code} in your region.").format(code=text)
        )
    return found


def _write_user(
    actor: User,
    prefix: str,
    number: int,
    username: str,
    password: str,
    data: dict[str, Any],
    mine: dict[str, User],
    result: ImportResult,
) -> None:
    data.setdefault("enterprise", None)
    existing = mine.get(username.casefold())
    outcome = RowOutcome(number, username, str(data.get("display_name") or username))
    try:
        with transaction.atomic():
            if existing is None:
                if not password:
                    raise ValidationError({"password": _("A new user needs an initial password.")})
                services.create_user(
                    actor=actor,
                    prefix=prefix,
                    username=username,
                    password=password,
                    data=data,
                    hash_password=not result.dry_run,
                )
                outcome.changes = [
                    FieldChange(USER_HEADERS[k], "", _shown(v)) for k, v in data.items() if v
                ]
                result.created.append(outcome)
                return
            changes = [
                FieldChange(USER_HEADERS[k], _shown(getattr(existing, k)), _shown(v))
                for k, v in data.items()
                if k != "region" and _shown(getattr(existing, k)) != _shown(v)
            ]
            if data.get("region") is not None and data["region"].pk != existing.region_id:
                changes.append(
                    FieldChange("所在区划", _shown(existing.region), _shown(data["region"]))
                )
            if not changes:
                result.unchanged.append(outcome)
                return
            if data.get("region") is None:
                data["region"] = existing.region
            services.update_user(
                actor=actor,
                user=existing,
                prefix=prefix,
                data=data,
                expected_fingerprint=services.fingerprint(existing),
            )
            outcome.changes = changes
            result.updated.append(outcome)
    except ValidationError as error:
        result.errors += field_errors(number, error, USER_HEADERS, fallback="用户名")


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(Role(r).label) if r in Role.values else r for r in value)
    return str(value)


# -- templates -----------------------------------------------------------------------------------


def build_template(kind: str, *, towns: Sequence[str] = (), units: Sequence[str] = ()) -> bytes:
    """The empty workbook of a kind: header, dropdowns of kinds, towns and units, and 说明."""
    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEETS[kind]
    write_header(sheet, columns, text_kinds=(TEXT,))
    dropdowns = Dropdowns(workbook, sheet, columns, last_row=_LAST_ROW)
    if kind == UNITS:
        dropdowns.offer("kind", [str(k.label) for k in UnitKind])
        dropdowns.offer("town_region", list(towns))
        dropdowns.offer("parent", list(units))
    else:
        dropdowns.offer("unit", list(units))
    notes = [
        _("Fill in the sheet “{sheet}” from row 2; do not change the header row.").format(
            sheet=SHEETS[kind]
        ),
        _(
            "The whole file is checked first: if any row has an error, nothing is saved and "
            "every error is listed by row and column."
        ),
    ]
    if kind == USERS:
        notes.append(
            _("Roles: {roles}. 三员分立: an administrator role stands alone.").format(
                roles="、".join(str(r.label) for r in Role)
            )
        )
    write_guide(workbook, notes=notes, columns=columns)
    return save_workbook(workbook)
