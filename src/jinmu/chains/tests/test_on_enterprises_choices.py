"""Model selects read their options as values: the same options as model instances give."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from jinmu.chains.models import ChainNode
from jinmu.chains.on_enterprises import NODE_LABEL_FIELDS
from jinmu.chains.querysets import chains_for_request, nodes_for_request
from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.core.filtersets import ValuesChoiceField
from jinmu.enterprises.filtersets import EnterpriseFilterSet
from jinmu.enterprises.models import Enterprise


def _options(field: forms.ModelChoiceField) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    """(value, label) of each option, as a select renders them."""
    return [(str(value), str(label)) for value, label in field.choices]


@pytest.fixture
def nodes(world: Any) -> list[ChainNode]:
    """Nodes of two chains, one of the world's chain office."""
    mine = ChainFactory(name="健身器材", office=world.chain_office)
    other = ChainFactory(name="电梯 & <门>")
    return [
        ChainNodeFactory(chain=mine, name="跑步机"),
        ChainNodeFactory(chain=mine, name="哑铃", segment="upstream"),
        ChainNodeFactory(chain=other, name="曳引机"),
    ]


@pytest.mark.parametrize("who", ["industry", "chain", "town_a"])
def test_node_options_are_those_of_model_instances(nodes: Any, world: Any, who: str) -> None:
    # given
    request = RequestFactory().get("/")
    request.user = world.users[who]
    queryset = nodes_for_request(request)
    # when
    fast = ValuesChoiceField(queryset, label_fields=NODE_LABEL_FIELDS)
    # then
    assert _options(fast) == _options(forms.ModelChoiceField(queryset))
    assert len(fast.choices) == len(forms.ModelChoiceField(queryset).choices)


def test_chain_options_and_validation(nodes: Any, world: Any) -> None:
    # given
    request = RequestFactory().get("/")
    request.user = world.users["chain"]
    queryset = chains_for_request(request)
    field = ValuesChoiceField(queryset)
    # then
    assert _options(field) == _options(forms.ModelChoiceField(queryset))
    assert field.clean(str(nodes[0].chain_id)) == nodes[0].chain
    with pytest.raises(ValidationError):
        field.clean(str(nodes[2].chain_id))  # not this office's chain


def test_enterprise_filter_renders_and_validates_the_node(nodes: Any, world: Any) -> None:
    # given
    request = RequestFactory().get("/")
    request.user = world.users["industry"]
    data = {"node": str(nodes[2].pk)}
    # when
    filterset = EnterpriseFilterSet(data, queryset=Enterprise.objects.all(), request=request)
    # then
    assert filterset.form.is_valid()
    assert filterset.form.cleaned_data["node"] == nodes[2]
    html = str(filterset.form["node"])
    assert "电梯 &amp; &lt;门&gt; · 曳引机" in html
    assert f'<option value="{nodes[2].pk}" selected>' in html
    bad = EnterpriseFilterSet(
        {"node": "999999"}, queryset=Enterprise.objects.all(), request=request
    )
    assert not bad.form.is_valid()
