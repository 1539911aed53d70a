"""Import of the project ledger and of a week's reports from Excel: all rows or none.

Every row goes through the same services as a form (`services.create_project`,
`update_project`, `transition`, `set_year_plan`; `reporting.submit_report`), each in its own
savepoint inside one transaction, so the service rules (lifecycles, scope, the model's checks,
cumulative figures) are checked exactly as they will be applied, and a refused row leaves no
trace for the rows after it. The transaction is rolled back at the end of a dry run or when
any row has an error: the dry run shows precisely what confirming does, and nothing is ever
stored half-way. Errors carry the Excel row and column.

Rows already matching the ledger are not written at all, so importing the same file twice
changes nothing the second time. Projects are matched by 项目编号, or by name and kind when the
number is empty; a number that belongs to a project out of the user's sight is reported as
"not found or not yours", never revealing the project.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinmu.chains.models import Chain, ChainNode
from jinmu.core.choices import RegionLevel, UnitKind
from jinmu.core.excel import (
    CHOICE,
    MONEY,
    PARK,
    TEXT,
    TOWN,
    Column,
    parse_cell,
    parse_text,
    yuan_to_wan,
)
from jinmu.core.imports import (
    EMPTY,
    Cells,
    FieldChange,
    ImportResult,
    RowError,
    RowOutcome,
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
from jinmu.core.scoping import Scope, ScopeKind, scope_for
from jinmu.core.uploads import normalise_header
from jinmu.core.validators import normalize_uscc, validate_uscc
from jinmu.enterprises.models import Enterprise
from jinmu.projects import excel, reporting, services
from jinmu.projects.choices import LIFECYCLES
from jinmu.projects.models import Project, ProjectTag, ProjectYearPlan, WeeklyReport
from jinmu.projects.permissions import can_create_projects
from jinmu.projects.weeks import iso_label, monday_of, parse_iso_week

__all__ = [
    "FieldChange",
    "ImportResult",
    "RowError",
    "RowOutcome",
    "import_projects",
    "import_reports",
]

_TEXT_KINDS = (TEXT, CHOICE)  # stored as "" when empty, never NULL


def _require_importer(actor: Any) -> Scope:
    """The actor's scope; only those who may register projects import."""
    if not can_create_projects(actor):
        raise PermissionDenied(_("You may not import projects."))
    return scope_for(actor)


# -- reading the file ----------------------------------------------------------------------------


def _read(file: Any, kind: str) -> Sheet:
    """Read the upload (checked by `jinmu.core.uploads`); refusals become file errors."""
    sheet = load_sheet(file, excel.COLUMNS[kind], excel.SHEETS[kind])
    sheet.ignored = [h for h in sheet.ignored if not h.startswith("Unnamed")]
    if not sheet.errors:
        sheet.errors = no_rows_errors(sheet.rows)
    return sheet


def _missing_column(header: str) -> RowError:
    return RowError(
        1,
        header,
        _(
            "The column “{column}” is missing from the header row. Start from the downloadable "
            "template."
        ).format(column=header),
        "missing_column",
    )


def _finish(result: ImportResult, columns: Sequence[Column]) -> ImportResult:
    """Errors in row and column order; with any error there is nothing to show as done."""
    result.errors = sort_errors(result.errors, columns, then_by_message=True)
    if result.errors:
        result.created, result.updated, result.unchanged = [], [], []
    return result


def _not_yours(number: int, header: str) -> RowError:
    # The same words whether the project does not exist or is someone else's.
    return RowError(
        number,
        header,
        _("No project with this number in your area (not found or not yours)."),
        "not_found",
    )


# -- lookups -------------------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Everything a ledger row can name, fetched once per import within the user's sight."""

    actor: Any
    scope: Scope
    towns: dict[str, list[Region]]
    home: Region | None  # the user's own region (the county for county staff)
    parks: dict[str, list[Unit]]
    chains: dict[str, list[Chain]]
    nodes: dict[tuple[int, str], ChainNode]
    units: dict[str, list[Unit]]
    tags: dict[str, list[ProjectTag]]
    enterprises: dict[str, list[Enterprise]]
    vocabularies: dict[str, dict[str, str]]

    @classmethod
    def build(cls, actor: Any, scope: Scope, rows: Sequence[tuple[int, Cells]]) -> _Lookups:
        """Fetch the towns, parks, chains, units, lists and named enterprises."""
        prefix = county_prefix(scope)
        towns = list(Region.objects.filter(code__startswith=prefix, level=RegionLevel.TOWN))
        parks = Unit.objects.filter(kind=UnitKind.PARK, region__code__startswith=prefix[:6])
        units = Unit.objects.for_user(actor).filter(
            is_active=True, region__code__startswith=prefix[:6]
        )
        header = excel.PROJECT_HEADERS["enterprise"]
        named = sorted({parse_text(cells.get(header)) for _n, cells in rows} - {""})
        # An enterprise the user sees, or the owner of a project the user sees (a town's project
        # may be built by a firm registered elsewhere; exporting and importing it must work).
        reachable = Q(pk__in=Enterprise.objects.for_user(actor).values("pk")) | Q(
            projects__in=Project.objects.for_user(actor).values("pk")
        )
        enterprises: list[Enterprise] = []
        for chunk in chunks(named):
            codes = [normalize_uscc(text) for text in chunk]
            enterprises += (
                Enterprise.objects.filter(Q(uscc__in=codes) | Q(name__in=chunk))
                .filter(reachable)
                .distinct()
            )
        chains = list(Chain.objects.for_user(actor))
        nodes = ChainNode.objects.filter(chain__in=[c.pk for c in chains])
        return cls(
            actor=actor,
            scope=scope,
            towns=index_by(towns, lambda r: r.name, lambda r: r.code),
            home=actor.region or (actor.unit.region if actor.unit else None),
            parks=index_by(
                parks.select_related("town_region"), lambda u: u.name, lambda u: u.short_name
            ),
            chains=index_by(chains, lambda c: c.name),
            nodes={(n.chain_id, normalise_header(n.name)): n for n in nodes},
            units=index_by(units, lambda u: u.name, lambda u: u.short_name),
            tags=index_by(ProjectTag.objects.for_user(actor), lambda t: t.name),
            enterprises=index_by(enterprises, lambda e: e.uscc, lambda e: e.name),
            vocabularies={name: v.lookup() for name, v in excel.VOCABULARIES.items()},
        )

    def default_region(self) -> Region | None:
        """Where a row without town or park lies: a town user's town, a park user's park's
        town, else the user's own region (the county)."""
        if self.scope.kind is ScopeKind.TOWN:
            return next(
                (t for ts in self.towns.values() for t in ts if t.code == self.scope.region_code),
                None,
            )
        if self.scope.kind is ScopeKind.PARK:
            park = self.own_park()
            if park is not None and park.town_region is not None:
                return park.town_region
        return self.home

    def own_park(self) -> Unit | None:
        """The park of a park user."""
        if self.scope.kind is not ScopeKind.PARK:
            return None
        return next(
            (p for ps in self.parks.values() for p in ps if p.pk == self.scope.unit_id), None
        )

    def enterprise(self, raw: Any) -> Enterprise:
        """An enterprise by credit code or name, among those the user sees."""
        text = parse_text(raw)
        try:
            validate_uscc(normalize_uscc(text))
            key = normalize_uscc(text)
        except ValidationError:
            key = text
        found = self.enterprises.get(normalise_header(key), [])
        if len(found) != 1:
            raise ValidationError(
                _(
                    "No single enterprise in your area has the credit code or name “{value}”. "
                    "Write the 18-character credit code of an enterprise in the register."
                ).format(value=text),
                code="unknown_enterprise",
            )
        return found[0]

    def tag_list(self, raw: Any) -> list[ProjectTag]:
        """Project lists by name; each must exist."""
        tags: list[ProjectTag] = []
        for name in excel.parse_tag_names(raw):
            tags.append(pick(self.tags, name, _("project list")))
        return sorted(set(tags), key=lambda tag: tag.name)


# -- the ledger ----------------------------------------------------------------------------------


@dataclass
class _ProjectRow:
    """One parsed ledger row."""

    number: int
    values: dict[str, Any]
    errors: list[RowError]


def _parse_project_row(
    number: int, cells: Cells, present: set[str], lookups: _Lookups, today: dt.date
) -> _ProjectRow:
    row = _ProjectRow(number, {}, [])
    for column in excel.PROJECT_COLUMNS:
        if column.header not in present:
            continue
        raw = cells.get(column.header)
        try:
            row.values[column.field] = _parse_project_cell(column, raw, lookups)
        except ValidationError as exc:
            row.errors += cell_errors(number, column, exc)
            continue
        value = row.values[column.field]
        if column.field in excel.PAST_DATES and value is not None and value > today:
            row.errors.append(
                RowError(
                    number,
                    column.header,
                    _("{column} {date} is in the future.").format(
                        column=column.header, date=value.isoformat()
                    ),
                    "future_date",
                )
            )
    return row


def _parse_project_cell(column: Column, raw: Any, lookups: _Lookups) -> Any:
    if raw is None:
        if column.required:
            raise required_error(column)
        return [] if column.kind == excel.TAGS else None
    kind = column.kind
    if kind == CHOICE:
        vocabulary = excel.VOCABULARIES[column.field]
        return vocabulary.parse(raw, lookups.vocabularies[column.field])
    if kind == TOWN:
        return pick(lookups.towns, raw, _("town"))
    if kind == PARK:
        return pick(lookups.parks, raw, _("park"))
    if kind == excel.CHAIN:
        return pick(lookups.chains, raw, _("chain"))
    if kind == excel.NODE:
        return parse_text(raw)  # resolved on the row's chain
    if kind == excel.UNIT:
        return pick(lookups.units, raw, _("unit"))
    if kind == excel.ENTERPRISE:
        return lookups.enterprise(raw)
    if kind == excel.TAGS:
        return lookups.tag_list(raw)
    if kind == excel.PLAN:
        return parse_cell(
            Column(column.header, column.field, MONEY, column.help, non_negative=True), raw
        )
    return parse_cell(column, raw)


def _comparable(value: Any) -> Any:
    """Rows by primary key, lists as sorted names, blanks as None."""
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, list | tuple):
        return tuple(sorted(getattr(item, "name", item) for item in value)) or None
    return None if value in EMPTY else value


@dataclass
class _ProjectPlan:
    """What one valid row does: the service calls and what the preview shows."""

    data: dict[str, Any]
    status: str | None
    tags: list[ProjectTag] | None
    year_plan: Decimal | None
    changes: list[FieldChange]


# Fields the services name in their errors → the column that holds them.
_PROJECT_HEADERS = {
    **excel.PROJECT_HEADERS,
    "on": excel.PROJECT_HEADERS["status"],
    "reason": excel.PROJECT_HEADERS["status"],
    "planned_investment": excel.PROJECT_HEADERS["year_plan"],
    "monthly_shares": excel.PROJECT_HEADERS["year_plan"],
}


class _ProjectImport:
    """The ledger import of one file by one user."""

    headers = _PROJECT_HEADERS

    def __init__(
        self, actor: Any, scope: Scope, sheet: Sheet, result: ImportResult, today: dt.date
    ) -> None:
        self.actor = actor
        self.scope = scope
        self.sheet = sheet
        self.result = result
        self.today = today
        self.year = today.year
        self.lookups = _Lookups.build(actor, scope, sheet.rows)

    def run(self) -> None:
        """Parse, match and apply every row (the caller's transaction decides what stays)."""
        rows = [
            _parse_project_row(number, cells, self.sheet.present, self.lookups, self.today)
            for number, cells in self.sheet.rows
        ]
        matches = self._match(rows)
        for row in rows:
            if row.errors:
                self.result.errors += row.errors
                continue
            self._apply(row, matches.get(row.number))

    def _match(self, rows: list[_ProjectRow]) -> dict[int, Project]:
        """The ledger project of each row that names one; "not yours" and duplicate errors."""
        code_header, name_header = self.headers["code"], self.headers["name"]
        codes = sorted({row.values["code"] for row in rows if row.values.get("code")})
        names = sorted(
            {
                row.values["name"]
                for row in rows
                if row.values.get("name") and not row.values.get("code")
            }
        )
        scoped = (
            Project.objects.for_user(self.actor)
            .select_related("region", "park", "chain", "node", "enterprise", "responsible_unit")
            .prefetch_related(
                "tags",
                Prefetch("year_plans", queryset=ProjectYearPlan.objects.filter(year=self.year)),
            )
        )
        fetched: dict[int, Project] = {}
        taken: set[str] = set()
        for chunk in chunks(codes):
            fetched |= {p.pk: p for p in scoped.filter(code__in=chunk)}
            taken |= set(Project.objects.filter(code__in=chunk).values_list("code", flat=True))
        for chunk in chunks(names):
            fetched |= {p.pk: p for p in scoped.filter(name__in=chunk)}
        by_code: dict[str, Project] = {}
        by_name: dict[tuple[str, str], list[Project]] = defaultdict(list)
        for project in fetched.values():
            if project.code:
                by_code[project.code] = project
            by_name[(project.kind, project.name)].append(project)

        matches: dict[int, Project] = {}
        keys: dict[Any, list[int]] = defaultdict(list)
        for row in rows:
            code, name, kind = (row.values.get(k) for k in ("code", "name", "kind"))
            if code:
                keys[("code", code)].append(row.number)
                if code in by_code:
                    matches[row.number] = by_code[code]
                elif code in taken:
                    row.errors.append(_not_yours(row.number, code_header))
                continue
            if not name or not kind:
                continue
            keys[("name", kind, name)].append(row.number)
            found = by_name.get((kind, name), [])
            if len(found) > 1:
                row.errors.append(
                    RowError(
                        row.number,
                        code_header,
                        _(
                            "Several projects in your area have this name; write the project "
                            "number of the one you mean."
                        ),
                        "ambiguous",
                    )
                )
            elif found:
                matches[row.number] = found[0]
        duplicates = duplicate_errors(
            {k: v for k, v in keys.items() if k[0] == "code"},
            code_header,
            _("This project number also appears in row {rows}; each project may appear once."),
        ) + duplicate_errors(
            {k: v for k, v in keys.items() if k[0] == "name"},
            name_header,
            _(
                "A project of this name and kind also appears in row {rows} without a number; "
                "each project may appear once."
            ),
        )
        by_row = {row.number: row for row in rows}
        for error in duplicates:
            assert error.row is not None
            by_row[error.row].errors.append(error)
        return matches

    # -- one row ---------------------------------------------------------------------------------

    def _apply(self, row: _ProjectRow, current: Project | None) -> None:
        errors: list[RowError] = []
        plan = self._plan(row, current, errors)
        if errors or plan is None:
            self.result.errors += errors
            return
        key = row.values.get("code") or (current.code if current else "") or "—"
        label = row.values.get("name") or (current.name if current else "")
        outcome = RowOutcome(row.number, key, label, plan.changes)
        if current is not None and not plan.changes:
            self.result.unchanged.append(outcome)
            return
        try:
            with transaction.atomic():
                self._write(plan, current)
        except ValidationError as exc:
            self.result.errors += field_errors(row.number, exc, self.headers)
            return
        except PermissionDenied as exc:
            self.result.errors.append(
                RowError(row.number, self.headers["code"], str(exc), "permission")
            )
            return
        (self.result.created if current is None else self.result.updated).append(outcome)

    def _write(self, plan: _ProjectPlan, current: Project | None) -> None:
        actor = self.actor
        if current is None:
            project = services.create_project(
                actor=actor, data=plan.data, tags=plan.tags or (), status=plan.status
            )
        else:
            project = current
            if plan.data or plan.tags is not None:
                project = services.update_project(
                    actor=actor,
                    project=project,
                    data=plan.data,
                    expected_version=project.version,
                    tags=plan.tags,
                )
            if plan.status:
                project = services.transition(
                    actor=actor,
                    project=project,
                    to_status=plan.status,
                    reason=_("Imported from Excel"),
                )
        if plan.year_plan is not None:
            services.set_year_plan(
                actor=actor, project=project, year=self.year, planned_investment=plan.year_plan
            )

    def _plan(
        self, row: _ProjectRow, current: Project | None, errors: list[RowError]
    ) -> _ProjectPlan | None:
        values = row.values
        number = row.number
        kind = values["kind"]
        if current is not None and kind != current.kind:
            errors.append(
                RowError(
                    number,
                    self.headers["kind"],
                    _("The kind of a project cannot change (it is {kind} in the ledger).").format(
                        kind=excel.kind_word(current.kind)
                    ),
                    "kind_change",
                )
            )
            return None
        before = excel.project_values(current, year=self.year) if current else {}
        if current is not None:
            before["region"] = current.region  # the county as well as a town
        after: dict[str, Any] = {}
        for column in excel.PROJECT_COLUMNS:
            name = column.field
            if column.header not in self.sheet.present or name in ("kind", "region", "park"):
                continue
            value = values.get(name)
            owner = excel.column_kind(column)
            if owner is not None and owner != kind:
                if value not in EMPTY:
                    errors.append(self._wrong_kind(number, column, owner, kind))
                continue
            if value in EMPTY and current is not None:
                if name in excel.FILLED_BY_TRANSITIONS or column.kind in (CHOICE, excel.PLAN):
                    continue  # an empty cell keeps what the ledger holds
            after[name] = value
        self._place(row, current, after, errors)
        self._resolve_node(row, current, after, errors)
        status = after.pop("status", None)
        if status and status not in LIFECYCLES[kind]:
            errors.append(self._wrong_status(number, status, kind))
        if errors:
            return None
        if current is None:
            after["kind"] = kind

        changes: list[FieldChange] = []
        data: dict[str, Any] = {}
        columns = {column.field: column for column in excel.PROJECT_COLUMNS}
        for name, value in after.items():
            old = before.get(name)
            if current is not None and same(_comparable(old), _comparable(value)):
                continue
            spec = columns[name]
            if current is not None or value not in EMPTY:
                changes.append(
                    FieldChange(
                        spec.header,
                        excel.display_value(spec, old) if current else "",
                        excel.display_value(spec, value),
                    )
                )
            if name not in ("tags", "year_plan"):
                data[name] = "" if value is None and spec.kind in _TEXT_KINDS else value
        if status and (current is None or status != current.status):
            column = columns["status"]
            changes.append(
                FieldChange(
                    column.header,
                    excel.display_value(column, current.status) if current else "",
                    excel.display_value(column, status),
                )
            )
        elif current is not None:
            status = None
        tags_changed = "tags" in after and (
            current is None or not same(_comparable(before.get("tags")), _comparable(after["tags"]))
        )
        plan_changed = "year_plan" in after and not same(
            before.get("year_plan"), after["year_plan"]
        )
        return _ProjectPlan(
            data=data,
            status=status,
            tags=after["tags"] if tags_changed else None,
            year_plan=after["year_plan"] if plan_changed else None,
            changes=changes,
        )

    def _place(
        self,
        row: _ProjectRow,
        current: Project | None,
        after: dict[str, Any],
        errors: list[RowError],
    ) -> None:
        """Town and park of the row after the scope rules (a town imports only its own)."""
        present = self.sheet.present
        town_header, park_header = self.headers["region"], self.headers["park"]
        if town_header not in present and park_header not in present and current is not None:
            return
        lookups = self.lookups
        if park_header in present:
            park: Unit | None = row.values.get("park")
        else:
            park = current.park if current else None
        if park is None and current is None and self.scope.kind is ScopeKind.PARK:
            park = lookups.own_park()
        park_town = park.town_region if park is not None else None
        region: Region | None = row.values.get("region") if town_header in present else None
        if region is not None and park_town is not None and region.pk != park_town.pk:
            errors.append(
                RowError(
                    row.number,
                    park_header,
                    _("Park “{park}” lies in {town}, not in {other}.").format(
                        park=park.name if park else "", town=park_town.name, other=region.name
                    ),
                    "place",
                )
            )
        if region is None:
            if park_town is not None:
                region = park_town
            elif town_header not in present and current is not None:
                region = current.region
            else:
                region = lookups.default_region()
        if self.scope.kind is ScopeKind.TOWN and (
            region is None or region.pk != self.scope.region_code
        ):
            errors.append(
                RowError(
                    row.number,
                    town_header,
                    _("You can only import projects located in your own town."),
                    "scope",
                )
            )
        if self.scope.kind is ScopeKind.PARK and (park is None or park.pk != self.scope.unit_id):
            errors.append(
                RowError(
                    row.number,
                    park_header,
                    _("You can only import projects located in your own park."),
                    "scope",
                )
            )
        if region is None:
            errors.append(
                RowError(
                    row.number, town_header, _("Choose the town the project lies in."), "place"
                )
            )
        after["region"] = region
        after["park"] = park

    def _resolve_node(
        self,
        row: _ProjectRow,
        current: Project | None,
        after: dict[str, Any],
        errors: list[RowError],
    ) -> None:
        """A node is named within the row's chain."""
        if "node" not in after:
            return
        text = after["node"]
        if not text:
            after["node"] = None
            return
        chain = after["chain"] if "chain" in after else (current.chain if current else None)
        node = self.lookups.nodes.get((chain.pk, normalise_header(text))) if chain else None
        if node is None:
            errors.append(
                RowError(
                    row.number,
                    self.headers["node"],
                    _("“{node}” is not a node of the chain given in {chain_column}.").format(
                        node=text, chain_column=self.headers["chain"]
                    )
                    if chain
                    else _("Give the chain in {chain_column} to name one of its nodes.").format(
                        chain_column=self.headers["chain"]
                    ),
                    "unknown_node",
                )
            )
            return
        after["node"] = node

    def _wrong_kind(self, number: int, column: Column, owner: str, kind: str) -> RowError:
        return RowError(
            number,
            column.header,
            _("{column} is only for {owner} projects; leave it empty for a {kind} project.").format(
                column=column.header, owner=excel.kind_word(owner), kind=excel.kind_word(kind)
            ),
            "wrong_kind",
        )

    def _wrong_status(self, number: int, status: str, kind: str) -> RowError:
        words = excel.STATUS_WORDS
        return RowError(
            number,
            self.headers["status"],
            _("“{status}” is not a state of {kind} projects. Use one of: {allowed}.").format(
                status=words.word(status),
                kind=excel.kind_word(kind),
                allowed="、".join(words.word(s) for s in LIFECYCLES[kind]),
            ),
            "status_kind",
        )


def import_projects(
    *, actor: Any, file: Any, dry_run: bool, today: dt.date | None = None
) -> ImportResult:
    """Create and update ledger projects from a workbook; all rows are saved or none."""
    scope = _require_importer(actor)
    result = ImportResult(kind=excel.PROJECTS, dry_run=dry_run)
    sheet = _read(file, excel.PROJECTS)
    result.ignored_columns = sheet.ignored
    if not sheet.errors:
        required = [c.header for c in excel.PROJECT_COLUMNS if c.required]
        sheet.errors = [_missing_column(h) for h in required if h not in sheet.present]
    if sheet.errors:
        result.errors = sheet.errors
        return result
    work = _ProjectImport(actor, scope, sheet, result, today or timezone.localdate())
    run_atomically(result, work.run)
    return _finish(result, excel.PROJECT_COLUMNS)


# -- a week's reports ----------------------------------------------------------------------------

# Fields submit_report names in its errors → the column that holds them.
_REPORT_HEADERS = {**excel.REPORT_HEADERS, "completed_milestones": "", "photos": ""}


@dataclass
class _ReportRow:
    """One parsed report row and the project and week it is for."""

    number: int
    values: dict[str, Any]
    errors: list[RowError]
    project: Project | None = None
    week: dt.date | None = None


def _problems(text: str | None) -> list[dict[str, str]]:
    """One problem per line of the cell."""
    return [{"title": line.strip()} for line in (text or "").splitlines() if line.strip()]


class _ReportImport:
    """The report import of one file by one user."""

    headers = _REPORT_HEADERS

    def __init__(
        self,
        actor: Any,
        sheet: Sheet,
        result: ImportResult,
        *,
        week: dt.date | None,
        today: dt.date,
    ) -> None:
        self.actor = actor
        self.sheet = sheet
        self.result = result
        self.week = week
        self.today = today

    def run(self) -> None:
        """Parse and match every row, then submit the valid ones week by week."""
        rows = [self._parse(number, cells) for number, cells in self.sheet.rows]
        self._match(rows)
        valid = [row for row in rows if not row.errors]
        for row in rows:
            self.result.errors += row.errors
        # Earlier weeks first, so that a file holding several weeks of a project derives each
        # cumulative figure from the week before it.
        valid.sort(key=lambda row: (row.project.pk if row.project else 0, row.week, row.number))
        for row in valid:
            self._apply(row)
        order = {row.number: index for index, row in enumerate(rows)}
        for outcomes in (self.result.created, self.result.unchanged):
            outcomes.sort(key=lambda outcome: order[outcome.row])

    def _parse(self, number: int, cells: Cells) -> _ReportRow:
        row = _ReportRow(number, {}, [])
        for column in excel.REPORT_COLUMNS:
            if column.header not in self.sheet.present or column.kind == excel.INFO:
                continue
            raw = cells.get(column.header)
            try:
                if raw is None:
                    row.values[column.field] = None
                elif column.kind == excel.WEEK:
                    row.values[column.field] = excel.parse_week(raw)
                elif column.kind == excel.PERCENT:
                    row.values[column.field] = excel.parse_percent(raw)
                else:
                    row.values[column.field] = parse_cell(column, raw)
            except ValidationError as exc:
                row.errors += cell_errors(number, column, exc)
        week_header = self.headers["week"]
        week = row.values.get("week")
        if self.week is not None and week is not None and week != self.week:
            row.errors.append(
                RowError(
                    number,
                    week_header,
                    _("This import is for week {week}; the row says {other}.").format(
                        week=iso_label(self.week), other=iso_label(week)
                    ),
                    "other_week",
                )
            )
        row.week = week or self.week
        if row.week is None and not any(e.column == week_header for e in row.errors):
            row.errors.append(
                RowError(
                    number,
                    week_header,
                    _("Give the week, e.g. {week}.").format(week=iso_label(monday_of(self.today))),
                    "required",
                )
            )
        elif row.week is not None and row.week > monday_of(self.today):
            row.errors.append(
                RowError(
                    number,
                    week_header,
                    _("Week {week} has not begun; a report cannot be for a future week.").format(
                        week=iso_label(row.week)
                    ),
                    "future_week",
                )
            )
        money = ("invested_this_week", "cumulative_invested")
        if all(row.values.get(name) is None for name in money) and not any(
            e.column in (self.headers[name] for name in money) for e in row.errors
        ):
            row.errors.append(
                RowError(
                    number,
                    self.headers["invested_this_week"],
                    _(
                        "Give the investment completed this week (0 if none) or the cumulative "
                        "figure, or delete the row."
                    ),
                    "required",
                )
            )
        return row

    def _match(self, rows: list[_ReportRow]) -> None:
        """The project of each row (by number, else by exact name), within the user's sight."""
        code_header = self.headers["code"]
        codes = sorted({row.values["code"] for row in rows if row.values.get("code")})
        names = sorted(
            {
                row.values["name"]
                for row in rows
                if row.values.get("name") and not row.values.get("code")
            }
        )
        by_code: dict[str, Project] = {}
        by_name: dict[str, list[Project]] = defaultdict(list)
        visible = Project.objects.for_user(self.actor)
        for chunk in chunks(codes):
            by_code |= {p.code: p for p in visible.filter(code__in=chunk)}
        for chunk in chunks(names):
            for project in visible.filter(name__in=chunk):
                by_name[project.name].append(project)
        keys: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
        for row in rows:
            code, name = row.values.get("code"), row.values.get("name")
            if code:
                row.project = by_code.get(code)
                if row.project is None:
                    row.errors.append(_not_yours(row.number, code_header))
            elif name:
                found = by_name.get(name, [])
                if len(found) == 1:
                    row.project = found[0]
                else:
                    row.errors.append(
                        RowError(
                            row.number,
                            code_header,
                            _(
                                "Write the project number: no single project in your area has "
                                "this name."
                            ),
                            "not_found",
                        )
                    )
            else:
                row.errors.append(
                    RowError(
                        row.number,
                        code_header,
                        _("Give the project number (or its exact name)."),
                        "required",
                    )
                )
            if row.project is not None and row.week is not None:
                keys[(row.project.pk, row.week)].append(row.number)
        by_row = {row.number: row for row in rows}
        for error in duplicate_errors(
            keys,
            self.headers["week"],
            _("The same project and week also appear in row {rows}; give each week once."),
        ):
            assert error.row is not None
            by_row[error.row].errors.append(error)

    def _apply(self, row: _ReportRow) -> None:
        project, week = row.project, row.week
        assert project is not None
        assert week is not None
        values = row.values
        headers = self.headers
        invested, cumulative = values.get("invested_this_week"), values.get("cumulative_invested")
        start = reporting.prefill(project, week)
        percent = values.get("percent_complete")
        if percent is None:
            percent = start["percent_complete"]
        progress = values.get("progress_text") or ""
        key = f"{project.code or project.name} · {iso_label(week)}"
        existing: WeeklyReport | None = start["existing"]
        if existing is not None:
            self._compare(row, existing, start["cumulative_before"], percent, progress, key)
            return
        headers_now = dict(headers)
        if cumulative is not None and invested is None:
            # The service derives this week's figure; its refusals belong to the column given.
            headers_now["invested_this_week"] = headers["cumulative_invested"]
        try:
            with transaction.atomic():
                report = reporting.submit_report(
                    actor=self.actor,
                    project=project,
                    week=week,
                    invested_this_week=invested,
                    cumulative_invested=cumulative,
                    progress_text=progress,
                    percent_complete=percent,
                    problems=_problems(values.get("problems")),
                    today=self.today,
                )
        except ValidationError as exc:
            self.result.errors += field_errors(row.number, exc, headers_now)
            return
        except PermissionDenied as exc:
            self.result.errors.append(RowError(row.number, headers["code"], str(exc), "permission"))
            return
        self.result.created.append(
            RowOutcome(row.number, key, project.name, self._figures(report, values))
        )

    def _figures(self, report: WeeklyReport, values: Mapping[str, Any]) -> list[FieldChange]:
        shown = [
            ("invested_this_week", str(yuan_to_wan(report.invested_this_week))),
            ("cumulative_invested", str(yuan_to_wan(report.cumulative_invested))),
            ("percent_complete", str(report.percent_complete)),
        ]
        if report.progress_text:
            shown.append(("progress_text", report.progress_text))
        if values.get("problems"):
            shown.append(("problems", str(len(_problems(values["problems"])))))
        return [FieldChange(self.headers[name], "", text) for name, text in shown]

    def _compare(
        self,
        row: _ReportRow,
        existing: WeeklyReport,
        cumulative_before: Decimal,
        percent: int,
        progress: str,
        key: str,
    ) -> None:
        """A week already reported: unchanged when the file repeats it, else an error."""
        values = row.values
        headers = self.headers
        checks: list[tuple[str, Any, Any]] = []
        if values.get("invested_this_week") is not None:
            checks.append(
                ("invested_this_week", existing.invested_this_week, values["invested_this_week"])
            )
        if values.get("cumulative_invested") is not None:
            checks.append(
                (
                    "cumulative_invested",
                    existing.cumulative_invested,
                    values["cumulative_invested"],
                )
            )
        if values.get("percent_complete") is not None:
            checks.append(("percent_complete", existing.percent_complete, percent))
        if values.get("progress_text"):
            checks.append(("progress_text", existing.progress_text, progress.strip()))
        differing = [name for name, old, new in checks if old != new]
        if not differing:
            self.result.unchanged.append(RowOutcome(row.number, key, existing.project.name))
            return
        for name in differing:
            self.result.errors.append(
                RowError(
                    row.number,
                    headers[name],
                    _(
                        "Week {week} is already reported for this project with other figures "
                        "(this week {invested} 万元, to date {cumulative} 万元, {percent}%). A "
                        "report is not overwritten; ask the ledger keeper to correct it."
                    ).format(
                        week=iso_label(existing.week),
                        invested=yuan_to_wan(existing.invested_this_week),
                        cumulative=yuan_to_wan(existing.cumulative_invested),
                        percent=existing.percent_complete,
                    ),
                    "already_reported",
                )
            )


def _week_of(week: dt.date | str | None) -> dt.date | None:
    if week is None or week == "":
        return None
    if isinstance(week, str):
        return parse_iso_week(week)
    return monday_of(week)


def import_reports(
    *,
    actor: Any,
    file: Any,
    dry_run: bool,
    week: dt.date | str | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Submit a week's reports from a workbook (one row per project; `week` fills an empty
    周次); all rows are saved or none, and a week already reported the same way is skipped."""
    _require_importer(actor)
    result = ImportResult(kind=excel.REPORTS, dry_run=dry_run)
    try:
        monday = _week_of(week)
    except ValidationError as exc:
        result.errors = [RowError(None, "", m, "week") for m in exc.messages]
        return result
    sheet = _read(file, excel.REPORTS)
    result.ignored_columns = sheet.ignored
    headers = excel.REPORT_HEADERS
    if not sheet.errors:
        groups: list[tuple[str, ...]] = [
            ("code", "name"),
            ("invested_this_week", "cumulative_invested"),
        ]
        if monday is None:
            groups.append(("week",))
        sheet.errors = [
            _missing_column(headers[group[0]])
            for group in groups
            if not any(headers[name] in sheet.present for name in group)
        ]
    if sheet.errors:
        result.errors = sheet.errors
        return result
    work = _ReportImport(actor, sheet, result, week=monday, today=today or timezone.localdate())
    run_atomically(result, work.run)
    return _finish(result, excel.REPORT_COLUMNS)
