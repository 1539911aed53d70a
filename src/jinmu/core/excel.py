"""Excel machinery shared by every import, template and export: column specs, cell readers and
writers, the streamed export, and the templates' dropdowns and 说明 sheet.

The apps define their columns (headers are the file format the county exchanges, so they are
fixed Chinese text) and what their own column kinds mean; everything here is generic. Money is
written in 万元 and stored in yuan exactly (Decimal × 10 000). Text written into a cell is
neutralised so that it never starts a formula (`jinmu.core.uploads`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from jinmu.core.money import WAN
from jinmu.core.uploads import neutralise_cell, normalise_header, unneutralise_cell
from jinmu.core.validators import (
    normalize_uscc,
    validate_date_range,
    validate_text,
    validate_uscc,
)

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

YUAN_PLACES = Decimal("0.01")

# Sheets every template has besides its data sheet.
GUIDE_SHEET = "说明"
LISTS_SHEET = "选项"  # hidden; holds the values of the dropdowns

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

# Column kinds: how a cell is read, checked and written. Apps add kinds of their own and handle
# them before falling back on `parse_cell`.
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

# Kinds formatted as text in a template, so that Excel keeps long digit strings.
TEXT_CELL_KINDS = frozenset({USCC, TEXT, INDUSTRY, NAMES})


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
        return self.kind in TEXT_CELL_KINDS


_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_NAME_SEPARATORS = re.compile(r"[、;；,，\n]+")


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
    """Names separated by 、 ; , or new lines."""
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
    return (wan * WAN).quantize(YUAN_PLACES)


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


def parse_word(
    value: Any, *, lookup: Mapping[str, str], allowed: Callable[[], Iterable[str]]
) -> str:
    """The stored value a cell names through `lookup` (keys normalised with `normalise_header`);
    otherwise an error that lists the words `allowed()` returns."""
    text = parse_text(value)
    found = lookup.get(normalise_header(text))
    if found is None:
        raise _invalid(
            _("“{value}” is not one of: {allowed}.").format(
                value=text, allowed="、".join(allowed())
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
        validate_date_range(result)
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
    for text in result if isinstance(result, list) else [result]:
        # Line breaks are allowed here (a cell may be multi-line text); the model's field
        # validators refuse them in single-line fields.
        validate_text(text, multiline=True)
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


def plain_decimal(number: Decimal) -> Decimal:
    """A decimal without trailing zeros and without an exponent (2.50 → 2.5, 300 → 300)."""
    plain = number.normalize()
    # normalize() turns 300 into 3E+2; quantize back to a plain exponent of 0 in that case.
    if plain.as_tuple().exponent > 0:  # type: ignore[operator]
        return plain.quantize(Decimal(1))
    return plain


def yuan_to_wan(value: Decimal | None) -> Decimal | None:
    """Yuan → 万元, exactly, without trailing zeros (30000000.00 → 3000)."""
    if value is None:
        return None
    return plain_decimal(Decimal(value) / WAN)


def shown_text(shown: Any) -> str:
    """What a cell value reads as in an import preview (dates as YYYY-MM-DD, None as "")."""
    if shown is None:
        return ""
    if isinstance(shown, dt.date):
        return shown.isoformat()
    return str(shown)


HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)  # an export's title row, above its header
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INFO_FILL = PatternFill("solid", fgColor="EDEDED")  # columns written for the reader only
WRAP = Alignment(wrap_text=True, vertical="top")


def _styled_cell(sheet: Any, value: Any, column: Column | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value=neutralise_cell(value))
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text
    if column is not None and column.kind == DATE and value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def write_export(
    rows: Iterable[list[Any]],
    *,
    columns: Sequence[Column],
    sheet_name: str,
    title: str | None = None,
) -> bytes:
    """A streamed (write-only) workbook with a header row and the given rows, cells neutralised.

    With a `title`, the first row holds it (in bold) and the header is the second row; the panes
    are frozen below the header either way."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header_row = 1 if title is None else 2
    sheet.freeze_panes = f"A{header_row + 1}"
    if title is not None:
        title_cell = _styled_cell(sheet, title)
        title_cell.font = TITLE_FONT
        sheet.append([title_cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append(
            [_styled_cell(sheet, value, column) for value, column in zip(row, columns, strict=True)]
        )
    return save_workbook(workbook)


def save_workbook(workbook: Workbook) -> bytes:
    """The .xlsx bytes of a workbook."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- templates -----------------------------------------------------------------------------------


def write_header(
    sheet: Worksheet,
    columns: Sequence[Column],
    *,
    text_kinds: Collection[str] = TEXT_CELL_KINDS,
    info_kinds: Collection[str] = (),
) -> None:
    """The header row of a template's data sheet: widths, text and date formats, frozen."""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = INFO_FILL if column.kind in info_kinds else HEADER_FILL
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.kind == DATE:
            dimension.number_format = DATE_FORMAT
        elif column.kind in text_kinds:
            dimension.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"


def add_rule(
    sheet: Worksheet, rule: DataValidation, *, column_index: int, message: str, last_row: int
) -> None:
    """Check what is typed into one column of the data sheet (rows 2 to `last_row`)."""
    rule.error = message
    rule.showErrorMessage = True
    target = get_column_letter(column_index)
    rule.add(f"{target}2:{target}{last_row}")
    sheet.add_data_validation(rule)


def add_list_validation(
    sheet: Worksheet,
    lists: Worksheet,
    *,
    column_index: int,
    list_column: int,
    values: Sequence[str],
    title: str,
    error_title: str | None = None,
    last_row: int,
) -> None:
    """Offer `values` as an in-cell dropdown of one column; the values go into column
    `list_column` of the hidden `lists` sheet, under `title` (nothing when there are none)."""
    if not values:
        return
    letter = get_column_letter(list_column)
    lists.cell(row=1, column=list_column, value=title).font = HEADER_FONT
    for row, value in enumerate(values, start=2):
        lists.cell(row=row, column=list_column, value=neutralise_cell(value)).data_type = "s"
    reference = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    rule = DataValidation(type="list", formula1=reference, allow_blank=True)
    if error_title is not None:
        rule.errorTitle = error_title
    add_rule(
        sheet,
        rule,
        column_index=column_index,
        message=_("Choose a value from the list."),
        last_row=last_row,
    )


def lists_sheet(workbook: Workbook) -> Worksheet:
    """The hidden sheet that holds the values of a template's dropdowns."""
    lists: Worksheet = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    return lists


class Dropdowns:
    """Lists kept on a hidden sheet and offered as in-cell dropdowns of the data sheet, and
    number checks, addressed by the columns' field names."""

    def __init__(
        self,
        workbook: Workbook,
        sheet: Worksheet,
        columns: Sequence[Column],
        *,
        last_row: int,
    ) -> None:
        self.sheet = sheet
        self.lists = lists_sheet(workbook)
        self.position = {column.field: i for i, column in enumerate(columns, start=1)}
        self.last_row = last_row
        self.used = 0

    def offer(self, name: str, values: Sequence[str]) -> None:
        """Offer `values` in the column of field `name` (nothing when there are none)."""
        if name not in self.position or not values:
            return
        self.used += 1
        add_list_validation(
            self.sheet,
            self.lists,
            column_index=self.position[name],
            list_column=self.used,
            values=values,
            title=name,
            last_row=self.last_row,
        )

    def numbers(self, name: str, rule: DataValidation, message: str) -> None:
        """Check numbers typed into the column of field `name`."""
        add_rule(
            self.sheet,
            rule,
            column_index=self.position[name],
            message=message,
            last_row=self.last_row,
        )


def write_guide(
    workbook: Workbook,
    *,
    notes: Sequence[str],
    columns: Sequence[Column],
    extra: Sequence[tuple[str, str]] = (),
    text_width: int = 80,
) -> None:
    """The 说明 sheet: the notes, then each column with whether it is required and how to fill
    it in, then `extra` (title, text) lines."""
    guide = workbook.create_sheet(GUIDE_SHEET)
    for letter, width in (("A", 22), ("B", 8), ("C", text_width)):
        guide.column_dimensions[letter].width = width
    for note in notes:
        guide.append([neutralise_cell(note)])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("How to fill it in")])
    for cell in guide[guide.max_row]:
        cell.font = HEADER_FONT
    for column in columns:
        guide.append([column.header, _("yes") if column.required else "", str(column.help)])
        for cell in guide[guide.max_row]:
            cell.alignment = WRAP
    if extra:
        guide.append([])
    for title, text in extra:
        guide.append([title, "", neutralise_cell(text)])
        guide[guide.max_row][2].alignment = WRAP
