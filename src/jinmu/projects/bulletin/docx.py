"""The weekly bulletin as a Word document (A4, title centred, sections 一、二、…, tables with
repeated header rows)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from jinmu.core.uploads import neutralise_strings
from jinmu.projects.bulletin.columns import LISTS, TOTALS, ListColumn
from jinmu.projects.bulletin.content import WeeklyBulletin
from jinmu.projects.bulletin.text import generated_text, headings, lights_note, summary_text

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_TITLE_FONT = "宋体"
_HEADING_FONT = "黑体"
_BODY_FONT = "仿宋"
_TABLE_FONT = "宋体"
# Column kinds of `_table`: row numbers centred, amounts and counts right-aligned.
_NUMBER, _TEXT, _RIGHT = "center", "text", "right"


def write_docx(bulletin: WeeklyBulletin, path_or_stream: str | Path | IO[bytes]) -> None:
    """Write the bulletin as a Word document (A4, title centred, sections 一、二、…, tables
    with repeated header rows)."""
    # Rows stored before control characters were refused must not break the document.
    bulletin = neutralise_strings(bulletin)
    document = Document()
    _page_setup(document)
    _title(document, bulletin)
    heads = headings(bulletin)
    _overview(document, bulletin, heads)
    _new_starts(document, bulletin, heads)
    _flagged(document, bulletin, heads)
    _problems(document, bulletin, heads)
    _reports(document, bulletin, heads)
    target: Any = str(path_or_stream) if isinstance(path_or_stream, Path) else path_or_stream
    document.save(target)


def _page_setup(document: Any) -> None:
    """A4 with the 公文 margins; tables in 五号 宋体."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_fonts(normal.element, _TABLE_FONT)


def _title(document: Any, bulletin: WeeklyBulletin) -> None:
    """The centred title, the scope note and the "figures as of" line."""
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(bulletin.title)
    run.bold = True
    run.font.size = Pt(22)
    _set_fonts(run._element, _TITLE_FONT)
    if bulletin.scope_note:
        note = document.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _body_run(note, f"（{bulletin.scope_note}）")
    generated = document.add_paragraph()
    generated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _body_run(generated, generated_text(bulletin), size=12)


def _overview(document: Any, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    """一、the overview paragraph and the totals by kind."""
    _heading(document, heads["overview"])
    _paragraph(document, summary_text(bulletin))
    widths = (14, 8, 9, 11, 11, 11, 10, 11, 15)
    _table(
        document,
        [_head(column, width) for column, width in zip(TOTALS, widths, strict=True)],
        [[column.text(t) for column in TOTALS] for t in [*bulletin.totals, bulletin.overall]],
        bold_last=True,
    )


def _new_starts(document: Any, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    """二、projects that started works in the week."""
    _heading(document, heads["new_starts"])
    if not bulletin.new_starts:
        _paragraph(document, _("No project started works this week."))
        return
    count = len(bulletin.new_starts)
    _paragraph(
        document,
        ngettext(
            "%(count)s project started works this week.",
            "%(count)s projects started works this week.",
            count,
        )
        % {"count": count},
    )
    _list_table(
        document,
        {"project": 26, "kind": 12, "town": 11, "unit": 16, "investment": 14, "started_on": 15},
        bulletin.new_starts,
    )


def _flagged(document: Any, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    """三、red and yellow projects with their reasons."""
    _heading(document, heads["flagged"])
    if bulletin.lights_of_today:
        _paragraph(document, lights_note(bulletin))
    _paragraph(
        document,
        _("Red: %(red)s projects; yellow: %(yellow)s projects.")
        % {"red": len(bulletin.red), "yellow": len(bulletin.yellow)},
    )
    for heading, flagged in ((heads["red"], bulletin.red), (heads["yellow"], bulletin.yellow)):
        _heading(document, heading, level=2)
        if not flagged:
            _paragraph(document, _("None."))
            continue
        _list_table(
            document,
            {"project": 24, "town": 11, "unit": 15, "reasons": 44},
            flagged,
        )


def _problems(document: Any, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    """四、unresolved problems: a count per unit, then each unit's problems."""
    _heading(document, heads["problems"])
    if not bulletin.problems_by_unit:
        _paragraph(document, _("No problem is unresolved."))
        return
    _paragraph(
        document,
        _("Unresolved problems: %(count)s, of which overdue: %(overdue)s.")
        % {"count": bulletin.problem_count, "overdue": bulletin.overdue_count},
    )
    _table(
        document,
        [(_("Owner unit"), 50, _TEXT), (_("Unresolved"), 25, _RIGHT), (_("Overdue"), 25, _RIGHT)],
        [[g.unit_name, str(g.count), str(g.overdue)] for g in bulletin.problems_by_unit],
    )
    for position, group in enumerate(bulletin.problems_by_unit, 1):
        _heading(document, f"{position}. {group.unit_name}（{group.count}）", level=2)
        _list_table(
            document,
            {"problem": 28, "problem_project": 20, "raised_on": 15, "due_on": 15, "status": 16},
            group.problems,
        )


def _reports(document: Any, bulletin: WeeklyBulletin, heads: dict[str, str]) -> None:
    """五、missing reports by town and unit, then late ones."""
    _heading(document, heads["reports"])
    _heading(document, heads["missing"], level=2)
    if bulletin.missing:
        _paragraph(
            document,
            _("Monitored projects without a report for the week (due %(deadline)s): %(count)s.")
            % {"count": bulletin.missing_count, "deadline": bulletin.deadline.isoformat()},
        )
        _list_table(
            document,
            {"town": 14, "unit": 22, "missing": 12, "missing_projects": 52},
            bulletin.missing,
            numbered=False,
        )
    else:
        _paragraph(document, _("Every monitored project reported for the week."))
    _heading(document, heads["late"], level=2)
    if not bulletin.late:
        _paragraph(document, _("No report came in late."))
        return
    _list_table(
        document,
        {"project": 36, "town": 14, "unit": 24, "submitted_at": 20},
        bulletin.late,
    )


def _head(column: ListColumn, width: int) -> tuple[str, int, str]:
    """A column of `_table`: its header, `width` in percent and its kind."""
    return str(column.label), width, _RIGHT if column.right else _TEXT


def _list_table(
    document: Any, widths: dict[str, int], items: Sequence[Any], *, numbered: bool = True
) -> None:
    """A table of `items`, numbered from 1 unless `numbered` is False; `widths` gives its
    columns (keys of `columns.LISTS`) and their widths in percent."""
    columns = [LISTS[key] for key in widths]
    heads = [_head(column, widths[key]) for key, column in zip(widths, columns, strict=True)]
    rows = [[column.text(item) for column in columns] for item in items]
    if numbered:
        heads.insert(0, (_("No."), 6, _NUMBER))
        rows = [[str(i), *row] for i, row in enumerate(rows, 1)]
    _table(document, heads, rows)


def _set_fonts(element: Any, east_asian: str, latin: str = "Times New Roman") -> None:
    """Set the Latin and East Asian fonts of a run or style element (w:rFonts)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _body_run(paragraph: Any, text: str, *, size: float = 14, bold: bool = False) -> Any:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _set_fonts(run._element, _BODY_FONT)
    return run


def _heading(document: Any, text: str, *, level: int = 1) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12 if level == 1 else 6)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(16 if level == 1 else 14)
    _set_fonts(run._element, _HEADING_FONT if level == 1 else _BODY_FONT)


def _paragraph(document: Any, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(28)
    _body_run(paragraph, text)


# Usable width of an A4 page with 25 mm margins, in twentieths of a point (dxa).
_TEXT_WIDTH_DXA = 9070


def _table(
    document: Any,
    columns: Sequence[tuple[str, int, str]],
    rows: Sequence[Sequence[str]],
    *,
    bold_last: bool = False,
) -> None:
    """A grid table with a bold, shaded header row repeated on every page.

    `columns` are (header, width in percent of the text width, kind): "right" columns
    (amounts, counts) are right-aligned, "center" ones (row numbers) centred. Cells are filled
    through the XML elements directly: python-docx's cell objects recompute the table grid on
    every access, which makes tables of thousands of rows take minutes.
    """

    table = document.add_table(rows=len(rows) + 1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    widths = [str(_TEXT_WIDTH_DXA * width // 100) for _header, width, _kind in columns]
    aligns = [
        {"right": "right", "center": "center"}.get(kind, "") for _header, _width, kind in columns
    ]
    for grid_col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        grid_col.set(qn("w:w"), width)
    tr_list = table._tbl.tr_lst
    header_tr = tr_list[0]
    header_tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for tc, (header, _width, _kind), width in zip(header_tr.tc_lst, columns, widths, strict=True):
        _cell_text(tc, header, width=width, align="center", bold=True)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "D9D9D9")
        tc[0].append(shading)
    last = len(rows)
    for index, (tr, values) in enumerate(zip(tr_list[1:], rows, strict=True), 1):
        bold = bold_last and index == last
        for tc, value, width, align in zip(tr.tc_lst, values, widths, aligns, strict=True):
            _cell_text(tc, value, width=width, align=align, bold=bold)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _cell_text(tc: Any, text: str, *, width: str, align: str = "", bold: bool = False) -> None:
    """Fill a new cell (w:tcPr with its w:tcW, then one empty w:p) with one run of text,
    built as plain XML."""
    tc[0][0].set(f"{_W}w", width)  # w:tcPr/w:tcW, in dxa like the grid

    def child(parent: Any, tag: str) -> Any:
        element = parent.makeelement(f"{_W}{tag}", {})
        parent.append(element)
        return element

    paragraph = tc[-1]
    if align:
        child(child(paragraph, "pPr"), "jc").set(f"{_W}val", align)
    run = child(paragraph, "r")
    if bold:
        child(child(run, "rPr"), "b")
    node = child(run, "t")
    node.text = " ".join(text.splitlines())
    if node.text != node.text.strip():
        node.set(_XML_SPACE, "preserve")
