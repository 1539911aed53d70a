"""Excel column specs of the enterprise register, shared by template, import and export.

The Chinese headers are the file format users exchange (the county's own spreadsheets), so they
are fixed text, not translations; the guidance in the 说明 sheet is translated like the UI.
Money is written in 万元 and stored in yuan exactly (Decimal × 10 000). The column kinds, cell
readers, the streamed writer and the template helpers are core's (`jinmu.core.excel`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from jinmu.core.excel import (
    CHOICE,
    DATE,
    DECIMAL,
    INDUSTRY,
    INTEGER,
    MONEY,
    NAMES,
    PARK,
    TEXT,
    TOWN,
    USCC,
    YEAR,
    Column,
    add_list_validation,
    add_rule,
    lists_sheet,
    parse_word,
    plain_decimal,
    save_workbook,
    shown_text,
    write_guide,
    write_header,
    yuan_to_wan,
)
from jinmu.core.uploads import normalise_header
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus

if TYPE_CHECKING:
    from jinmu.enterprises.models import AnnualFigures, Enterprise

ENTERPRISES = "enterprises"
FIGURES = "figures"
KINDS = (ENTERPRISES, FIGURES)

# Sheet names of the data sheets; the import looks for them first, then takes the first sheet.
ENTERPRISE_SHEET = "企业名录"
FIGURES_SHEET = "年度数据"

_LAST_ROW = 10000  # the template's dropdowns and checks reach this row


def _coordinate(header: str, field: str, limit: int, help_text: Promise) -> Column:
    """A longitude or latitude in decimal degrees, between -limit and limit."""
    return Column(
        header,
        field,
        DECIMAL,
        places=6,
        strict_places=False,
        min_value=Decimal(-limit),
        max_value=Decimal(limit),
        help=help_text,
    )


def _uscc(help_text: Promise) -> Column:
    """The credit code, which matches a row to its enterprise."""
    return Column("统一社会信用代码", "uscc", USCC, required=True, width=22, help=help_text)


ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    _uscc(
        gettext_lazy(
            "18 characters (GB 32100-2015). Existing enterprises are matched by "
            "this code and updated; new codes create enterprises."
        )
    ),
    Column(
        "企业名称", "name", TEXT, required=True, width=32, help=gettext_lazy("The registered name.")
    ),
    Column(
        "曾用名",
        "former_names",
        NAMES,
        width=20,
        help=gettext_lazy("Former names, separated by 、 or ;"),
    ),
    Column(
        "法定代表人",
        "legal_representative",
        TEXT,
        help=gettext_lazy("Name of the legal representative."),
    ),
    Column(
        "成立日期", "founded_on", DATE, help=gettext_lazy("Date as YYYY-MM-DD, e.g. 2015-03-08.")
    ),
    Column(
        "所在乡镇",
        "region",
        TOWN,
        help=gettext_lazy(
            "Town or street, as in the dropdown. Empty: the county itself (a town user's own town)."
        ),
    ),
    Column(
        "所在园区",
        "park",
        PARK,
        width=20,
        help=gettext_lazy("Park name, as in the dropdown; leave empty if not in a park."),
    ),
    Column("地址", "address", TEXT, width=30, help=gettext_lazy("Street address.")),
    _coordinate(
        "经度",
        "longitude",
        180,
        gettext_lazy("Longitude in decimal degrees (WGS 84), e.g. 116.800000."),
    ),
    _coordinate(
        "纬度",
        "latitude",
        90,
        gettext_lazy("Latitude in decimal degrees (WGS 84), e.g. 37.650000."),
    ),
    Column(
        "行业代码",
        "industry",
        INDUSTRY,
        help=gettext_lazy("GB/T 4754-2017 industry code, e.g. C3311 or C33."),
    ),
    Column(
        "规模",
        "scale",
        CHOICE,
        help=gettext_lazy(
            "Above or below designated size, as in the dropdown. Empty: below "
            "designated size for a new enterprise, unchanged otherwise."
        ),
    ),
    Column(
        "状态",
        "status",
        CHOICE,
        help=gettext_lazy(
            "Registration status, as in the dropdown. Empty: operating for a "
            "new enterprise, unchanged otherwise."
        ),
    ),
    Column("联系人", "contact_name", TEXT, help=gettext_lazy("Contact person.")),
    Column(
        "联系电话",
        "contact_phone",
        TEXT,
        width=16,
        help=gettext_lazy("Phone number, written as text."),
    ),
)


def _money(header: str, field: str, help_text: Promise, *, non_negative: bool = True) -> Column:
    return Column(
        header, field, MONEY, places=6, non_negative=non_negative, width=16, help=help_text
    )


FIGURE_COLUMNS: tuple[Column, ...] = (
    _uscc(
        gettext_lazy(
            "Credit code of an enterprise already in the register (import the enterprise first)."
        )
    ),
    Column(
        "年度",
        "year",
        YEAR,
        required=True,
        width=8,
        help=gettext_lazy(
            "Year of the figures, e.g. 2025; not a future year. Figures of the "
            "same enterprise and year are updated."
        ),
    ),
    _money("营业收入(万元)", "operating_revenue", gettext_lazy("Operating revenue in 万元.")),
    _money("工业总产值(万元)", "industrial_output", gettext_lazy("Industrial output in 万元.")),
    _money("增加值(万元)", "value_added", gettext_lazy("Value added in 万元."), non_negative=False),
    _money(
        "利润总额(万元)",
        "total_profit",
        gettext_lazy("Total profit in 万元; a loss is negative."),
        non_negative=False,
    ),
    _money("实缴税金(万元)", "tax_paid", gettext_lazy("Taxes paid in 万元.")),
    _money("研发费用(万元)", "rd_expense", gettext_lazy("R&D expense in 万元.")),
    _money("出口额(万元)", "export_value", gettext_lazy("Export value in 万元.")),
    Column(
        "从业人员",
        "employees",
        INTEGER,
        non_negative=True,
        width=10,
        help=gettext_lazy("Number of employees (whole number)."),
    ),
    Column(
        "科技人员",
        "st_staff",
        INTEGER,
        non_negative=True,
        width=10,
        help=gettext_lazy("Science and technology staff; at most the number of employees."),
    ),
    Column(
        "用地面积(亩)",
        "land_area_mu",
        DECIMAL,
        non_negative=True,
        help=gettext_lazy("Land area in mu, up to 2 decimals."),
    ),
    Column(
        "综合能耗(吨标准煤)",
        "energy_tce",
        DECIMAL,
        non_negative=True,
        width=18,
        help=gettext_lazy("Energy use in tonnes of standard coal, up to 2 decimals."),
    ),
    Column(
        "排放量(吨)",
        "emissions",
        DECIMAL,
        non_negative=True,
        help=gettext_lazy("Emissions in tonnes, up to 2 decimals."),
    ),
    _money("资产总额(万元)", "assets", gettext_lazy("Total assets in 万元."), non_negative=False),
    _money(
        "负债总额(万元)",
        "liabilities",
        gettext_lazy("Total liabilities in 万元."),
        non_negative=False,
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {ENTERPRISES: ENTERPRISE_COLUMNS, FIGURES: FIGURE_COLUMNS}
SHEETS: dict[str, str] = {ENTERPRISES: ENTERPRISE_SHEET, FIGURES: FIGURES_SHEET}

# Everyday words for the choices, accepted on import besides the labels.
SCALE_ALIASES = {
    "规上": EnterpriseScale.ABOVE,
    "规模以上": EnterpriseScale.ABOVE,
    "规上企业": EnterpriseScale.ABOVE,
    "规模以上企业": EnterpriseScale.ABOVE,
    "规下": EnterpriseScale.BELOW,
    "规模以下": EnterpriseScale.BELOW,
    "规下企业": EnterpriseScale.BELOW,
    "规模以下企业": EnterpriseScale.BELOW,
}
STATUS_ALIASES = {
    "在营": EnterpriseStatus.OPERATING,
    "存续": EnterpriseStatus.OPERATING,
    "在业": EnterpriseStatus.OPERATING,
    "开业": EnterpriseStatus.OPERATING,
    "停业": EnterpriseStatus.SUSPENDED,
    "歇业": EnterpriseStatus.SUSPENDED,
    "注销": EnterpriseStatus.DEREGISTERED,
}
CHOICES: dict[str, tuple[type[models.TextChoices], dict[str, Any]]] = {
    "scale": (EnterpriseScale, SCALE_ALIASES),
    "status": (EnterpriseStatus, STATUS_ALIASES),
}


def choice_lookup(field: str) -> dict[str, str]:
    """Normalised label (every language), value and alias → stored value, for one choice field."""
    choices, aliases = CHOICES[field]
    lookup: dict[str, str] = {normalise_header(k): str(v) for k, v in aliases.items()}
    for language in (translation.get_language() or "zh-hans", "zh-hans", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(normalise_header(str(label)), str(value))
    for value in choices.values:
        lookup.setdefault(normalise_header(value), str(value))
    return lookup


def choice_labels(field: str) -> list[str]:
    """Labels of a choice field in the active language (dropdowns and export)."""
    choices, _aliases = CHOICES[field]
    return [str(label) for label in choices.labels]


def choice_label(field: str, value: str) -> str:
    """The label of one stored choice value in the active language."""
    choices, _aliases = CHOICES[field]
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# -- reading cells -------------------------------------------------------------------------------


def parse_choice(value: Any, *, field: str, lookup: dict[str, str]) -> str:
    """A choice by its label, an everyday alias or its stored value."""
    return parse_word(value, lookup=lookup, allowed=partial(choice_labels, field))


# -- writing cells -------------------------------------------------------------------------------


def cell_value(column: Column, value: Any, *, names: dict[str, dict[Any, str]]) -> Any:
    """The value written into a cell for a model value (money in 万元, foreign keys by name)."""
    if value is None or value == "" or value == []:
        return None
    kind = column.kind
    if kind == MONEY:
        return yuan_to_wan(value)
    if kind == NAMES:
        return "、".join(value)
    if kind in (TOWN, PARK):
        return names[kind].get(value)
    if kind == CHOICE:
        return choice_label(column.field, value)
    if kind == DECIMAL and isinstance(value, Decimal):
        return plain_decimal(value)
    return value


def display_value(column: Column, value: Any, *, names: dict[str, dict[Any, str]]) -> str:
    """A value as text for the import preview (before → after)."""
    return shown_text(cell_value(column, value, names=names))


def model_value(column: Column, obj: Any) -> Any:
    """The model's value behind a column (foreign keys as their ids)."""
    if column.kind in (TOWN, PARK, INDUSTRY):
        return getattr(obj, f"{column.field}_id")
    return getattr(obj, column.field)


def enterprise_row(enterprise: Enterprise, *, names: dict[str, dict[Any, str]]) -> list[Any]:
    """One enterprise as the values of an export row, in column order."""
    return [
        cell_value(column, model_value(column, enterprise), names=names)
        for column in ENTERPRISE_COLUMNS
    ]


def figures_row(figures: AnnualFigures, uscc: str) -> list[Any]:
    """One year's figures as the values of an export row, in column order."""
    values: list[Any] = []
    for column in FIGURE_COLUMNS:
        raw = uscc if column.field == "uscc" else getattr(figures, column.field)
        values.append(cell_value(column, raw, names={}))
    return values


# -- templates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateLists:
    """Values offered in the template's dropdowns."""

    towns: Sequence[str] = ()
    parks: Sequence[str] = ()


def build_template(kind: str, lists: TemplateLists | None = None) -> bytes:
    """The empty import workbook of a kind: a header row, dropdowns, and a 说明 sheet."""
    columns = COLUMNS[kind]
    lists = lists or TemplateLists()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEETS[kind]
    write_header(sheet, columns)

    positions = {column.field: index for index, column in enumerate(columns, start=1)}
    if kind == ENTERPRISES:
        option_sheet = lists_sheet(workbook)
        dropdowns: list[tuple[str, Sequence[str], str]] = [
            ("scale", choice_labels("scale"), "规模"),
            ("status", choice_labels("status"), "状态"),
            ("region", list(lists.towns), "所在乡镇"),
            ("park", list(lists.parks), "所在园区"),
        ]
        for list_column, (field, values, title) in enumerate(dropdowns, start=1):
            add_list_validation(
                sheet,
                option_sheet,
                column_index=positions[field],
                list_column=list_column,
                values=values,
                title=title,
                error_title=title,
                last_row=_LAST_ROW,
            )
    else:
        year = DataValidation(
            type="whole",
            operator="between",
            formula1="1949",
            formula2=str(timezone.localdate().year),
            allow_blank=False,
        )
        add_rule(
            sheet,
            year,
            column_index=positions["year"],
            message=_("Enter a year between 1949 and this year."),
            last_row=_LAST_ROW,
        )

    write_guide(
        workbook, notes=_guide_notes(kind), columns=columns, extra=_guide_extra(kind, lists)
    )
    return save_workbook(workbook)


def _guide_notes(kind: str) -> list[str]:
    notes = [
        _("Fill in the sheet “{sheet}” from row 2; do not change the header row.").format(
            sheet=SHEETS[kind]
        ),
        _("Money is in 万元 (ten thousand yuan); it is stored exactly in yuan."),
        _(
            "The whole file is checked first: if any row has an error, nothing is saved and "
            "every error is listed by row and column."
        ),
        _("Importing the same file again changes nothing; only differences are saved."),
    ]
    if kind == FIGURES:
        notes.append(_("Every credit code must belong to an enterprise already in the register."))
    return notes


def _guide_extra(kind: str, lists: TemplateLists) -> list[tuple[str, str]]:
    if kind == ENTERPRISES and lists.towns:
        return [(_("Towns"), "、".join(lists.towns))]
    return []
