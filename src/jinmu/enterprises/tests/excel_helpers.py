"""Workbooks, rows and result readers shared by the Excel tests of the enterprise register."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl

from jinmu.core.validators import USCC_ALPHABET
from jinmu.enterprises import excel
from jinmu.enterprises.imports import ImportResult
from jinmu.enterprises.tests.factories import make_uscc

ENTERPRISE_HEADERS = [column.header for column in excel.ENTERPRISE_COLUMNS]
FIGURE_HEADERS = [column.header for column in excel.FIGURE_COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(
    rows: list[dict[str, Any]], headers: list[str] | None = None, sheet: str = "企业名录"
) -> bytes:
    """An .xlsx with a header row and one row per dict (keys are headers)."""
    headers = headers or ENTERPRISE_HEADERS
    book = openpyxl.Workbook()
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    worksheet.append(headers)
    for row in rows:
        worksheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def enterprise_row(n: int, **cells: Any) -> dict[str, Any]:
    """A valid enterprise row; keyword names are headers."""
    row: dict[str, Any] = {
        "统一社会信用代码": make_uscc(n),
        "企业名称": f"宁津导入测试有限公司{n}",
        "所在乡镇": "大曹镇",
        "行业代码": "C3311",
        "规模": "规上",
        "状态": "在营",
        "成立日期": dt.date(2015, 3, 8),
    }
    row.update(cells)
    return row


def figures_row(code: str, **cells: Any) -> dict[str, Any]:
    """A valid figures row for 2024; keyword names are headers."""
    row: dict[str, Any] = {
        "统一社会信用代码": code,
        "年度": 2024,
        "营业收入(万元)": 3000,
        "实缴税金(万元)": 120.5,
        "从业人员": 120,
        "科技人员": 12,
    }
    row.update(cells)
    return row


def wrong_check_character(code: str) -> tuple[str, str]:
    """The code with a wrong last character, and the right one."""
    right = code[-1]
    wrong = next(ch for ch in USCC_ALPHABET if ch != right)
    return code[:-1] + wrong, right


def errors_at(result: ImportResult) -> set[tuple[int | None, str]]:
    return {(error.row, error.column) for error in result.errors}


def error_codes(result: ImportResult) -> dict[tuple[int | None, str], str]:
    return {(error.row, error.column): error.code for error in result.errors}


def exported(response: Any) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]
