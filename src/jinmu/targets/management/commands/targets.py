"""`jinmu targets`: draft targets from a policy text and score the extractor.

jinmu targets extract FILE [--format jsonl|table]
jinmu targets evaluate FILE.jsonl
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from jinmu.core.commands import Actions, ActionsCommand
from jinmu.targets.evaluation import evaluate, load_passages
from jinmu.targets.extraction import extract

FORMATS = ("jsonl", "table")
TABLE_COLUMNS = ("indicator", "kind", "value", "unit", "bound", "value_high", "condition", "period")


class Command(ActionsCommand):
    """Policy text → target drafts (`extract`) and the extractor's score (`evaluate`)."""

    help = "Extract quantified goals from a policy text, or evaluate the extractor."

    def add_actions(self, actions: Actions) -> None:
        """`targets extract` and `targets evaluate` with their options."""
        extract_parser = actions.add_parser(
            "extract", help="Print the quantified goals of a UTF-8 policy text."
        )
        extract_parser.add_argument("file", help="The policy text (UTF-8).")
        extract_parser.add_argument(
            "--format", choices=FORMATS, default="jsonl", help="jsonl (default) or table."
        )
        evaluate_parser = actions.add_parser(
            "evaluate", help="Print precision, recall and F1 on annotated passages."
        )
        evaluate_parser.add_argument("file", help="Annotated passages, one JSON object a line.")

    def run_extract(self, options: dict[str, Any]) -> None:
        """Print the goals of the file."""
        self._extract(Path(options["file"]), options["format"])

    def run_evaluate(self, options: dict[str, Any]) -> None:
        """Print the extractor's scores on the file."""
        self._evaluate(Path(options["file"]))

    def _read(self, path: Path) -> str:
        """The file's text, or a command error that says why it cannot be read."""
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError as error:
            raise CommandError(_("File not found: %(path)s") % {"path": path}) from error
        except UnicodeDecodeError as error:
            raise CommandError(_("%(path)s is not a UTF-8 text file.") % {"path": path}) from error
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s")
                % {"path": path, "reason": error.strerror or error}
            ) from error

    def _extract(self, path: Path, fmt: str) -> None:
        goals = extract(self._read(path))
        if fmt == "jsonl":
            for goal in goals:
                self.stdout.write(json.dumps(goal.to_dict(), ensure_ascii=False))
            return
        rows = [[_cell(goal.to_dict()[c]) for c in TABLE_COLUMNS] for goal in goals]
        widths = [
            max([_width(c)] + [_width(row[i]) for row in rows]) for i, c in enumerate(TABLE_COLUMNS)
        ]
        for row in [list(TABLE_COLUMNS), *rows]:
            cells = (cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def _evaluate(self, path: Path) -> None:
        self._read(path)  # the same clear messages for a missing or non-UTF-8 file
        try:
            passages = load_passages(path)
        except ValueError as error:
            raise CommandError(
                _("%(path)s is not valid JSON lines: %(reason)s") % {"path": path, "reason": error}
            ) from error
        scores = evaluate(passages)
        self.stdout.write(f"passages: {len(passages)}")
        self.stdout.write(
            f"true positives: {scores.true_positives}, false positives: "
            f"{scores.false_positives}, false negatives: {scores.false_negatives}"
        )
        self.stdout.write(f"precision: {scores.precision:.3f}")
        self.stdout.write(f"recall: {scores.recall:.3f}")
        self.stdout.write(f"F1: {scores.f1:.3f}")


def _cell(value: Any) -> str:
    """A table cell: empty for null."""
    return "" if value is None else str(value)


def _width(text: str) -> int:
    """Display width: Chinese characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
