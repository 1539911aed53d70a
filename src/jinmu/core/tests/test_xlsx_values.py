"""Uploaded sheets read with python-calamine: the values openpyxl gives, the same refusals, and
openpyxl for every workbook that calamine should not read."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from jinmu.core import uploads
from jinmu.core.tests.test_uploads import with_member, xlsx_bytes
from jinmu.core.uploads import UploadError, read_rows
from jinmu.core.xlsx_values import read_values

HEADERS = ["代码", "日期", "数字", "文字"]


def _first(titles: Any) -> int:
    return 0


def fast(data: bytes) -> list[tuple[Any, ...]] | None:
    """The rows calamine gives (None: the workbook is left to openpyxl)."""
    found = read_values(io.BytesIO(data), _first)
    return None if found is None else found[1]


def both(
    data: bytes, monkeypatch: pytest.MonkeyPatch, **kwargs: Any
) -> tuple[list[Any], list[Any]]:
    """The rows `read_rows` gives as it reads today, and as openpyxl alone reads them."""
    with_calamine = list(read_rows(data, **kwargs).rows)
    with monkeypatch.context() as patch:
        patch.setattr(uploads, "read_values", lambda handle, choose: None)
        with_openpyxl = list(read_rows(data, **kwargs).rows)
    return with_calamine, with_openpyxl


def varied_workbook() -> bytes:
    """Dates, numbers, text that looks like numbers, rich text, blanks, an empty first column
    and a header merged over two columns."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([None, *HEADERS, "备注", None])
    sheet.merge_cells("F1:G1")
    parts: list[str | TextBlock] = ["ab", TextBlock(InlineFont(b=True), "cd")]
    rich = CellRichText(parts)
    rows: list[list[Any]] = [
        ["913714220000000013", dt.date(2015, 3, 8), 12, " 甲 ", "x", "y"],
        ["0012", dt.datetime(2015, 3, 8, 9, 30), 12.5, rich, None, None],
        [None, None, None, None, None, None],
        [913714220000000013, dt.time(13, 30), -0.0, "line\nbreak", 1, 2],
        ["x", 42073, 123456789012345, True, False, 0.1],
    ]
    for row in rows:
        sheet.append([None, *row])
    sheet.cell(row=6, column=3).number_format = "yyyy-mm-dd"
    sheet.cell(row=6, column=4).number_format = "0.00%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_calamine_reads_a_normal_workbook() -> None:
    # given: a plain workbook
    data = xlsx_bytes([HEADERS, ["913714220000000013", dt.date(2015, 3, 8), 12, "甲"]])

    # when
    rows = fast(data)

    # then: calamine read it (not openpyxl), with openpyxl's types
    assert rows == [tuple(HEADERS), ("913714220000000013", dt.datetime(2015, 3, 8), 12, "甲")]


def test_every_value_is_the_one_openpyxl_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: dates, times, whole and decimal numbers, numbers as text, a blank row, rich text
    data = varied_workbook()
    assert fast(data) is not None

    # when
    with_calamine, with_openpyxl = both(data, monkeypatch, headers=[*HEADERS, "备注"])

    # then
    assert [number for number, _cells in with_calamine] == [2, 3, 5, 6]
    assert with_calamine == with_openpyxl
    assert [type(cells["日期"]) for _n, cells in with_calamine] == [dt.datetime] * 2 + [
        dt.time,
        dt.datetime,
    ]


def test_dates_numbers_and_blank_rows_keep_their_excel_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given: a blank row between data rows, the header on row 1
    data = xlsx_bytes(
        [
            HEADERS,
            ["913714220000000013", dt.date(2015, 3, 8), 12, None],
            [None, None, None, None],
            ["0012", dt.datetime(2015, 3, 8, 9, 30), 9.13714223e17, "甲"],
        ]
    )

    # when
    with_calamine, with_openpyxl = both(data, monkeypatch, headers=HEADERS)

    # then
    assert (
        with_calamine
        == with_openpyxl
        == [
            (
                2,
                {
                    "代码": "913714220000000013",
                    "日期": dt.datetime(2015, 3, 8),
                    "数字": 12,
                    "文字": None,
                },
            ),
            (
                4,
                {
                    "代码": "0012",
                    "日期": dt.datetime(2015, 3, 8, 9, 30),
                    "数字": 9.13714223e17,
                    "文字": "甲",
                },
            ),
        ]
    )
    assert type(with_calamine[0][1]["数字"]) is int
    assert type(with_calamine[1][1]["数字"]) is float  # a credit code Excel made a number


def test_error_cells_are_left_to_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: an error cell, which calamine would read as a blank
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADERS)
    sheet.append(["913714220000000013", None, "#N/A", "甲"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    # when
    with_calamine, with_openpyxl = both(data, monkeypatch, headers=HEADERS)

    # then
    assert fast(data) is None
    assert with_calamine == with_openpyxl
    assert with_calamine[0][1]["数字"] == "#N/A"


def _sheet_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_a_cell_far_away_is_left_to_openpyxl() -> None:
    # given: a tiny file with one cell at the last row and column (calamine would reserve the
    # whole sheet in memory and abort the process)
    data = xlsx_bytes([HEADERS])
    sheet = _sheet_xml(data).replace(
        b"</row></sheetData>",
        b'</row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>'
        b"</row></sheetData>",
    )
    data = with_member(data, "xl/worksheets/sheet1.xml", sheet)

    # when / then: openpyxl streams it
    assert fast(data) is None
    assert list(read_rows(data, headers=HEADERS).rows) == []


def test_a_lying_string_count_is_left_to_openpyxl() -> None:
    # given: shared strings that declare four billion strings
    data = xlsx_bytes([HEADERS])
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000">'
        b"<si><t>x</t></si></sst>"
    )
    data = with_member(data, "xl/sharedStrings.xml", strings)

    # when / then
    assert fast(data) is None
    assert read_rows(data, headers=HEADERS).columns == {h: i for i, h in enumerate(HEADERS)}


def test_cells_without_their_reference_are_left_to_openpyxl() -> None:
    # given: a writer that leaves out the optional cell references
    data = xlsx_bytes([HEADERS, ["a", "b", "c", "d"]])
    sheet = _sheet_xml(data)
    for column in "ABCD":
        sheet = sheet.replace(f' r="{column}2"'.encode(), b"")
    data = with_member(data, "xl/worksheets/sheet1.xml", sheet)

    # when / then
    assert fast(data) is None
    assert [cells for _n, cells in read_rows(data, headers=HEADERS).rows] == [
        dict(zip(HEADERS, "abcd", strict=True))
    ]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "xls"),  # an .xls renamed
        ("统一社会信用代码,企业名称\n913714220000000013,甲\n".encode(), "not_xlsx"),  # a .csv
        (b"just some text, not a workbook", "not_xlsx"),  # a text file called .xlsx
    ],
)
def test_files_that_are_not_xlsx_are_refused_as_before(content: bytes, code: str) -> None:
    # when
    with pytest.raises(UploadError) as caught:
        read_rows(content, headers=HEADERS)

    # then
    assert caught.value.code == code


def test_a_damaged_sheet_gets_openpyxls_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: a sheet part that is not XML
    data = with_member(
        xlsx_bytes([HEADERS]), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row>"
    )

    # when
    with pytest.raises(UploadError) as caught:
        list(read_rows(data, headers=HEADERS, check=False).rows)

    # then
    assert caught.value.code == "unreadable"
