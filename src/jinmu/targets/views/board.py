"""Target pages: the year's board (by the four fronts or by 四提四增), the units holding targets,
each unit's own targets, and the Excel export of the board.

Roles that do not supervise (enterprise, bank, judge, auditor) get 403, as on the project board;
a unit outside the user's scope is a 404. `?year=` picks the year (default: this year); a past
year is read at its last day, a future one today (nothing due yet).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jinmu.core.audit import record_access
from jinmu.core.excel import DECIMAL, TEXT, Column, plain_decimal, write_export
from jinmu.core.money import rounded, share_as_percent
from jinmu.core.scoping import ScopeKind, scope_for
from jinmu.core.types import AuthedRequest, User
from jinmu.core.views_excel import require_export, xlsx_response
from jinmu.targets import queries
from jinmu.targets.choices import MAX_YEAR, MIN_YEAR, Action, Bound, Front, Status
from jinmu.targets.forms.target import bounded_int
from jinmu.targets.freshness import Generation, remember
from jinmu.targets.models import Target
from jinmu.targets.services import actor_region
from jinmu.targets.tables import BOARD, units_table
from jinmu.targets.templatetags.target_progress import target_value

BOARD_SCOPES = (ScopeKind.REGION, ScopeKind.CHAIN, ScopeKind.TOWN, ScopeKind.PARK)
# The years `?year=` may name; anything else falls back to this year.
GROUPINGS = ("front", "action")


def require_scope(request: AuthedRequest) -> None:
    """Refuse roles without a supervising scope (enterprise, bank, judge, auditor …) with 403."""
    if scope_for(request.user).kind not in BOARD_SCOPES:
        raise PermissionDenied(_("Your role has no access to the targets."))


def _year(request: AuthedRequest) -> int:
    """The year asked for, or this year when it is absent or not a sensible year."""
    year = bounded_int(request.GET.get("year"), MIN_YEAR, MAX_YEAR)
    return year if year is not None else timezone.localdate().year


def _year_context(request: AuthedRequest, year: int) -> dict[str, Any]:
    """The year selector: the years with targets, this year and the chosen one."""
    this_year = timezone.localdate().year
    return {
        "year": year,
        "this_year": this_year,
        "years": queries.years_with_targets(request.user, include=(year, this_year)),
    }


@login_required
@require_GET
def board(request: AuthedRequest) -> HttpResponse:
    """The year's targets of the user's scope, grouped by front (or by 四提四增 action)."""
    require_scope(request)
    year = _year(request)
    grouping = request.GET.get("group", "front")
    if grouping not in GROUPINGS:
        grouping = "front"
    return render(
        request,
        "targets/board.html",
        {
            "content": _board_content(request.user, year, grouping),
            "grouping": grouping,
            **_year_context(request, year),
        },
    )


# Drawings of another process may come from other templates or translations (a deployment in
# progress); each process keeps its own.
_PROCESS = secrets.token_hex(8)


def _board_content(user: User, year: int, grouping: str) -> SafeString:
    """The board's counts, note and tables, drawn once for each state of the targets and what
    they are measured from (the tokens of decision 0012), scope, day, grouping and language:
    drawing them was most of the board's time, though they change a few times a day."""
    on = queries.as_of(year)
    generation = Generation.read()

    def draw() -> str:
        data = queries.target_board(user, year, on, generation)
        groups = data.by_action if grouping == "action" else data.by_front
        context = {
            "board": data,
            "groups": groups,
            # Each group's table, by the group's key (`targets/_board_table.html`).
            "board_tables": {group.key: BOARD.of(group.rows) for group in groups},
            "grouping": grouping,
            "year": year,
        }
        return str(render_to_string("targets/_board_content.html", context))

    stamp = (
        f"{generation.key}:{generation.targets_key}"
        if generation.key is not None and generation.targets_key is not None
        else None
    )
    parts = (*queries.scope_parts(user), year, on, grouping, get_language(), _PROCESS)
    return mark_safe(remember("board-content", parts, stamp, draw))


@login_required
@require_GET
def units(request: AuthedRequest) -> HttpResponse:
    """Every unit holding targets in the user's scope, with its status counts."""
    require_scope(request)
    year = _year(request)
    on = queries.as_of(year)
    summaries = queries.units_with_targets(request.user, year, on)
    return render(
        request,
        "targets/units.html",
        {
            "table": units_table(year).of(summaries),
            "on": on,
            "expected": queries.year_share(year, on),
            **_year_context(request, year),
        },
    )


@login_required
@require_GET
def unit(request: AuthedRequest, unit_pk: int) -> HttpResponse:
    """The targets one unit holds (404 when the unit is outside the user's scope)."""
    require_scope(request)
    found = queries.visible_unit(request.user, unit_pk)
    if found is None:
        raise Http404(_("No such unit."))
    year = _year(request)
    data = queries.unit_targets(request.user, found, year, queries.as_of(year))
    return render(
        request,
        "targets/unit.html",
        {
            "data": data,
            "unit": found,
            "board_table": BOARD.of(data.rows),
            **_year_context(request, year),
        },
    )


# -- export --------------------------------------------------------------------------------------


def _percent(share: Decimal | None) -> Decimal | None:
    """A share as a percentage with one decimal (0.8734 → 87.3)."""
    percentage = share_as_percent(share, 1)
    return None if percentage is None else plain_decimal(percentage)


def _number(value: Decimal | None) -> Decimal | None:
    """A value rounded to two decimals, without trailing zeros."""
    number = rounded(value, 2)
    return None if number is None else plain_decimal(number)


def _label(choices: Any, value: str) -> str:
    """The label of a choice value ("" when empty or unknown)."""
    return str(choices(value).label) if value in choices.values else ""


def export_columns() -> list[Column]:
    """The export's columns: headers (translated), widths, in the order of `export_row`."""
    # (header, field, kind, width); a range's target value is text ("50–60"), so TEXT.
    specs = [
        (_("Front"), "front", TEXT, 22),
        (_("四提四增 action"), "action", TEXT, 16),
        (_("Goal"), "name", TEXT, 28),
        (_("Indicator"), "indicator", TEXT, 24),
        (_("Target value"), "value", TEXT, 12),
        (_("Bound"), "bound", TEXT, 10),
        (_("Unit"), "unit", TEXT, 8),
        (_("Measured"), "measured", DECIMAL, 12),
        (_("Progress (%)"), "progress", DECIMAL, 12),
        (_("序时 (%)"), "expected", DECIMAL, 10),
        (_("Status"), "status", TEXT, 10),
        (_("Year-end forecast"), "forecast", DECIMAL, 14),
        (_("Responsible unit"), "responsible_unit", TEXT, 22),
        (_("Part of"), "parent", TEXT, 28),
    ]
    return [
        Column(header=header, field=field, kind=kind, help="", width=width)
        for header, field, kind, width in specs
    ]


def _part_of(target: Target, visible: dict[int, Target]) -> str:
    """The "Part of" cell: the whole when the user sees it, else only that it is a part."""
    if not target.parent_id:
        return ""
    parent = visible.get(target.parent_id)
    if parent is None:
        return _("Part of a county target")
    return f"{parent.name} {target_value(parent)}"


def export_row(row: queries.BoardRow, visible: dict[int, Target] | None = None) -> list[Any]:
    """One row of the export; `visible` are the user's targets by pk (a whole outside them is
    not named)."""
    tp = row.progress
    target = row.target
    holder = queries.holder_of(target)
    return [
        _label(Front, target.front),
        _label(Action, target.action),
        target.name,
        target.indicator.name,
        _number(target.value) if target.bound != Bound.RANGE else target_value(target),
        _label(Bound, target.bound),
        target.unit,
        _number(tp.measured),
        _percent(tp.progress),
        _percent(tp.expected),
        _label(Status, tp.status),
        _number(tp.forecast),
        holder.name if holder is not None else "",
        _part_of(target, visible or {}),
    ]


def _region_name(user: User) -> str:
    """The name of the user's county (their own region, or their unit's)."""
    region = actor_region(user)
    return region.name if region is not None else ""


def board_workbook(board_data: queries.TargetBoard, *, title: str) -> bytes:
    """The board as a workbook: a title row, the headers, then every row with its parts."""
    rows = board_data.flat_rows()
    # Every visible target of the year is a row (a part of the same year as its whole).
    visible = {row.target.pk: row.target for row in rows}
    return write_export(
        (export_row(row, visible) for row in rows),
        columns=export_columns(),
        sheet_name=_("Targets"),
        title=title,
    )


def export_title(user: User, year: int, on: dt.date) -> str:
    """The title row: county, year and as-of date."""
    return _("{region} targets {year}, as of {day}").format(
        region=_region_name(user), year=year, day=on.isoformat()
    )


@login_required
@require_GET
def export(request: AuthedRequest) -> HttpResponse:
    """The board of `?year=` as the user sees it, as an .xlsx."""
    require_scope(request)
    require_export(request, "targets.export_target")
    year = _year(request)
    on = queries.as_of(year)
    data = queries.target_board(request.user, year, on)
    content = board_workbook(data, title=export_title(request.user, year, on))
    record_access(request, fmt="xlsx", year=year)
    return xlsx_response(content, f"目标进度-{year}.xlsx", f"targets-{year}.xlsx")


urlpatterns: list[URLPattern] = [
    path("", board, name="board"),
    path("units/", units, name="units"),
    path("units/<int:unit_pk>/", unit, name="unit"),
    path("export/", export, name="export"),
]
