"""Factories for chains, nodes, links, partners and bottlenecks."""

from __future__ import annotations

import datetime as dt

import factory

from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner, EnterpriseNode
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


class EnterpriseNodeFactory(factory.django.DjangoModelFactory):
    """An enterprise supporting a node."""

    class Meta:
        model = EnterpriseNode

    node = factory.SubFactory(ChainNodeFactory)
    enterprise = factory.SubFactory("jinmu.enterprises.tests.factories.EnterpriseFactory")
    region = factory.LazyAttribute(lambda o: o.enterprise.region)
    role = "supporting"


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
