"""Scoring: the matching rule, precision, recall and F1, and the development set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jinmu.targets.evaluation import (
    Scores,
    evaluate,
    goal_matches,
    load_passages,
    names_overlap,
    score_passage,
)

# The repository's parent holds `shared` (tests → targets → jinmu → src → repo).
SHARED = Path(__file__).resolve().parents[4] / ".." / "shared"
DEV_SET = SHARED / "data" / "policy-dev.jsonl"

# What the extractor achieves on the development set (precision 0.930, recall 0.972); the test
# guards against regressions.
DEV_F1_FLOOR = 0.95


def gold(**overrides: Any) -> dict[str, Any]:
    """A gold goal with sensible defaults."""
    base: dict[str, Any] = {
        "indicator": "新增规上工业企业",
        "kind": "increment",
        "value": 20,
        "unit": "家",
        "bound": "at_least",
        "value_high": None,
        "condition": None,
        "period": "全年",
    }
    return {**base, **overrides}


def test_names_overlap_on_a_shared_run_of_two_characters() -> None:
    assert names_overlap("规上工业企业", "新增规上工业企业")
    assert names_overlap("縣級重點項目", "县级重点项目总投资")
    assert not names_overlap("上云企业", "高新技术产品")


def test_a_prediction_matches_when_kind_bound_value_unit_agree() -> None:
    predicted = gold(indicator="规上工业企业", value=20.0, period=None)
    assert goal_matches(predicted, gold())
    assert not goal_matches(gold(kind="level"), gold())
    assert not goal_matches(gold(bound="exact"), gold())
    assert not goal_matches(gold(value=21), gold())
    assert not goal_matches(gold(unit="个"), gold())
    assert not goal_matches(gold(indicator="粮食产量"), gold())


def test_traditional_units_match_simplified_ones() -> None:
    assert goal_matches(gold(unit="亿元", kind="total"), gold(unit="億元", kind="total"))


def test_each_gold_goal_is_matched_once() -> None:
    scores = score_passage([gold(), gold()], [gold()])
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (1, 1, 0)


def test_precision_recall_and_f1() -> None:
    scores = Scores(true_positives=8, false_positives=2, false_negatives=8)
    assert scores.precision == pytest.approx(0.8)
    assert scores.recall == pytest.approx(0.5)
    assert scores.f1 == pytest.approx(2 * 0.8 * 0.5 / 1.3)
    assert Scores(0, 0, 0).f1 == 0.0


def test_evaluate_runs_the_extractor_on_constructed_passages(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    records = [
        {
            "id": "c1",
            "text": "力争全年新增规上工业企业20家以上，去年新增15家。",
            "targets": [gold()],
            "non_targets": ["15家"],
        },
        {"id": "c2", "text": "2023年全县实现生产总值100亿元，同比增长5%。", "targets": []},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    scores = evaluate(load_passages(path))
    assert (scores.true_positives, scores.false_positives, scores.false_negatives) == (1, 0, 0)


def test_a_broken_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_passages(path)


def test_f1_on_the_development_set() -> None:
    if not DEV_SET.exists():
        pytest.skip(f"the development set is not at {DEV_SET} (../shared is absent)")
    scores = evaluate(load_passages(DEV_SET))
    assert scores.f1 >= DEV_F1_FLOOR, (scores.precision, scores.recall, scores.f1)
