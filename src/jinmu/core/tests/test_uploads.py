"""Safe .xlsx uploads: size, structure, zip bombs, XML entities, formula neutralising, reading."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import openpyxl
import pytest

from jinmu.core import uploads
from jinmu.core.uploads import (
    UploadError,
    check_xlsx,
    neutralise_cell,
    normalise_header,
    read_rows,
    unneutralise_cell,
)


def xlsx_bytes(rows: list[list[Any]], title: str = "Sheet") -> bytes:
    """A real workbook with the given rows on its first sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(
    data: bytes, name: str, content: bytes | None = None, *, prefix: bytes = b""
) -> bytes:
    """Copy a workbook, replacing (or adding) one member, or prefixing its content."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == name:
                body = prefix + (content if content is not None else body)
            target.writestr(info.filename, body)
        if name not in source.namelist() and content is not None:
            target.writestr(name, content)
    return out.getvalue()


def refusal(source: Any) -> UploadError:
    with pytest.raises(UploadError) as caught:
        check_xlsx(source)
    return caught.value


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A workbook whose sheet expands to 300 MB of zeros (about 1.3 MB on disk)."""
    base = xlsx_bytes([["a"]])
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return out.getvalue()


def test_a_normal_workbook_passes() -> None:
    # given
    data = xlsx_bytes([["统一社会信用代码", "企业名称"], ["914403001922038216", "某公司"]])

    # when / then
    check_xlsx(data)
    check_xlsx(io.BytesIO(data))


def test_empty_file_is_refused() -> None:
    assert refusal(b"").code == "empty"


def test_old_xls_is_refused_with_advice() -> None:
    # given: the OLE2 signature of an Excel 97-2003 file
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600

    # when
    error = refusal(data)

    # then
    assert error.code == "xls"
    assert ".xlsx" in error.messages[0]


def test_renamed_csv_is_refused() -> None:
    assert refusal("统一社会信用代码,企业名称\n1,2\n".encode()).code == "not_xlsx"


def test_zip_without_workbook_parts_is_refused() -> None:
    # given: a zip, but not a spreadsheet
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    # then
    assert refusal(out.getvalue()).code == "not_xlsx"


def test_file_over_the_upload_limit_is_refused(settings: Any) -> None:
    # given
    settings.JINMU_UPLOAD_MAX_BYTES = 1000
    data = xlsx_bytes([["x" * 50] for _ in range(200)])

    # then
    assert refusal(data).code == "too_large"


def test_zip_bomb_is_refused_from_the_directory(zip_bomb: bytes) -> None:
    # when
    error = refusal(zip_bomb)

    # then
    assert error.code in {"zip_bomb", "too_large_unzipped"}
    assert len(zip_bomb) < 2 * 1024 * 1024


def test_high_compression_ratio_is_refused(settings: Any) -> None:
    # given: 20 MB of zeros is under the total limit but compresses about 1000:1
    settings.JINMU_UPLOAD_MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
    data = with_member(xlsx_bytes([["a"]]), "xl/media/blank.bin", b"\0" * (20 * 1024 * 1024))

    # then
    assert refusal(data).code == "zip_bomb"


def test_total_unpacked_size_is_limited(settings: Any) -> None:
    # given
    settings.JINMU_UPLOAD_MAX_UNZIPPED_BYTES = 4000
    data = xlsx_bytes([[f"text {n}"] for n in range(300)])

    # then
    assert refusal(data).code == "too_large_unzipped"


def test_the_reading_guard_catches_what_the_directory_hides(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a directory check fooled (simulated) and a member that expands 1000:1
    data = with_member(xlsx_bytes([["a"]]), "xl/media/blank.bin", b"\0" * (5 * 1024 * 1024))
    monkeypatch.setattr(uploads, "_check_directory", lambda archive: archive.infolist())

    # then: the running count while reading refuses it
    assert refusal(data).code == "zip_bomb"


def test_directory_that_understates_a_member_is_refused() -> None:
    # given: the central directory claims the 2 MB member unpacks to 1000 bytes
    data = bytearray(
        with_member(xlsx_bytes([["a"]]), "xl/media/blank.bin", b"\0" * (2 * 1024 * 1024))
    )
    name = b"xl/media/blank.bin"
    patched = False
    position = data.find(b"PK\x01\x02")  # central directory entries
    while position != -1 and not patched:
        (name_length,) = struct.unpack_from("<H", data, position + 28)
        if data[position + 46 : position + 46 + name_length] == name:
            struct.pack_into("<I", data, position + 24, 1000)  # uncompressed size
            patched = True
        position = data.find(b"PK\x01\x02", position + 4)
    assert patched

    # then: reading stops at the claimed size and the checksum no longer matches
    assert refusal(bytes(data)).code == "damaged"


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL_ENTITY = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("member", "prefix"),
    [
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        ("xl/sharedStrings.xml", EXTERNAL_ENTITY),
        ("[Content_Types].xml", b'<!DOCTYPE t SYSTEM "http://example.invalid/t.dtd">'),
        ("xl/workbook.xml", BILLION_LAUGHS),
    ],
)
def test_xml_entity_declarations_are_refused(member: str, prefix: bytes) -> None:
    # given
    base = xlsx_bytes([["a", "b"]])
    if member == "xl/sharedStrings.xml":
        content = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        data = with_member(base, member, EXTERNAL_ENTITY + content)
    else:
        data = with_member(base, member, prefix=prefix)

    # then
    assert refusal(data).code == "xml_entities"


def test_utf16_member_without_declarations_passes() -> None:
    # given: XML may be in UTF-16; that alone is not a reason to refuse
    data = with_member(
        xlsx_bytes([["a"]]),
        "docProps/custom.xml",
        '<?xml version="1.0" encoding="UTF-16"?><Properties/>'.encode("utf-16"),
    )

    # then
    check_xlsx(data)


@pytest.mark.parametrize("text", ["=1+1", "+x", "-x", "@x", "\tx", "\r=1", '=HYPERLINK("x")'])
def test_formula_like_text_is_neutralised(text: str) -> None:
    # when
    safe = neutralise_cell(text)

    # then
    assert safe == "'" + text
    assert unneutralise_cell(safe) == text


@pytest.mark.parametrize("value", ["宁津县", "a=b", "'quoted", 12, -5, None])
def test_other_values_are_unchanged(value: Any) -> None:
    assert neutralise_cell(value) == value
    assert unneutralise_cell(value) == value


def test_header_matching_is_tolerant() -> None:
    assert normalise_header(" 营业收入（万元） ") == normalise_header("营业收入(万元)")
    assert normalise_header("企业 名称") == normalise_header("企业名称")
    assert normalise_header("ABC") == normalise_header("ａｂｃ")


def test_read_rows_keys_cells_by_header_and_keeps_excel_row_numbers() -> None:
    # given: full-width brackets and spaces in headers, a blank row, an extra column
    data = xlsx_bytes(
        [
            [" 统一社会信用代码", "营业收入（万元）", "备注"],
            [" 914403001922038216 ", 12.5, "x"],
            [None, None, None],
            ["91440300708461136T", None, None],
        ]
    )

    # when
    table = read_rows(data, headers=["统一社会信用代码", "营业收入(万元)", "年度"])
    rows = list(table.rows)

    # then
    assert table.missing == ["年度"]
    assert table.unknown == ["备注"]
    assert rows == [
        (2, {"统一社会信用代码": "914403001922038216", "营业收入(万元)": 12.5, "备注": "x"}),
        (4, {"统一社会信用代码": "91440300708461136T", "营业收入(万元)": None, "备注": None}),
    ]


def test_read_rows_prefers_the_named_sheet() -> None:
    # given: the guidance sheet comes first
    workbook = openpyxl.Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = "说明"
    guide.append(["说明文字"])
    data_sheet = workbook.create_sheet("企业名录")
    data_sheet.append(["企业名称"])
    data_sheet.append(["甲公司"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when
    table = read_rows(buffer.getvalue(), headers=["企业名称"], sheet_names=["企业名录"])

    # then
    assert table.sheet_name == "企业名录"
    assert list(table.rows) == [(2, {"企业名称": "甲公司"})]
