"""Division codes: shape, level and parent from the code; reading published lists."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from jinmu.core.choices import RegionLevel
from jinmu.organisation import codes


@pytest.mark.parametrize(
    ("raw", "code", "level"),
    [
        ("370000", "370000", RegionLevel.PROVINCE),
        ("371400", "371400", RegionLevel.CITY),
        ("371422", "371422", RegionLevel.COUNTY),
        ("371422105", "371422105", RegionLevel.TOWN),
        ("371422105000", "371422105", RegionLevel.TOWN),
        ("371422000000", "371422", RegionLevel.COUNTY),
        ("３７１４２２", "371422", RegionLevel.COUNTY),
        (371422.0, "371422", RegionLevel.COUNTY),
    ],
)
def test_a_code_says_its_level(raw: object, code: str, level: str) -> None:
    # when
    normalised = codes.normalise_code(raw)
    # then
    assert normalised == code
    assert codes.level_of(normalised) == level


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("37142", "为 5 位"),
        ("3714221", "为 7 位"),
        ("99142", "为 5 位"),
        ("991422", "省级代码"),
        ("371422105001", "村级代码"),
        ("37A422", "只能使用数字"),
        ("370022", "地市位"),
        ("371422000", "不是有效的乡镇代码"),
    ],
)
def test_a_malformed_code_is_refused_with_the_reason(raw: str, fragment: str) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        codes.normalise_code(raw)
    # then
    assert fragment in caught.value.messages[0]


def test_parents_follow_from_the_code() -> None:
    # then
    assert codes.parent_candidates("371422105") == ["371422"]
    assert codes.parent_candidates("371422") == ["371400", "370000"]
    assert codes.parent_candidates("371400") == ["370000"]
    assert codes.parent_candidates("370000") == []


def test_a_text_list_is_read_with_titles_skipped() -> None:
    # given
    content = "行政区划代码 单位名称\n370000 山东省\n\n371422,宁津县\n371422105000\t大曹镇\n"
    # when
    lines = list(codes.read_list(content.encode("gb18030")))
    # then
    assert [(x.number, x.code, x.name) for x in lines] == [
        (2, "370000", "山东省"),
        (4, "371422", "宁津县"),
        (5, "371422105000", "大曹镇"),
    ]


def test_an_excel_list_is_read_from_its_first_two_filled_cells() -> None:
    # given
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["山东省行政区划"])
    sheet.append([370000, "山东省"])
    sheet.append(["371422105000", "大曹镇"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when
    lines = list(codes.read_list(buffer.getvalue()))
    # then
    assert [(x.number, x.code, x.name) for x in lines] == [
        (2, "370000", "山东省"),
        (3, "371422105000", "大曹镇"),
    ]


def test_a_binary_file_is_not_a_list() -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        list(codes.read_list(b"MZ\x90\x00\x03\x00\x00\x00"))
    # then
    assert "既不是文本清单" in caught.value.messages[0]


def test_a_name_with_a_control_character_is_refused() -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        codes.clean_name("大曹\x01镇")
    # then
    assert caught.value.code == "control"
