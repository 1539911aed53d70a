"""Shared form helpers: a batch's per-row service errors land on the right row."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from jinmu.core.forms import add_row_errors


class Row(forms.Form):
    """A row with a visible and a hidden field."""

    holder = forms.CharField(required=False)
    sentence = forms.CharField(required=False, widget=forms.HiddenInput)


def test_row_errors_go_to_their_row_field_or_row_and_the_rest_to_the_page() -> None:
    rows = [Row(data={}), Row(data={})]
    for row in rows:
        row.is_valid()
    error = ValidationError(
        {
            "parts.1.town": ["No such town."],
            "parts.0.sentence": ["Too long."],
            "parts.7.value": ["Out of range."],
            "parts": ["The parts add up to more than the whole."],
            "other.0.holder": ["Not ours."],
        }
    )
    loose = add_row_errors(error, "parts", rows, {"town": "holder"})
    assert rows[1].errors["holder"] == ["No such town."]
    assert rows[0].non_field_errors() == ["Too long."]
    assert sorted(loose) == [
        "Not ours.",
        "Out of range.",
        "The parts add up to more than the whole.",
    ]
    assert add_row_errors(ValidationError("Stale."), "parts", rows) == ["Stale."]
