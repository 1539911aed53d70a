"""Safe handling of uploaded Excel workbooks (.xlsx), shared by every import.

An .xlsx is a zip of XML files, so an upload is refused before a reader (python-calamine, or
openpyxl for what `jinmu.core.xlsx_values` leaves to it) sees it when it is too
large, is not a zip with the workbook structure, would expand too much (zip bomb: the sizes in
the zip directory are checked, and the real sizes again while reading), or declares a DOCTYPE or
entities in any XML member (billion laughs, external entities). openpyxl itself parses with
defusedxml when it is installed, which is a second line of defence.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any, TypeAlias, TypeVar, cast

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import iterparse as defused_iterparse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from jinmu.core.validators import strip_refused_characters
from jinmu.core.xlsx_values import read_values

# Members of an .xlsx that every workbook has (ECMA-376 part 2, SpreadsheetML).
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
XML_SUFFIXES = (".xml", ".rels", ".vml")
# A real workbook has a few dozen members; thousands of tiny ones only cost time to check.
MAX_MEMBERS = 2000
# Members smaller than this cannot hurt even at a huge ratio (styles.xml of an empty sheet
# compresses very well), so the ratio rule only applies above it.
RATIO_MIN_BYTES = 1024 * 1024
_CHUNK = 64 * 1024

# Leading characters that make Excel, WPS or LibreOffice treat a cell as a formula (CSV/formula
# injection, OWASP), plus tab and carriage return which some of them strip first.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISING_PREFIX = "'"

TOO_LARGE_META_KEY = "jinmu.upload_too_large"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, old .doc
ZIP_MAGIC = b"PK\x03\x04"
_T = TypeVar("_T")


class UploadTooLargeHandler(FileUploadHandler):
    """Refuse a request body over the upload limit before Django reads it.

    Install it first in `request.upload_handlers` (the view must then be csrf_exempt outside and
    csrf_protect inside, see Django's "Modifying upload handlers on the fly"). A refused request
    gets no POST data or files, and `request.META[TOO_LARGE_META_KEY]` holds its length.
    """

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile[bytes]]] | None:
        """Short-circuit the parsing when the declared length is over the limit."""
        # Room for the other form fields and the multipart boundaries.
        limit = int(settings.JINMU_UPLOAD_MAX_BYTES) + 64 * 1024
        if content_length > limit:
            META[TOO_LARGE_META_KEY] = content_length
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        """Pass the data on to the next handler."""
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """The next handler builds the file."""
        return


def too_large_message(size: int) -> str:
    """The message for an upload over the limit."""
    return _(
        "The file is {size} MB; uploads may be at most {limit} MB. Split the data into "
        "several files."
    ).format(size=_megabytes(size), limit=_megabytes(int(settings.JINMU_UPLOAD_MAX_BYTES)))


class UploadError(ValidationError):
    """The uploaded file is refused as a whole; the message says why and how to fix it."""


# A path, the bytes, an open binary file or a Django UploadedFile.
Source: TypeAlias = "str | os.PathLike[str] | bytes | IO[bytes] | File[bytes]"


@dataclass
class _Counted:
    """Running totals while reading the members."""

    total: int = 0


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _open_binary(source: Source) -> tuple[IO[bytes], bool]:
    """A seekable binary file for `source` and whether we opened it (and must close it)."""
    if isinstance(source, bytes):
        return io.BytesIO(source), True
    if isinstance(source, str | os.PathLike):
        return open(source, "rb"), True  # closed by the caller
    # Django's UploadedFile wraps the real file; both are seekable.
    handle = getattr(source, "file", source)
    handle.seek(0)
    return handle, False


def _size_of(handle: IO[bytes]) -> int:
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(0)
    return size


def _refuse_by_magic(head: bytes) -> None:
    """Explain what the file is when it is not a zip at all."""
    if head.startswith(OLE_MAGIC):
        raise UploadError(
            _(
                "This is an old-format Excel file (.xls). Open it in Excel or WPS, choose "
                "Save As, pick the .xlsx format, and upload the new file."
            ),
            code="xls",
        )
    if not head.startswith(ZIP_MAGIC):
        raise UploadError(
            _(
                "This file is not an Excel workbook (.xlsx). If it is a CSV or another format "
                "that was renamed, open it in Excel or WPS and save it as .xlsx, or start from "
                "the downloadable template."
            ),
            code="not_xlsx",
        )


def _check_directory(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Check the member list and the sizes the zip directory declares."""
    members = archive.infolist()
    names = {info.filename for info in members}
    missing = [name for name in REQUIRED_MEMBERS if name not in names]
    if missing:
        raise UploadError(
            _(
                "This zip file is not an Excel workbook (it lacks {members}). Save the file as "
                ".xlsx from Excel or WPS and upload it again."
            ).format(members="、".join(missing)),
            code="not_xlsx",
        )
    if len(members) > MAX_MEMBERS:
        raise UploadError(
            _("The workbook has too many parts ({n}); it cannot be a normal spreadsheet.").format(
                n=len(members)
            ),
            code="too_many_members",
        )
    max_total = int(settings.JINMU_UPLOAD_MAX_UNZIPPED_BYTES)
    max_ratio = int(settings.JINMU_UPLOAD_MAX_RATIO)
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise UploadError(
                _(
                    "The workbook is protected with a password. Remove the password in Excel "
                    "or WPS (File → Info → Protect workbook) and upload it again."
                ),
                code="encrypted",
            )
        total += info.file_size
        _check_ratio(info.file_size, info.compress_size, max_ratio)
    _check_total(total, max_total)
    return members


def _check_ratio(size: int, compressed: int, max_ratio: int) -> None:
    if size > RATIO_MIN_BYTES and size > max_ratio * max(compressed, 1):
        raise UploadError(
            _(
                "The file expands far more than a spreadsheet does (compression ratio over "
                "{ratio}:1) and was refused as a possible zip bomb."
            ).format(ratio=max_ratio),
            code="zip_bomb",
        )


def _check_total(total: int, max_total: int) -> None:
    if total > max_total:
        raise UploadError(
            _(
                "Unpacked, the workbook would take more than {limit} MB and was refused. Split "
                "the data into several smaller files."
            ).format(limit=_megabytes(max_total)),
            code="too_large_unzipped",
        )


class _GuardedReader(io.RawIOBase):
    """Reads one member and refuses as soon as it expands beyond what was declared or allowed."""

    def __init__(self, member: IO[bytes], info: zipfile.ZipInfo, counted: _Counted) -> None:
        self._member = member
        self._info = info
        self._counted = counted
        self._read = 0
        self._max_total = int(settings.JINMU_UPLOAD_MAX_UNZIPPED_BYTES)
        self._max_ratio = int(settings.JINMU_UPLOAD_MAX_RATIO)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._member.read(len(buffer))
        size = len(data)
        self._read += size
        self._counted.total += size
        if self._read > self._info.file_size:
            raise UploadError(
                _("The workbook's zip directory does not match its contents; it was refused."),
                code="zip_mismatch",
            )
        _check_ratio(self._read, self._info.compress_size, self._max_ratio)
        _check_total(self._counted.total, self._max_total)
        buffer[:size] = data
        return size

    def drain(self) -> None:
        """Read the rest of the member (this checks its real size and CRC)."""
        while self.read(_CHUNK):
            pass


def _refuse_xml_declarations(reader: _GuardedReader, name: str) -> None:
    """Refuse a DOCTYPE or entity declaration; they can only come before the root element."""
    try:
        for _event, _element in defused_iterparse(
            reader,
            events=("start",),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            break
    except DefusedXmlException as exc:
        raise UploadError(
            _(
                "The workbook contains XML declarations (DOCTYPE or ENTITY) that Excel never "
                "writes; it was refused for safety. Open it in Excel or WPS, save it again as "
                ".xlsx and upload the new file."
            ),
            code="xml_entities",
        ) from exc
    except ParseError as exc:
        raise UploadError(
            _("Part {name} of the workbook is damaged. Save the file again as .xlsx.").format(
                name=name
            ),
            code="damaged",
        ) from exc


def check_xlsx(source: Source) -> None:
    """Refuse an upload that is empty, too large, not an .xlsx, a zip bomb or carries entities.

    Raises UploadError with a message for the user; returns None when the file is safe to open.
    """
    handle, opened = _open_binary(source)
    try:
        _check_xlsx_handle(handle)
    finally:
        if opened:
            handle.close()
        else:
            handle.seek(0)


def _check_xlsx_handle(handle: IO[bytes]) -> None:
    size = _size_of(handle)
    if size == 0:
        raise UploadError(
            _("The file is empty. Choose the filled-in workbook and upload it again."),
            code="empty",
        )
    max_bytes = int(settings.JINMU_UPLOAD_MAX_BYTES)
    if size > max_bytes:
        raise UploadError(too_large_message(size), code="too_large")
    _refuse_by_magic(handle.read(8))
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = _check_directory(archive)
            counted = _Counted()
            for info in members:
                if info.is_dir():
                    continue
                with archive.open(info) as member:
                    reader = _GuardedReader(member, info, counted)
                    if info.filename.lower().endswith(XML_SUFFIXES):
                        _refuse_xml_declarations(reader, info.filename)
                    reader.drain()
    except UploadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise UploadError(
            _(
                "The workbook is damaged and cannot be read. Open it in Excel or WPS, save it "
                "again as .xlsx and upload the new file."
            ),
            code="damaged",
        ) from exc
    except (NotImplementedError, RuntimeError) as exc:
        # Unsupported compression methods and encrypted members end up here.
        raise UploadError(
            _(
                "The workbook uses a compression or encryption that cannot be read. Save it "
                "again as .xlsx from Excel or WPS without a password."
            ),
            code="unsupported",
        ) from exc


def neutralise_cell(value: Any) -> Any:
    """Make a text value safe to write into a cell: never let it start a formula, and drop the
    control characters XML cannot hold (rows stored before they were refused at input)."""
    if not isinstance(value, str):
        return value
    value = neutralise_text(value)
    if value.startswith(FORMULA_PREFIXES):
        return NEUTRALISING_PREFIX + value
    return value


def neutralise_text(value: str) -> str:
    """Text safe for any export (.xlsx, .docx): without control characters and other invisible
    characters XML cannot hold; tab and line breaks are kept."""
    return strip_refused_characters(value, multiline=True)


def neutralise_strings(value: _T) -> _T:
    """A copy of `value` (dataclasses, lists, tuples, dicts of them) with every string passed
    through `neutralise_text`, for writers that take a whole report (the bulletin)."""
    result: Any = value
    if isinstance(value, str):
        result = neutralise_text(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: neutralise_strings(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init
        }
        result = dataclasses.replace(value, **changes)
    elif isinstance(value, list):
        result = [neutralise_strings(item) for item in value]
    elif isinstance(value, tuple) and not hasattr(value, "_fields"):
        result = tuple(neutralise_strings(item) for item in value)
    elif isinstance(value, dict):
        result = {key: neutralise_strings(item) for key, item in value.items()}
    return cast(_T, result)


def unneutralise_cell(value: Any) -> Any:
    """Undo `neutralise_cell` on an imported value, so export → import is a round trip."""
    if (
        isinstance(value, str)
        and value.startswith(NEUTRALISING_PREFIX)
        and value[1:2] != ""
        and value[1:].startswith(FORMULA_PREFIXES)
    ):
        return value[1:]
    return value


_SPACES = re.compile(r"\s+")


def normalise_header(text: Any) -> str:
    """Compare headers tolerantly: full-width → half-width, no spaces, case-insensitive."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return _SPACES.sub("", folded).casefold()


def clean_cell(value: Any) -> Any:
    """Strip text (including full-width spaces); empty text becomes None."""
    if isinstance(value, str):
        stripped = value.replace("\u3000", " ").strip()
        return stripped or None
    return value


@dataclass
class SheetRows:
    """The rows of one sheet, keyed by the caller's headers (matched tolerantly)."""

    sheet_name: str
    columns: dict[str, int]
    missing: list[str]
    unknown: list[str]
    duplicates: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]] = field(repr=False)
    close: Callable[[], None] = field(repr=False, default=lambda: None)


def _choose_sheet(workbook: Any, sheet_names: Sequence[str]) -> Any:
    worksheets = workbook.worksheets
    return worksheets[_sheet_index(sheet_names, [sheet.title for sheet in worksheets])]


def _sheet_index(sheet_names: Sequence[str], titles: Sequence[str]) -> int:
    """The first sheet named as one of `sheet_names` (tolerantly), else the first sheet."""
    wanted = {normalise_header(name) for name in sheet_names}
    for index, title in enumerate(titles):
        if normalise_header(title) in wanted:
            return index
    return 0


def _unreadable(exc: Exception) -> UploadError:
    return UploadError(
        _(
            "The workbook cannot be read ({error}). Open it in Excel or WPS, save it again as "
            ".xlsx and upload the new file."
        ).format(error=type(exc).__name__),
        code="unreadable",
    )


def read_rows(
    source: Source,
    *,
    headers: Sequence[str] = (),
    sheet_names: Sequence[str] = (),
    check: bool = True,
) -> SheetRows:
    """Open a workbook read-only and return its data rows as dicts keyed by header.

    Iterating the rows to the end closes the file; otherwise call `close()`. Row numbers are
    the ones Excel shows (the header is row 1). `headers` are the expected
    column headers: cells are keyed by them however the file spells them (full-width brackets,
    spaces); other columns are reported in `unknown` and keyed by their own text. Blank rows are
    skipped. The file is checked with `check_xlsx` first unless `check` is False.
    """
    if check:
        check_xlsx(source)
    handle, opened = _open_binary(source)

    def close_handle() -> None:
        if opened:
            handle.close()

    title, values, header_row, close_workbook = _open_sheet(handle, sheet_names, close_handle)
    columns, unknown, duplicates = _header_columns(header_row, headers)

    def close() -> None:
        close_workbook()
        close_handle()

    return SheetRows(
        sheet_name=title,
        columns=columns,
        missing=[h for h in headers if h not in columns],
        unknown=unknown,
        duplicates=duplicates,
        rows=_data_rows(values, columns, close),
        close=close,
    )


def _open_sheet(
    handle: IO[bytes], sheet_names: Sequence[str], close_handle: Callable[[], None]
) -> tuple[str, Iterator[tuple[Any, ...]], tuple[Any, ...], Callable[[], None]]:
    """The title of the sheet to read, its rows' values, its header row and how to close the
    workbook; the file is closed (`close_handle`) and the error is an `UploadError` when it
    cannot be read. calamine reads the sheet when it can (`jinmu.core.xlsx_values`), openpyxl
    otherwise, and every workbook calamine leaves gets openpyxl's answer."""
    fast = read_values(handle, partial(_sheet_index, sheet_names))
    if fast is not None:
        title, rows = fast
        values = iter(rows)
        return title, values, next(values, ()), lambda: None
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        if not workbook.worksheets:
            raise UploadError(
                _("The workbook has no worksheet. Use the downloadable template."),
                code="no_sheet",
            )
        worksheet = _choose_sheet(workbook, sheet_names)
        worksheet.reset_dimensions()  # stored dimensions are often wrong; read to the end
        values = worksheet.iter_rows(values_only=True)
        header_row: tuple[Any, ...] = next(values, ())
    except UploadError:
        close_handle()
        raise
    except Exception as exc:  # openpyxl raises many kinds of error for a broken workbook
        close_handle()
        raise _unreadable(exc) from exc
    return str(worksheet.title), values, header_row, workbook.close


def _header_columns(
    header_row: Sequence[Any], headers: Sequence[str]
) -> tuple[dict[str, int], list[str], list[str]]:
    """Header → column index (expected headers matched tolerantly), the unknown headers and
    the repeated ones."""
    expected = {normalise_header(h): h for h in headers}
    columns: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, raw in enumerate(header_row):
        text = clean_cell(raw)
        if text is None:
            continue
        key = expected.get(normalise_header(text), str(text))
        if key in columns:
            duplicates.append(key)
            continue
        columns[key] = index
        if normalise_header(key) not in expected:
            unknown.append(key)
    return columns, unknown, duplicates


def _data_rows(
    values: Iterator[tuple[Any, ...]], columns: dict[str, int], close: Callable[[], None]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The non-blank rows keyed by header, numbered as Excel shows them; the file is closed
    at the end (or on an error)."""
    try:
        for number, row in enumerate(values, start=2):
            cells = {
                key: clean_cell(row[index]) if index < len(row) else None
                for key, index in columns.items()
            }
            if all(value is None for value in cells.values()):
                continue
            yield number, cells
    except UploadError:
        raise
    except Exception as exc:  # a damaged sheet part shows up while iterating
        raise _unreadable(exc) from exc
    finally:
        close()


def rows_from_dicts(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Number plain dict rows the way a sheet would (first data row is row 2)."""
    for number, row in enumerate(rows, start=2):
        yield number, {key: clean_cell(value) for key, value in row.items()}
