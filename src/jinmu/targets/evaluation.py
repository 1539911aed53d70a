"""Scoring of the extractor against annotated passages: precision, recall and F1."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinmu.targets.extraction import Goal, extract
from jinmu.targets.text import to_simplified

# Quotes and brackets do not distinguish indicator names.
_NAME_NOISE_RE = re.compile(r"[“”\"‘’'()（）《》「」、，\s]")


@dataclass(frozen=True)
class Scores:
    """Counts of true and false positives and false negatives, with the derived rates."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        """Share of predictions that match a gold goal."""
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of gold goals that a prediction matches."""
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _name(text: str) -> str:
    """An indicator name reduced for comparison: simplified script, no quotes or marks."""
    return _NAME_NOISE_RE.sub("", to_simplified(text))


def names_overlap(a: str, b: str) -> bool:
    """True when two indicator names share a run of at least two characters."""
    x, y = _name(a), _name(b)
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    shorter, longer = (x, y) if len(x) <= len(y) else (y, x)
    return any(shorter[i : i + 2] in longer for i in range(len(shorter) - 1))


def goal_matches(predicted: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """A prediction matches a gold goal when kind, bound, value and unit agree and names overlap."""
    if predicted["kind"] != gold["kind"] or predicted["bound"] != gold["bound"]:
        return False
    if not math.isclose(float(predicted["value"]), float(gold["value"]), abs_tol=1e-9):
        return False
    if to_simplified(str(predicted["unit"])) != to_simplified(str(gold["unit"])):
        return False
    return names_overlap(str(predicted["indicator"]), str(gold["indicator"]))


def score_passage(
    predicted: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]]
) -> Scores:
    """Match predictions to gold goals one to one (first match wins) and count the outcome."""
    unmatched = list(gold)
    tp = 0
    for p in predicted:
        for g in unmatched:
            if goal_matches(p, g):
                unmatched.remove(g)
                tp += 1
                break
    return Scores(tp, len(predicted) - tp, len(unmatched))


def load_passages(path: Path) -> list[dict[str, Any]]:
    """Read annotated passages, one JSON object per non-empty line."""
    passages: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: {exc.msg}") from exc
            if not isinstance(record, dict) or "text" not in record:
                raise ValueError(f"line {number}: an object with 'text' is expected")
            passages.append(record)
    return passages


def evaluate(
    passages: Iterable[Mapping[str, Any]],
    extractor: Callable[[str], list[Goal]] = extract,
) -> Scores:
    """Run the extractor on every passage and add up the matches against its `targets`."""
    tp = fp = fn = 0
    for passage in passages:
        predicted = [goal.to_dict() for goal in extractor(str(passage["text"]))]
        scores = score_passage(predicted, list(passage.get("targets") or []))
        tp += scores.true_positives
        fp += scores.false_positives
        fn += scores.false_negatives
    return Scores(tp, fp, fn)
