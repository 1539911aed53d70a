"""The nightly batch compares stored reasons by their JSON text: where the database keeps the
text as written (SQLite), and where it does not (jsonb: decoded and compared)."""

from __future__ import annotations

import json

import pytest
from django.db import DEFAULT_DB_ALIAS

from jinmu.projects.lights import refresh
from jinmu.projects.lights.rules import _, texts_translated_once

REASONS = [{"rule": "report", "light": "green", "text": "周报已交", "inputs": {"week": "2026-W27"}}]


def test_same_text_is_same_reasons_and_other_text_decides_by_backend() -> None:
    judge = refresh._Judge(DEFAULT_DB_ALIAS)
    text = judge.dumps(REASONS)
    assert text == json.dumps(REASONS)
    reordered = json.dumps([{"text": "周报已交", **REASONS[0]}], ensure_ascii=False)
    assert judge.same_reasons(text, REASONS, text)
    assert not judge.same_reasons(None, REASONS, text)
    judge.verbatim = False  # as on PostgreSQL: the stored text is decoded and compared
    assert judge.same_reasons(reordered, REASONS, text)
    assert not judge.same_reasons(json.dumps([]), REASONS, text)
    judge.verbatim = True  # SQLite keeps json.dumps's text: other text, other reasons
    assert not judge.same_reasons(reordered, REASONS, text)


@pytest.mark.django_db
def test_rule_texts_are_translated_once_in_the_language_active_on_entry() -> None:
    from django.utils import translation

    with translation.override("zh-hans"), texts_translated_once():
        first = _("unknown")
        assert first == "未知"
        with translation.override("en"):
            assert _("unknown") == first  # the memo answers within the batch
    with translation.override("en"):
        assert _("unknown") == "unknown"
