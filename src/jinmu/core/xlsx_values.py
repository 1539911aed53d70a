"""Reading an uploaded sheet's values with python-calamine, several times faster than openpyxl,
giving the values openpyxl's read-only reader gives (`jinmu.core.uploads.read_rows` falls back
on openpyxl whenever this returns None, so every refusal keeps openpyxl's message).

calamine builds a sheet as one dense block from A1 to its last cell and reserves memory for the
shared strings a workbook declares; a small file that lies about either would make it ask for
hundreds of gigabytes and abort the process. So the parts are looked at first, and a workbook
that is unusual in any way (a sheet with a cell far away or a cell without its reference, error
cells, which calamine reads as blanks, odd part names, an oversized string count) is left to
openpyxl, which streams.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import IO, Any

import python_calamine
from defusedxml.ElementTree import fromstring

# At most this many cells in the block from A1 to the sheet's last cell: a 10,000-row
# template of 15 columns has 150,000; past this openpyxl streams the sheet instead.
MAX_CELLS = 3_000_000
# Whole numbers stored as floats are handed on as int below this, as openpyxl reads the
# digits Excel writes; larger ones Excel writes in exponent form, which openpyxl reads as float.
_INT_LIMIT = 1e15

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKSHEET_TYPE = "/worksheet"
# The worksheet targets Excel, WPS, LibreOffice and openpyxl write (relative to xl/ or absolute).
_TARGET = re.compile(r"^(?:/xl/)?worksheets/[A-Za-z0-9_.-]+\.xml$")
# Cell elements (with or without a namespace prefix) and the reference of each.
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ERROR_CELL = re.compile(rb'\bt="e"')
_UNIQUE_COUNT = re.compile(rb'uniqueCount="([0-9]+)"')


def read_values(
    handle: IO[bytes], choose: Callable[[Sequence[str]], int]
) -> tuple[str, list[tuple[Any, ...]]] | None:
    """The title of the worksheet `choose` picks (from the titles in order) and its rows from
    row 1, each value as openpyxl's read-only reader gives it; None when calamine cannot
    read the workbook or it should be left to openpyxl."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            sheets = _worksheets(archive)
            if not sheets or not _strings_fit(archive):
                return None
            title, part = sheets[choose([name for name, _part in sheets])]
            if not _sheet_fits(archive, part):
                return None
        handle.seek(0)
        workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
        try:
            rows = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except Exception:  # whatever calamine refuses is left to openpyxl
        return None
    except BaseException as exc:
        # A panic inside calamine reaches Python as pyo3's PanicException, a BaseException.
        if type(exc).__name__ != "PanicException":
            raise
        return None
    finally:
        handle.seek(0)
    return title, [tuple(map(_value, row)) for row in rows]


def _value(value: Any) -> Any:
    """A calamine value as openpyxl gives it: empty as None, dates as midnight datetimes,
    whole numbers as int."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float:
        if value.is_integer() and -_INT_LIMIT < value < _INT_LIMIT:
            return int(value)
        return value
    if kind is dt.date:
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 (as openpyxl)
    return value


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, part) of each worksheet in the workbook's order (chartsheets are not read);
    empty when a worksheet's part is not where Excel puts it."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    relations = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations.iter(f"{_RELS}Relationship")
        if rel.get("Type", "").endswith(_WORKSHEET_TYPE)
    }
    sheets = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID))
        if target is None:
            continue
        if not _TARGET.match(target):
            return []
        sheets.append((sheet.get("name", ""), posixpath.join("xl", target.removeprefix("/xl/"))))
    return sheets


def _strings_fit(archive: zipfile.ZipFile) -> bool:
    """True when the shared strings declare no more strings than their part can hold."""
    for info in archive.infolist():
        if info.filename.lower().endswith("sharedstrings.xml"):
            with archive.open(info) as member:
                head = member.read(4096)
            found = _UNIQUE_COUNT.search(head)
            if found and int(found.group(1)) > info.file_size // 5 + 1:
                return False
    return True


def _sheet_fits(archive: zipfile.ZipFile, part: str) -> bool:
    """True when every cell of the sheet names its place, none is an error cell, and the block
    from A1 to the last cell is of a reasonable size."""
    data = archive.read(part)
    if _ERROR_CELL.search(data):
        return False
    refs = _CELL_REF.findall(data)
    if len(refs) != len(_CELL.findall(data)):
        return False
    if not refs:
        return True
    last_row = max(int(row) for _column, row in refs)
    widest = max({column for column, _row in refs}, key=lambda column: (len(column), column))
    width = 0
    for letter in widest:
        width = width * 26 + letter - 64  # bytes: A is 65
    return last_row * width <= MAX_CELLS
