"""The ledger filter's model selects: per-scope options read as values, as instances gave."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import RequestFactory

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.core.filtersets import ValuesChoiceField
from jinmu.core.tests.factories import UnitFactory
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


KEPT_SELECTS = ("town", "park", "chain", "node", "responsible_unit")


def _drawn_options(who: Any) -> dict[str, list[tuple[str, str]]]:
    """The options each kept select draws for `who` (a new request each time)."""
    request = RequestFactory().get("/")
    request.user = who
    form = ProjectFilterSet(None, queryset=Project.objects.all(), request=request).form
    return {
        name: [(str(v), str(label)) for v, label in form.fields[name].widget.choices]
        for name in KEPT_SELECTS
    }


@pytest.mark.parametrize("who", ["industry", "chain", "town_a", "park"])
def test_kept_options_are_the_scope_s_and_follow_every_write(options_world: Any, who: str) -> None:
    # given: the options drawn once (and kept)
    user = options_world.users[who]
    _drawn_options(user)
    # when: a unit, a chain and a node are added and a town renamed
    UnitFactory(name="新部门")
    chain = ChainFactory(name="新链", office=options_world.chain_office)
    ChainNodeFactory(chain=chain, name="新环节")
    options_world.town_a.name = "新镇"
    options_world.town_a.save()
    # then: the next request draws what the rows give, as the field's own rows read them
    request = RequestFactory().get("/")
    request.user = user
    form = ProjectFilterSet(None, queryset=Project.objects.all(), request=request).form
    for name in KEPT_SELECTS:
        field = form.fields[name]
        fresh = [(str(v), str(label)) for v, label in field.choices]
        assert _drawn_options(user)[name] == fresh, name
    shown = _drawn_options(user)
    if who == "industry":
        assert "新部门" in {label for _v, label in shown["responsible_unit"]}
        assert "新链" in {label for _v, label in shown["chain"]}
        assert "新链 · 新环节" in {label for _v, label in shown["node"]}
        assert "新镇" in {label for _v, label in shown["town"]}


def test_kept_options_are_drawn_without_a_query(
    options_world: Any, django_assert_num_queries: Any
) -> None:
    # given: the options drawn once
    user = options_world.users["industry"]
    _drawn_options(user)
    # when / then: the next request reads none of the rows again
    with django_assert_num_queries(0):
        _drawn_options(user)
