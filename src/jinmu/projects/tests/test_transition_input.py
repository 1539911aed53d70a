"""The page's form and the API's serializer hand `services.transition` the same arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jinmu.projects.api.serializers import TransitionSerializer
from jinmu.projects.forms.records import TransitionForm
from jinmu.projects.services import transition_input
from jinmu.projects.tests.factories import ProjectFactory


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"to_status": "started", "on": "2026-11-02", "reason": "开工"},
            {"to_status": "started", "reason": "开工", "on": dt.date(2026, 11, 2)},
        ),
        ({"to_status": "started"}, {"to_status": "started", "reason": "", "on": None}),
    ],
)
def test_form_and_serializer_give_the_same_transition_input(
    world: Any, given: dict[str, str], expected: dict[str, Any]
) -> None:
    # given
    project = ProjectFactory(region=world.town_a)
    form = TransitionForm({**given, "version": "3"}, project=project)
    serializer = TransitionSerializer(data={**given, "expected_version": 3})
    # when
    assert form.is_valid(), form.errors
    assert serializer.is_valid(), serializer.errors
    # then
    assert form.service_data() == {**expected, "expected_version": 3}
    assert serializer.service_data() == form.service_data()


def test_transition_input_reads_a_missing_reason_as_empty() -> None:
    data = {"to_status": "terminated", "reason": None}
    assert transition_input(data=data, expected_version=None) == {
        "to_status": "terminated",
        "reason": "",
        "on": None,
        "expected_version": None,
    }
