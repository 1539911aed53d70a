"""`jinmu targets extract` and `jinmu targets evaluate`."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

TEXT = "力争年内新增上云企业40家，实施总投资12.5亿元的9个重点项目。去年新增20家。"


def run(*args: str) -> str:
    """Run `targets` with the arguments and return what it printed."""
    out = StringIO()
    call_command("targets", *args, stdout=out)
    return out.getvalue()


def test_extract_prints_one_json_object_per_goal(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(TEXT, encoding="utf-8")
    lines = run("extract", str(path)).splitlines()
    goals = [json.loads(line) for line in lines]
    assert [(g["kind"], g["value"]) for g in goals] == [
        ("increment", 40),
        ("total", 12.5),
        ("count", 9),
    ]
    assert list(goals[0]) == [
        "indicator",
        "kind",
        "value",
        "unit",
        "bound",
        "value_high",
        "condition",
        "period",
        "sentence",
    ]


def test_extract_as_a_table(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(TEXT, encoding="utf-8")
    lines = run("extract", str(path), "--format", "table").splitlines()
    assert lines[0].split() == [
        "indicator",
        "kind",
        "value",
        "unit",
        "bound",
        "value_high",
        "condition",
        "period",
    ]
    assert len(lines) == 4


def test_missing_and_binary_files_are_clear_errors(tmp_path: Path) -> None:
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with translation.override("en"):
        with pytest.raises(CommandError, match="not found"):
            run("extract", str(tmp_path / "none.txt"))
        with pytest.raises(CommandError, match="UTF-8"):
            run("extract", str(binary))


def test_evaluate_prints_precision_recall_f1(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    record = {
        "id": "c1",
        "text": "力争全年新增规上工业企业20家以上。",
        "targets": [
            {
                "indicator": "新增规上工业企业",
                "kind": "increment",
                "value": 20,
                "unit": "家",
                "bound": "at_least",
                "value_high": None,
                "condition": None,
                "period": "全年",
            }
        ],
        "non_targets": [],
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    out = run("evaluate", str(path))
    assert "precision: 1.000" in out
    assert "recall: 1.000" in out
    assert "F1: 1.000" in out


def test_evaluate_rejects_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("{nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1"):
        run("evaluate", str(path))
