"""The weekly bulletin's Word and Excel files read back, and the `jinmu report weekly` command."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from jinmu.projects.bulletin import (
    weekly_bulletin,
    write_docx,
    write_xlsx,
)
from jinmu.projects.tests.test_bulletin import (  # noqa: F401
    GREEN_REASON,
    RED_REASON,
    TODAY,
    W47,
    _bulletin,
    _index,
    county,
    docx_lines,
    pinned_today,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- Word and Excel


def test_docx_read_back(world: Any, county: Any, tmp_path: Path) -> None:  # noqa: F811
    bulletin = _bulletin(world)
    path = tmp_path / "bulletin.docx"
    with translation.override("en"):
        write_docx(bulletin, path)
    document = Document(str(path))
    title = document.paragraphs[0]
    assert title.text == "宁津县 key projects weekly bulletin, week 47 of 2026 (11/16 – 11/22)"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = title.runs[0]
    assert run.bold
    assert run.font.size == Pt(22)
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"

    lines = docx_lines(str(path))
    text = "\n".join(lines)
    # Sections numbered 一、二、…
    for heading in (
        "一、Overview",
        "二、New starts this week",
        # The week has ended: the lights shown are today's, and dated so.
        "三、Red and yellow projects (lights as of 2026-11-26)",
        "四、Unresolved problems by unit",
        "五、Missing and late reports",
    ):
        assert heading in lines
    note = lines[_index(lines, "三、Red and yellow projects") + 1]
    assert note == (
        "Lights are not kept week by week: the red and yellow projects below are those of "
        "2026-11-26, when this bulletin was generated, not those at the end of week 2026-W47."
    )
    # Totals: the key projects' row and the total row (亿元 and 万元, two decimals).
    assert "Key project | 4 | 4 | 12.00 | 3.00 | 1.06 | 35.33% | 87.99% | 600.00" in lines, text
    assert "All kinds | 5 | 5 | 12.50 | 3.40 | 1.16 | 34.12% | 88.15% | 723.46" in lines
    assert "5 projects were under weekly scheduling" in text
    assert "This year's figures cover 5 projects" in text
    # Header rows are repeated on every page.
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[0].cells[0].text == "Kind"
    # New starts.
    assert _index(lines, "新开工项目戊") > _index(lines, "二、New starts this week")
    # The red project with its reason, under the red sub-heading.
    red_row = lines[_index(lines, "红灯项目甲 | 大曹镇")]
    assert RED_REASON in red_row
    assert GREEN_REASON not in red_row
    assert _index(lines, "（一）Red projects") < _index(lines, "红灯项目甲 | 大曹镇")
    assert _index(lines, "（二）Yellow projects") < _index(lines, "黄灯项目乙 | 保店镇")
    # Problems grouped under their unit (units with more overdue, then more problems first;
    # here a tie, so by name).
    office = _index(lines, "1. 产业办（2）")
    land = _index(lines, "2. 自然资源局（2）")
    for title_text in ("电力增容未完成", "施工用水未接通"):
        assert office < _index(lines, f"| {title_text} |") < land
    for title_text in ("用地指标未落实", "规划许可待批"):
        assert land < _index(lines, f"| {title_text} |")
    assert "已解决的道路问题" not in text
    assert "下周才提出的问题" not in text
    assert (
        "| 用地指标未落实 | 红灯项目甲 | 2026-11-10 | 2026-11-20 | Awaiting claim, overdue" in text
    )
    # Missing and late reports.
    missing = _index(lines, "（一）Missing reports")
    assert "保店镇 | 保店镇人民政府 | 1 | 缺报项目丁" in lines[missing:]
    assert "新登记项目庚" not in text
    assert _index(lines, "技改项目丙 | 大曹镇") > _index(lines, "（二）Late reports")


def test_docx_in_chinese_site_language_keeps_data(world: Any, county: Any) -> None:  # noqa: F811
    """Whatever the language, names, figures and reasons are the ledger's."""
    with translation.override("zh-hans"):
        bulletin = weekly_bulletin(region_code=world.county.code, week=W47, today=TODAY)
        stream = io.BytesIO()
        write_docx(bulletin, stream)
    stream.seek(0)
    text = "\n".join(docx_lines(stream))
    assert "宁津县" in text.splitlines()[0]
    assert "2026" in text.splitlines()[0]
    for expected in ("红灯项目甲", RED_REASON, "缺报项目丁", "用地指标未落实", "12.00", "35.33%"):
        assert expected in text


def test_xlsx_read_back(world: Any, county: Any, tmp_path: Path) -> None:  # noqa: F811
    bulletin = _bulletin(world)
    path = tmp_path / "bulletin.xlsx"
    with translation.override("en"):
        write_xlsx(bulletin, path)
    book = load_workbook(path)
    assert book.sheetnames == [
        "Overview",
        "New starts",
        "Red and yellow",
        "Problems",
        "Missing reports",
        "Late reports",
    ]
    overview = book["Overview"]
    assert overview["A1"].value == bulletin.title
    rows = list(overview.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Kind")
    assert overview.cell(row=header + 1, column=1).font.bold
    assert rows[header][:3] == ("Kind", "Projects", "Under weekly scheduling")
    key = rows[header + 1]
    # Amounts are numbers in 万元.
    assert key[:6] == ("Key project", 4, 4, 120000, 30000, 10600)
    assert key[6] == pytest.approx(35.33)
    assert key[7] == pytest.approx(87.99)
    assert key[8] == 600
    assert key[9] == 3
    total = rows[header + 3]
    assert total[0] == "All kinds"
    assert total[8] == pytest.approx(723.46)
    assert overview.cell(row=header + 4, column=1).font.bold

    starts = [row[0] for row in book["New starts"].iter_rows(min_row=3, values_only=True)]
    assert starts == ["黄灯项目乙", "新开工项目戊"]
    sheet = book["Red and yellow"]
    assert sheet["A1"].value == "三、Red and yellow projects (lights as of 2026-11-26)"
    assert sheet["A2"].value.startswith("Lights are not kept week by week")
    flagged = list(sheet.iter_rows(min_row=4, values_only=True))
    assert flagged[0][:2] == ("Red", "红灯项目甲")
    assert flagged[0][5] == RED_REASON
    assert flagged[1][:2] == ("Yellow", "黄灯项目乙")
    problems = list(book["Problems"].iter_rows(min_row=3, values_only=True))
    by_unit = {(row[0], row[1]) for row in problems}
    assert by_unit == {
        ("自然资源局", "用地指标未落实"),
        ("自然资源局", "规划许可待批"),
        ("产业办", "电力增容未完成"),
        ("产业办", "施工用水未接通"),
    }
    assert book["Problems"]["A2"].font.bold
    missing = list(book["Missing reports"].iter_rows(min_row=3, values_only=True))
    assert missing == [("保店镇", "保店镇人民政府", "缺报项目丁")]
    late = list(book["Late reports"].iter_rows(min_row=3, values_only=True))
    assert late[0][0] == "技改项目丙"
    assert late[0][3] == dt.datetime(2026, 11, 21, 10, 30)


def test_command_writes_docx(world: Any, county: Any, tmp_path: Path, pinned_today: None) -> None:  # noqa: F811
    path = tmp_path / "通报.docx"
    out = io.StringIO()
    with translation.override("en"):
        call_command("report", "weekly", "--week", "2026-W47", "--out", str(path), stdout=out)
    assert "2026-W47" in out.getvalue()
    lines = docx_lines(str(path))
    assert lines[0].startswith("宁津县 key projects weekly bulletin, week 47 of 2026")
    assert any("红灯项目甲" in line for line in lines)


def test_command_writes_xlsx_and_defaults_to_current_week(
    world: Any,
    county: Any,  # noqa: F811
    tmp_path: Path,
    pinned_today: None,  # noqa: F811
) -> None:
    path = tmp_path / "out.bin"
    with translation.override("en"):
        call_command(
            "report", "weekly", "--out", str(path), "--format", "xlsx", "--region", "371422"
        )
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert "week 48 of 2026" in book.worksheets[0]["A1"].value


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W60"], "no week 60"),
        (["--week", "next week"], "ISO week"),
        (["--week", "2026-W49"], "has not begun"),
        (["--week", "2026-W47", "--region", "999999"], "Unknown region"),
    ],
)
def test_command_refuses_bad_input(
    world: Any,
    tmp_path: Path,
    pinned_today: None,  # noqa: F811
    args: list[str],
    message: str,
) -> None:
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("report", "weekly", *args, "--out", str(tmp_path / "x.docx"))
    assert not (tmp_path / "x.docx").exists()


def test_command_needs_a_format_and_a_single_county(
    world: Any,
    tmp_path: Path,
    pinned_today: None,  # noqa: F811
) -> None:
    from jinmu.core.tests.factories import RegionFactory

    with pytest.raises(CommandError, match="format"):
        call_command("report", "weekly", "--week", "2026-W47", "--out", str(tmp_path / "x.pdf"))
    RegionFactory(code="371423", name="庆云县", parent=world.county.parent)
    with pytest.raises(CommandError, match="--region"):
        call_command("report", "weekly", "--week", "2026-W47", "--out", str(tmp_path / "x.docx"))
