"""Import an official list of divisions (a province's list from 民政部, or the statistics
bureau's with 12-digit codes): all or nothing, every bad line reported, a dry run first.

Only the lines inside the administrator's region are kept (the published list is a whole
province's); the others are counted and skipped. A region that exists is renamed if the list
names it otherwise, and loses its "made-up demo code" mark.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinmu.core.audit import record_change, snapshot
from jinmu.core.choices import AuditAction
from jinmu.core.imports import FieldChange, ImportResult, RowError, RowOutcome, run_atomically
from jinmu.core.models import Region
from jinmu.core.types import User
from jinmu.organisation import codes

KIND = "regions"
CODE_COLUMN = "代码"
NAME_COLUMN = "名称"


@dataclass(frozen=True)
class Division:
    """A checked line: where it was, its code, name and level."""

    line: int
    code: str
    name: str
    level: str


@dataclass
class RegionImportResult(ImportResult):
    """An import of a list, with the number of lines outside the administrator's region."""

    outside: int = 0


# The error code of a column's check when the check names none.
_COLUMN_ERROR = {CODE_COLUMN: "code", NAME_COLUMN: "name"}


def _cleaned(
    clean: Callable[[str], str], text: str, number: int, column: str, errors: list[RowError]
) -> str | None:
    """`text` after `clean`, or None with its errors added (in `column` of line `number`)."""
    try:
        return clean(text)
    except ValidationError as error:
        code = error.code or _COLUMN_ERROR[column]
        errors += [RowError(number, column, m, code) for m in error.messages]
        return None


def parse_divisions(content: bytes) -> tuple[list[Division], list[RowError]]:
    """Every line of the list, checked on its own (shape of the code, the name), and the
    errors of the lines that fail and of codes listed twice."""
    divisions: list[Division] = []
    errors: list[RowError] = []
    try:
        lines = list(codes.read_list(content))
    except ValidationError as error:
        return [], [RowError(None, "", m, "file") for m in error.messages]
    for line in lines:
        code = _cleaned(codes.normalise_code, line.code, line.number, CODE_COLUMN, errors)
        if code is None:
            continue
        name = _cleaned(codes.clean_name, line.name, line.number, NAME_COLUMN, errors)
        if name is None:
            continue
        divisions.append(Division(line.number, code, name, codes.level_of(code)))
    by_code: dict[str, list[int]] = defaultdict(list)
    for division in divisions:
        by_code[division.code].append(division.line)
    for code, lines_of_code in by_code.items():
        if len(lines_of_code) > 1:
            for number in lines_of_code:
                others = "、".join(str(n) for n in lines_of_code if n != number)
                errors.append(
                    RowError(
                        number,
                        CODE_COLUMN,
                        _("{code} is listed again on line {rows}.").format(code=code, rows=others),
                        "duplicate",
                    )
                )
    if not lines and not errors:
        errors.append(
            RowError(None, "", _("The file lists no divisions (lines “code name”)."), "no_rows")
        )
    return divisions, errors


def import_regions(
    *, actor: User, content: bytes, prefix: str | None, dry_run: bool = True
) -> RegionImportResult:
    """Create and rename the regions of a list inside `prefix` (None: every line); nothing is
    saved when any line inside it is wrong, or on a dry run."""
    result = RegionImportResult(kind=KIND, dry_run=dry_run)
    divisions, errors = parse_divisions(content)
    if prefix is not None:
        inside = [d for d in divisions if d.code.startswith(prefix)]
        result.outside = len(divisions) - len(inside)
        errors = [
            e for e in errors if e.row is None or e.row not in _outside_lines(divisions, prefix)
        ]
        divisions = inside
    result.errors = errors
    if result.errors:
        return result
    if not divisions:
        result.errors.append(
            RowError(
                None,
                "",
                _("No line of the file lies inside the region you administer ({prefix}…).").format(
                    prefix=prefix
                ),
                "no_rows",
            )
        )
        return result

    def work() -> None:
        _apply(actor, divisions, result)

    run_atomically(result, work)
    return result


def _outside_lines(divisions: list[Division], prefix: str) -> set[int]:
    return {d.line for d in divisions if not d.code.startswith(prefix)}


def _apply(actor: User, divisions: list[Division], result: ImportResult) -> None:
    """Parents before children (shorter codes first), each nested in a region that exists or
    comes earlier in the list."""
    known = {r.code: r for r in Region.objects.filter(code__in=_codes_and_parents(divisions))}
    for division in sorted(divisions, key=lambda d: (len(d.code), d.code)):
        candidates = codes.parent_candidates(division.code)
        parent = next((known[c] for c in candidates if c in known), None)
        if candidates and parent is None:
            result.errors.append(
                RowError(
                    division.line,
                    CODE_COLUMN,
                    _(
                        "{code} does not nest in a known region: {parent} is neither in "
                        "the list nor on the platform."
                    ).format(code=division.code, parent=candidates[0]),
                    "parent",
                )
            )
            continue
        existing = known.get(division.code)
        outcome = RowOutcome(division.line, division.code, division.name)
        if existing is None:
            region = Region.objects.create(
                code=division.code,
                name=division.name,
                level=division.level,
                parent=parent,
                is_demo_code=False,
            )
            record_change(obj=region, action=AuditAction.CREATE, actor=actor, before=None)
            known[region.code] = region
            outcome.changes.append(FieldChange(NAME_COLUMN, "", division.name))
            result.created.append(outcome)
            continue
        if existing.name == division.name and not existing.is_demo_code:
            result.unchanged.append(outcome)
            continue
        before = snapshot(existing)
        if existing.name != division.name:
            outcome.changes.append(FieldChange(NAME_COLUMN, existing.name, division.name))
        if existing.is_demo_code:
            outcome.changes.append(FieldChange(_("official code"), _("no"), _("yes")))
        existing.name = division.name
        existing.is_demo_code = False
        existing.save(update_fields=["name", "is_demo_code"])
        record_change(obj=existing, action=AuditAction.UPDATE, actor=actor, before=before)
        result.updated.append(outcome)


def _codes_and_parents(divisions: list[Division]) -> set[str]:
    wanted = {d.code for d in divisions}
    for division in divisions:
        wanted.update(codes.parent_candidates(division.code))
    return wanted
