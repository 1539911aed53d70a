"""Excel column specs of the enterprise register, shared by template, import and export.

The Chinese headers are the file format users exchange (the county's own spreadsheets), so they
are fixed text, not translations; the guidance in the 说明 sheet is translated like the UI.
Money is written in 万元 and stored in yuan exactly (Decimal × 10 000).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from jinmu.core.uploads import neutralise_cell, normalise_header, unneutralise_cell
from jinmu.core.validators import normalize_uscc, validate_uscc
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from jinmu.enterprises.models import AnnualFigures, Enterprise

TEN_THOUSAND = Decimal(10_000)
YUAN_PLACES = Decimal("0.01")

ENTERPRISES = "enterprises"
FIGURES = "figures"
KINDS = (ENTERPRISES, FIGURES)

# Sheet names of the data sheets; the import looks for them first, then takes the first sheet.
ENTERPRISE_SHEET = "企业名录"
FIGURES_SHEET = "年度数据"
GUIDE_SHEET = "说明"
LISTS_SHEET = "选项"

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

# Column kinds: how a cell is read, checked and written.
TEXT = "text"
USCC = "uscc"
NAMES = "names"
DATE = "date"
DECIMAL = "decimal"
MONEY = "money"
INTEGER = "integer"
YEAR = "year"
CHOICE = "choice"
TOWN = "town"
PARK = "park"
INDUSTRY = "industry"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: header, model field, how to read it, and guidance."""

    header: str
    field: str
    kind: str
    help: Promise | str
    required: bool = False
    places: int = 2  # decimals kept (money: in yuan, so 6 in 万元)
    non_negative: bool = False
    strict_places: bool = True  # False: round silently (coordinates)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    width: int = 14

    @property
    def is_text_cell(self) -> bool:
        """Columns formatted as text in the template so Excel keeps long digit strings."""
        return self.kind in (USCC, TEXT, INDUSTRY, NAMES)


ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column(
        "统一社会信用代码",
        "uscc",
        USCC,
        required=True,
        width=22,
        help=gettext_lazy(
            "18 characters (GB 32100-2015). Existing enterprises are matched by "
            "this code and updated; new codes create enterprises."
        ),
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
    Column(
        "经度",
        "longitude",
        DECIMAL,
        places=6,
        strict_places=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        help=gettext_lazy("Longitude in decimal degrees (WGS 84), e.g. 116.800000."),
    ),
    Column(
        "纬度",
        "latitude",
        DECIMAL,
        places=6,
        strict_places=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        help=gettext_lazy("Latitude in decimal degrees (WGS 84), e.g. 37.650000."),
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
    Column(
        "统一社会信用代码",
        "uscc",
        USCC,
        required=True,
        width=22,
        help=gettext_lazy(
            "Credit code of an enterprise already in the register (import the enterprise first)."
        ),
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

_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_NAME_SEPARATORS = re.compile(r"[、;；,，\n]+")


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


def _invalid(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def parse_text(value: Any) -> str:
    """Any cell as text: whole numbers without '.0', neutralised formulas restored."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(unneutralise_cell(value)).strip()


def parse_uscc(value: Any) -> str:
    """A credit code; refuses one that Excel turned into a number (digits lost)."""
    if isinstance(value, float):
        raise _invalid(
            _(
                "Excel stored this credit code as a number and lost digits. Format the column "
                "as text and type the code again."
            ),
            "uscc_number",
        )
    code = normalize_uscc(parse_text(value))
    validate_uscc(code)
    return code


def parse_names(value: Any) -> list[str]:
    """Former names, separated by 、 ; or new lines."""
    text = parse_text(value)
    return [name.strip() for name in _NAME_SEPARATORS.split(text) if name.strip()]


def parse_date(value: Any) -> dt.date:
    """A date cell, or text written as YYYY-MM-DD (also / . 年月日)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = parse_text(value)
    for pattern in _DATE_PATTERNS:
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise _invalid(
        _("“{value}” is not a date. Write it as YYYY-MM-DD, e.g. 2015-03-08.").format(value=text),
        "date",
    )


def _to_decimal(value: Any) -> tuple[Decimal, bool]:
    """The number in a cell and whether it came from a binary float."""
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        return Decimal(repr(value)), True
    if isinstance(value, Decimal):
        return value, False
    text = parse_text(value).replace(",", "").replace("，", "").replace(" ", "")
    return Decimal(text), False


def parse_decimal(value: Any, *, places: int, strict: bool = True) -> Decimal:
    """A number with at most `places` decimals (float noise from Excel is rounded away)."""
    try:
        number, from_float = _to_decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(
            _("“{value}” is not a number. Enter digits only, without units.").format(
                value=parse_text(value)
            ),
            "number",
        ) from exc
    if not number.is_finite():
        raise _invalid(_("Enter a finite number."), "number")
    quantum = Decimal(1).scaleb(-places)
    rounded = number.quantize(quantum)
    if rounded != number and strict:
        noise = abs(rounded - number) <= Decimal("1e-9") * max(Decimal(1), abs(number))
        if not from_float or not noise:
            raise _invalid(
                _("Use at most {places} decimal places.").format(places=places), "places"
            )
    return rounded


def parse_money(value: Any) -> Decimal:
    """万元 in the sheet → yuan, exactly (two decimals of yuan = six of 万元)."""
    wan = parse_decimal(value, places=6)
    return (wan * TEN_THOUSAND).quantize(YUAN_PLACES)


def parse_integer(value: Any) -> int:
    """A whole number (12, 12.0 or “1,200”)."""
    try:
        number, _from_float = _to_decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(
            _("“{value}” is not a whole number.").format(value=parse_text(value)), "integer"
        ) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise _invalid(
            _("“{value}” is not a whole number.").format(value=parse_text(value)), "integer"
        )
    return int(number)


def parse_year(value: Any) -> int:
    """A year such as 2025 (also “2025年”)."""
    if isinstance(value, str):
        value = value.strip().removesuffix("年")
    year = parse_integer(value)
    if year > timezone.localdate().year:
        raise _invalid(
            _("Year {year} is in the future; figures can only be entered for past years.").format(
                year=year
            ),
            "future_year",
        )
    return year


def parse_choice(value: Any, *, field: str, lookup: dict[str, str]) -> str:
    """A choice by its label, an everyday alias or its stored value."""
    text = parse_text(value)
    found = lookup.get(normalise_header(text))
    if found is None:
        raise _invalid(
            _("“{value}” is not one of: {allowed}.").format(
                value=text, allowed="、".join(choice_labels(field))
            ),
            "choice",
        )
    return found


def parse_cell(column: Column, value: Any) -> Any:
    """Read one cell of a plain column (not town, park, industry, choice); None when empty.

    Raises ValidationError with a message that says what is wrong and how to fix it.
    """
    if value is None:
        return None
    kind = column.kind
    result: Any
    if kind == USCC:
        result = parse_uscc(value)
    elif kind == TEXT:
        result = parse_text(value) or None
    elif kind == NAMES:
        result = parse_names(value)
    elif kind == DATE:
        result = parse_date(value)
    elif kind == MONEY:
        result = parse_money(value)
    elif kind == DECIMAL:
        result = parse_decimal(value, places=column.places, strict=column.strict_places)
    elif kind == INTEGER:
        result = parse_integer(value)
    elif kind == YEAR:
        result = parse_year(value)
    else:
        result = parse_text(value) or None
    if isinstance(result, int | Decimal) and not isinstance(result, bool):
        _check_range(column, result)
    return result


def _check_range(column: Column, number: int | Decimal) -> None:
    if column.non_negative and number < 0:
        raise _invalid(
            _("{column} cannot be negative. Enter 0 or a positive number.").format(
                column=column.header
            ),
            "negative",
        )
    if column.min_value is not None and number < column.min_value:
        raise _invalid(
            _("{column} must be at least {limit}.").format(
                column=column.header, limit=column.min_value
            ),
            "range",
        )
    if column.max_value is not None and number > column.max_value:
        raise _invalid(
            _("{column} must be at most {limit}.").format(
                column=column.header, limit=column.max_value
            ),
            "range",
        )


# -- writing cells -------------------------------------------------------------------------------


def yuan_to_wan(value: Decimal | None) -> Decimal | None:
    """Yuan → 万元, exactly, without trailing zeros (30000000.00 → 3000)."""
    if value is None:
        return None
    wan = Decimal(value) / TEN_THOUSAND
    normalised = wan.normalize()
    # normalize() turns 3000 into 3E+3; quantize back to a plain exponent of 0 in that case.
    if normalised.as_tuple().exponent > 0:  # type: ignore[operator]
        return normalised.quantize(Decimal(1))
    return normalised


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
        normalised = value.normalize()
        if normalised.as_tuple().exponent > 0:  # type: ignore[operator]
            return normalised.quantize(Decimal(1))
        return normalised
    return value


def display_value(column: Column, value: Any, *, names: dict[str, dict[Any, str]]) -> str:
    """A value as text for the import preview (before → after)."""
    shown = cell_value(column, value, names=names)
    if shown is None:
        return ""
    if isinstance(shown, dt.date):
        return shown.isoformat()
    return str(shown)


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


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _styled_cell(sheet: Any, value: Any, column: Column | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=neutralise_cell(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if column is not None and column.kind == DATE and value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def write_export(rows: Iterable[list[Any]], *, columns: Sequence[Column], sheet_name: str) -> bytes:
    """A streamed (write-only) workbook with a header row and the given rows, cells neutralised."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [_styled_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- templates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateLists:
    """Values offered in the template's dropdowns."""

    towns: Sequence[str] = ()
    parks: Sequence[str] = ()


def _add_list_validation(
    sheet: Worksheet,
    lists: Worksheet,
    *,
    column_index: int,
    list_column: int,
    values: Sequence[str],
    title: str,
) -> None:
    if not values:
        return
    letter = get_column_letter(list_column)
    lists.cell(row=1, column=list_column, value=title).font = _HEADER_FONT
    for row, value in enumerate(values, start=2):
        lists.cell(row=row, column=list_column, value=neutralise_cell(value)).data_type = "s"
    reference = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    validation = DataValidation(type="list", formula1=reference, allow_blank=True)
    validation.error = _("Choose a value from the list.")
    validation.errorTitle = title
    validation.showErrorMessage = True
    target = get_column_letter(column_index)
    validation.add(f"{target}2:{target}10000")
    sheet.add_data_validation(validation)


def build_template(kind: str, lists: TemplateLists | None = None) -> bytes:
    """The empty import workbook of a kind: a header row, dropdowns, and a 说明 sheet."""
    columns = COLUMNS[kind]
    lists = lists or TemplateLists()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = SHEETS[kind]
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.is_text_cell:
            dimension.number_format = TEXT_FORMAT
        elif column.kind == DATE:
            dimension.number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"

    positions = {column.field: index for index, column in enumerate(columns, start=1)}
    if kind == ENTERPRISES:
        option_sheet = workbook.create_sheet(LISTS_SHEET)
        option_sheet.sheet_state = "hidden"
        dropdowns: list[tuple[str, Sequence[str], str]] = [
            ("scale", choice_labels("scale"), "规模"),
            ("status", choice_labels("status"), "状态"),
            ("region", list(lists.towns), "所在乡镇"),
            ("park", list(lists.parks), "所在园区"),
        ]
        for list_column, (field, values, title) in enumerate(dropdowns, start=1):
            _add_list_validation(
                sheet,
                option_sheet,
                column_index=positions[field],
                list_column=list_column,
                values=values,
                title=title,
            )
    else:
        year = DataValidation(
            type="whole",
            operator="between",
            formula1="1949",
            formula2=str(timezone.localdate().year),
            allow_blank=False,
        )
        year.error = _("Enter a year between 1949 and this year.")
        year.showErrorMessage = True
        letter = get_column_letter(positions["year"])
        year.add(f"{letter}2:{letter}10000")
        sheet.add_data_validation(year)

    _write_guide(workbook.create_sheet(GUIDE_SHEET), kind, columns, lists)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_guide(
    guide: Worksheet, kind: str, columns: Sequence[Column], lists: TemplateLists
) -> None:
    wrap = Alignment(wrap_text=True, vertical="top")
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
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 8
    guide.column_dimensions["C"].width = 80
    for note in notes:
        guide.append([neutralise_cell(note)])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in guide[guide.max_row]:
        cell.font = _HEADER_FONT
    for column in columns:
        guide.append([column.header, _("yes") if column.required else "", str(column.help)])
        for cell in guide[guide.max_row]:
            cell.alignment = wrap
    if kind == ENTERPRISES and lists.towns:
        guide.append([])
        guide.append([_("Towns"), "", "、".join(lists.towns)])
        guide[guide.max_row][2].alignment = wrap
