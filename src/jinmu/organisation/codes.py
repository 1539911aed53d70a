"""Administrative division codes (GB/T 2260 for provinces, cities and counties; the 9-digit
township codes of GB/T 10114 below them) and the official lists they are published in.

A code says its own level and parent: 370000 is a province, 371400 a city in it, 371422 a
county in that city, 371422105 a town in that county. The statistical lists (统计用区划代码)
write every code with 12 digits (371422105000); those are read as the 6- or 9-digit code.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jinmu.core.choices import RegionLevel
from jinmu.core.excel import parse_text
from jinmu.core.regions import county_code
from jinmu.core.uploads import UploadError, check_xlsx

# First two digits of every province-level division (GB/T 2260: 11 北京 … 65 新疆, 71 台湾,
# 81 香港, 82 澳门).
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)
NAME_MAX_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise_code(raw: Any) -> str:
    """A division code as stored: digits only, 12-digit statistical codes shortened.

    Raises ValidationError saying what is wrong with the code's shape.
    """
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    if text.endswith(".0"):  # a code Excel stored as a number
        text = text[:-2]
    if not text.isascii() or not text.isdigit():
        raise ValidationError(
            _("“{code}” is not a division code: use digits only.").format(code=text),
            code="code_digits",
        )
    if len(text) == 12:
        if text.endswith("000000"):
            text = text[:6]
        elif text.endswith("000"):
            text = text[:9]
        else:
            raise ValidationError(
                _(
                    "{code} is a village-level code; the platform keeps divisions down to towns "
                    "and streets (9 digits)."
                ).format(code=text),
                code="code_village",
            )
    if len(text) not in (6, 9):
        raise ValidationError(
            _(
                "“{code}” has {n} digits; a division code has 6 digits (province, city, "
                "county) or 9 digits (town or street; 12 in the statistical lists)."
            ).format(code=text, n=len(text)),
            code="code_length",
        )
    if text[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("{code} does not start with a province code (11 to 82).").format(code=text),
            code="code_province",
        )
    if len(text) == 6 and text[2:4] == "00" and text[4:] != "00":
        raise ValidationError(
            _("{code} is not a valid code: a county code needs its city digits.").format(code=text),
            code="code_shape",
        )
    if len(text) == 9 and (text[2:6] == "0000" or text[6:] == "000"):
        raise ValidationError(
            _(
                "{code} is not a valid town code: its first 6 digits must be a county or city "
                "and its last 3 digits cannot be 000."
            ).format(code=text),
            code="code_shape",
        )
    return text


def level_of(code: str) -> str:
    """The level a (normalised) code stands for."""
    if len(code) > 6:
        return RegionLevel.TOWN
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def parent_candidates(code: str) -> list[str]:
    """Codes that may hold this one, nearest first: a town's county (or city), a county's
    city or else its province (counties directly under a province), a city's province."""
    level = level_of(code)
    if level == RegionLevel.TOWN:
        return [county_code(code)]
    if level == RegionLevel.COUNTY:
        return [code[:4] + "00", code[:2] + "0000"]
    if level == RegionLevel.CITY:
        return [code[:2] + "0000"]
    return []


def clean_name(raw: Any) -> str:
    """A division's name: trimmed, no control characters, not too long."""
    name = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    name = name.strip("\"'“”")
    if not name:
        raise ValidationError(_("The name is missing."), code="name_missing")
    if _CONTROL.search(name):
        raise ValidationError(
            _("The name contains a control character; remove it."), code="control"
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("The name has more than {n} characters.").format(n=NAME_MAX_LENGTH),
            code="name_length",
        )
    return name


# -- reading a published list --------------------------------------------------------------------


@dataclass(frozen=True)
class ListLine:
    """One line of a list: its number in the file, the code and the name as written."""

    number: int
    code: str
    name: str


class ListFileError(ValidationError):
    """The file as a whole cannot be read."""


_XLSX_MAGIC = b"PK\x03\x04"
_SEPARATORS = re.compile(r"[,\t，;；]")


def read_list(content: bytes) -> Iterator[ListLine]:
    """The code/name lines of a text, CSV or Excel list, as the Ministry of Civil Affairs
    (民政部) and the statistics bureau publish them: "370000 山东省", "371422,宁津县",
    "371422105000 大曹镇". Lines that do not start with a digit (titles, headers) are skipped."""
    if content.startswith(_XLSX_MAGIC):
        yield from _read_workbook(content)
        return
    if b"\x00" in content[:4096]:
        raise ListFileError(
            _("This file is neither a text (.txt, .csv) nor an Excel (.xlsx) list."),
            code="binary",
        )
    text = _decode(content)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.replace("\u3000", " ").strip()
        if not stripped or not stripped[0].isdigit():
            continue
        if _SEPARATORS.search(stripped):
            fields = [f.strip() for f in next(csv.reader([_SEPARATORS.sub(",", stripped)]))]
            code, name = fields[0], next((f for f in fields[1:] if f), "")
        else:
            code, _space, name = stripped.partition(" ")
        yield ListLine(number, code.strip(), name.strip())


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB 18030 (what Chinese Windows saves)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListFileError(
        _("The file is not UTF-8 or GB 18030 text; save it again as UTF-8 text."),
        code="encoding",
    )


def _read_workbook(content: bytes) -> Iterator[ListLine]:
    """The first sheet: the first two filled cells of each row are the code and the name."""
    try:
        check_xlsx(content)  # zip bombs, XML entities, sizes: the checks of every upload
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
    except UploadError as exc:
        raise ListFileError(exc.messages, code="workbook") from exc
    except Exception as exc:  # openpyxl raises many kinds of error for a broken workbook
        raise ListFileError(
            _("The workbook cannot be read; save it again as .xlsx."), code="workbook"
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            filled = [parse_text(v) for v in values if v not in (None, "")]
            if not filled or not filled[0][:1].isdigit():
                continue
            yield ListLine(number, filled[0], filled[1] if len(filled) > 1 else "")
    finally:
        workbook.close()
