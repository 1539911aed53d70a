"""Reading and writing the cells of the ledger and report sheets (money in 万元, related rows
by name, weeks as ISO text)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinmu.core.excel import (
    CHOICE,
    DECIMAL,
    MONEY,
    PARK,
    TOWN,
    Column,
    parse_integer,
    parse_names,
    parse_text,
    plain_decimal,
    shown_text,
    yuan_to_wan,
)
from jinmu.projects.excel.columns import (
    CHAIN,
    ENTERPRISE,
    NODE,
    PLAN,
    PROJECT_COLUMNS,
    TAGS,
    UNIT,
    WEEK,
)
from jinmu.projects.excel.vocabularies import VOCABULARIES
from jinmu.projects.weeks import iso_label, monday_of, parse_iso_week

if TYPE_CHECKING:
    from jinmu.projects.models import Project


def parse_week(value: Any) -> dt.date:
    """An ISO week such as 2026-W47 (a date cell means its week) → the Monday of that week."""
    if isinstance(value, dt.datetime):
        return monday_of(value.date())
    if isinstance(value, dt.date):
        return monday_of(value)
    return parse_iso_week(parse_text(value))


def parse_percent(value: Any) -> int:
    """A whole percentage 0–100; “45%” and a percent-formatted cell (0.45) both read as 45."""
    if isinstance(value, float) and 0 < value < 1:
        value = round(value * 100, 6)
    elif isinstance(value, str):
        value = value.strip().removesuffix("%").removesuffix("％")
    number = parse_integer(value)
    if not 0 <= number <= 100:
        raise ValidationError(
            _("Percent complete must be a whole number from 0 to 100."), code="range"
        )
    return number


def parse_tag_names(value: Any) -> list[str]:
    """List names separated by 、 ; , or new lines."""
    return parse_names(value)


def cell_value(column: Column, value: Any) -> Any:
    """What a cell holds for a value as the imports read it (money in 万元, rows by name)."""
    if value is None or value == "" or value == [] or value == ():
        return None
    kind = column.kind
    if kind in (MONEY, PLAN):
        return yuan_to_wan(value)
    if kind == CHOICE:
        return VOCABULARIES[column.field].word(value)
    if kind == TAGS:
        return "、".join(str(item) for item in value)
    if kind == ENTERPRISE:
        return value.name
    if kind in (TOWN, PARK, CHAIN, NODE, UNIT):
        return value.name
    if kind == WEEK:
        return iso_label(value)
    if kind == DECIMAL and isinstance(value, Decimal):
        return plain_decimal(value)
    return value


def display_value(column: Column, value: Any) -> str:
    """A value as text for the import preview."""
    return shown_text(cell_value(column, value))


def project_values(project: Project, *, year: int) -> dict[str, Any]:
    """A project's value behind every ledger column (related rows as objects; tags sorted by
    name; the plan of `year`). Prefetch `tags` and `year_plans` when reading many."""
    values: dict[str, Any] = {}
    for column in PROJECT_COLUMNS:
        if column.kind == TAGS:
            values[column.field] = sorted(tag.name for tag in project.tags.all())
        elif column.kind == PLAN:
            plan = next((p for p in project.year_plans.all() if p.year == year), None)
            values[column.field] = plan.planned_investment if plan else None
        elif column.kind == TOWN:
            region = project.region
            values[column.field] = region if region.level == "town" else None
        else:
            values[column.field] = getattr(project, column.field)
    return values


def project_row(project: Project, *, year: int) -> list[Any]:
    """One project as an export row, in column order."""
    values = project_values(project, year=year)
    return [cell_value(column, values[column.field]) for column in PROJECT_COLUMNS]
