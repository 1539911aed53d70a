"""The ledger filter's model selects: per-scope options read as values, as instances gave."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import RequestFactory

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.core.filtersets import ValuesChoiceField
from jinmu.projects.filtersets import ProjectFilterSet
from jinmu.projects.models import Project, ProjectTag

MODEL_SELECTS = ("town", "park", "chain", "node", "responsible_unit", "enterprise", "tag")


@pytest.fixture
def options_world(world: Any) -> Any:
    """Chains, nodes and a list to offer."""
    chain = ChainFactory(name="健身器材", office=world.chain_office)
    ChainNodeFactory(chain=chain, name="跑步机")
    ChainNodeFactory(chain=ChainFactory(name="电梯"), name="曳引机")
    ProjectTag.objects.create(region=world.county, name="重点项目")
    return world


@pytest.mark.parametrize("who", ["industry", "chain", "town_a", "park", "leader"])
def test_model_select_options_are_those_of_model_instances(options_world: Any, who: str) -> None:
    # given
    request = RequestFactory().get("/")
    request.user = options_world.users[who]
    filterset = ProjectFilterSet(None, queryset=Project.objects.all(), request=request)
    for name in MODEL_SELECTS:
        field = filterset.form.fields[name]
        # then
        assert isinstance(field, ValuesChoiceField)
        plain = forms.ModelChoiceField(field.queryset, to_field_name=field.to_field_name)
        as_instances = [(str(v), str(label)) for v, label in plain.choices]
        assert [(str(v), str(label)) for v, label in field.choices] == as_instances, name


def test_town_is_chosen_by_code(options_world: Any) -> None:
    # given
    request = RequestFactory().get("/")
    request.user = options_world.users["industry"]
    town = options_world.town_a
    # when
    filterset = ProjectFilterSet(
        {"town": town.code}, queryset=Project.objects.all(), request=request
    )
    # then
    assert filterset.form.is_valid()
    assert filterset.form.cleaned_data["town"] == town
    assert f'<option value="{town.code}" selected>' in str(filterset.form["town"])
