"""Factories for chains, nodes, links, partners and bottlenecks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
from jinmu.chains.stats import refresh_node_stats
from jinmu.core.tests.factories import county


class ChainFactory(factory.django.DjangoModelFactory):
    """A chain of the 一金 cluster."""

    class Meta:
        model = Chain

    region = factory.LazyFunction(county)
    name = factory.Sequence(lambda n: f"测试产业链{n}")
    cluster = "metal"


class ChainNodeFactory(factory.django.DjangoModelFactory):
    """A midstream product node."""

    class Meta:
        model = ChainNode

    chain = factory.SubFactory(ChainFactory)
    region = factory.LazyAttribute(lambda o: o.chain.region)
    name = factory.Sequence(lambda n: f"节点{n}")
    segment = "midstream"
    kind = "product"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        """Save, then store the node's statistics as `create_node` does."""
        node = super()._create(model_class, *args, **kwargs)
        refresh_node_stats([node.pk])
        return node


class EnterpriseNodeFactory(factory.django.DjangoModelFactory):
    """An enterprise supporting a node."""

    class Meta:
        model = EnterpriseNode

    node = factory.SubFactory(ChainNodeFactory)
    enterprise = factory.SubFactory("jinmu.enterprises.tests.factories.EnterpriseFactory")
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    role = "supporting"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        """Save, then refresh the node's statistics as `link_enterprise` does."""
        link = super()._create(model_class, *args, **kwargs)
        refresh_node_stats([link.node_id])
        return link


class ChainPartnerFactory(factory.django.DjangoModelFactory):
    """A university partner."""

    class Meta:
        model = ChainPartner

    chain = factory.SubFactory(ChainFactory)
    region = factory.LazyAttribute(lambda o: o.chain.region)
    kind = "university"
    name = factory.Sequence(lambda n: f"合作高校{n}")


class BottleneckFactory(factory.django.DjangoModelFactory):
    """An open bottleneck."""

    class Meta:
        model = Bottleneck

    node = factory.SubFactory(ChainNodeFactory)
    region = factory.LazyAttribute(lambda o: o.node.region)
    title = "原材料供应不稳定"
    since = dt.date(2026, 1, 1)
    status = "open"
