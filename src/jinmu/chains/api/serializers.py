"""API shapes of chains, nodes, partners, bottlenecks and the computed gaps (money in yuan)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinmu.api.versions import STAMPS, VERSIONED, VersionedSerializer, expected_version_field
from jinmu.chains.choices import GapState
from jinmu.chains.gaps import GAP_FLAGS, GapRow
from jinmu.chains.models import Bottleneck, Chain, ChainNode, ChainPartner
from jinmu.chains.services import BOTTLENECK_FIELDS, NODE_FIELDS, PARTNER_FIELDS
from jinmu.core.choices import UnitKind
from jinmu.core.models import Unit, User

_Row = TypeVar("_Row", Chain, ChainNode)


class ScopedChainField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A chain id, looked up only among the chains the requesting user sees."""

    def get_queryset(self) -> Any:
        """Out-of-scope ids read as nonexistent."""
        request = self.context.get("request")
        return Chain.objects.for_user(getattr(request, "user", None))


class ScopedNodeField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A node id, looked up only among the nodes the requesting user sees."""

    def get_queryset(self) -> Any:
        """Out-of-scope ids read as nonexistent."""
        request = self.context.get("request")
        return ChainNode.objects.for_user(getattr(request, "user", None))


class _VersionedSerializer(VersionedSerializer):
    """A versioned row of the chains app; a stored one stays under the row it hangs from."""

    def _unmoved(self, value: _Row, attname: str, message: Any) -> _Row:
        """`value`, the row a stored row hangs from, unless it names another one than the
        stored `attname` (refused with `message`)."""
        if self.instance is not None and value.pk != getattr(self.instance, attname):
            raise serializers.ValidationError(message)
        return value


class ChainSerializer(_VersionedSerializer):
    """An industrial chain and its settings (the weak-node threshold is a share, 0–1)."""

    office = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind=UnitKind.CHAIN_OFFICE),
        allow_null=True,
        required=False,
    )
    office_name = serializers.CharField(source="office.name", read_only=True, allow_null=True)
    chief = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Chain
        fields = (
            "id",
            "name",
            "cluster",
            "description",
            "chief",
            "office",
            "office_name",
            "region",
            "weak_share_threshold",
            "sort_order",
            "page_url",
            *VERSIONED,
        )
        read_only_fields = ("id", "region", *STAMPS)

    def get_page_url(self, obj: Chain) -> str:
        """The chain's page."""
        return obj.get_absolute_url()


class ChainNodeSerializer(_VersionedSerializer):
    """A node of a chain; the chain is set on create and then fixed."""

    chain = ScopedChainField()
    parent = ScopedNodeField(allow_null=True, required=False)  # type: ignore[assignment]

    class Meta:
        model = ChainNode
        fields = ("id", "chain", *NODE_FIELDS, "region", *VERSIONED)
        read_only_fields = ("id", "region", *STAMPS)
        extra_kwargs = {"local_demand": {"help_text": _("Yuan a year; null when unknown.")}}

    def validate_chain(self, value: Chain) -> Chain:
        """A node cannot move to another chain."""
        return self._unmoved(value, "chain_id", _("A node cannot move to another chain."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The parent belongs to the same chain."""
        chain = attrs.get("chain") or getattr(self.instance, "chain", None)
        parent = attrs.get("parent")
        if parent is not None and chain is not None and parent.chain_id != chain.pk:
            raise serializers.ValidationError(
                {"parent": [_("The parent node belongs to another chain.")]}
            )
        return attrs


class ChainPartnerSerializer(_VersionedSerializer):
    """A member of a chain's 政产学研金服用 community."""

    chain = ScopedChainField()
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = ChainPartner
        fields = ("id", "chain", *PARTNER_FIELDS, *VERSIONED)
        read_only_fields = ("id", *STAMPS)

    def validate_chain(self, value: Chain) -> Chain:
        """A partner cannot move to another chain."""
        return self._unmoved(value, "chain_id", _("A partner cannot move to another chain."))


class BottleneckSerializer(_VersionedSerializer):
    """A bottleneck (堵点) on a node."""

    node = ScopedNodeField()
    chain = serializers.IntegerField(source="node.chain_id", read_only=True)
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Bottleneck
        fields = ("id", "node", "chain", *BOTTLENECK_FIELDS, *VERSIONED)
        read_only_fields = ("id", *STAMPS)

    def validate_node(self, value: ChainNode) -> ChainNode:
        """A bottleneck cannot move to another node."""
        return self._unmoved(value, "node_id", _("A bottleneck cannot move to another node."))


class BottleneckClearSerializer(serializers.Serializer[Any]):
    """Input of `clear`: the clearing date (default today) and the version read."""

    cleared_on = serializers.DateField(required=False, allow_null=True)
    expected_version = expected_version_field()


class OpenBottleneckSerializer(serializers.Serializer[Any]):
    """An open bottleneck as listed with a gap."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    since = serializers.DateField()
    owner_unit = serializers.CharField(source="owner_unit.name", allow_null=True, default=None)
    owner_name = serializers.CharField()


class GapQuerySerializer(serializers.Serializer[Any]):
    """Filters of the gap list."""

    chain = serializers.IntegerField(required=False, min_value=1)
    state = serializers.ChoiceField(
        required=False, choices=[(flag, GapState(flag).label) for flag in GAP_FLAGS]
    )


class GapSerializer(serializers.Serializer[Any]):
    """The computed gap analysis of one node (read only)."""

    chain = serializers.IntegerField(source="chain.pk")
    chain_name = serializers.CharField(source="chain.name")
    node = serializers.IntegerField(source="gap.node.pk")
    node_name = serializers.CharField(source="gap.node.name")
    segment = serializers.CharField(source="gap.node.segment")
    kind = serializers.CharField(source="gap.node.kind")
    state = serializers.ChoiceField(
        source="gap.state",
        choices=GapState.choices,
        help_text=_("The single state: missing beats blocked beats weak."),
    )
    flags = serializers.ListField(
        source="gap.flags",
        child=serializers.ChoiceField(choices=[(f, GapState(f).label) for f in GAP_FLAGS]),
        help_text=_("Every gap the node has: missing, blocked and/or weak."),
    )
    leader_count = serializers.IntegerField(source="gap.leader_count")
    backbone_count = serializers.IntegerField(source="gap.backbone_count")
    supporting_count = serializers.IntegerField(source="gap.supporting_count")
    enterprise_count = serializers.IntegerField(source="gap.enterprise_count")
    operating_count = serializers.IntegerField(
        source="gap.operating_count",
        help_text=_("Operating enterprises of the chain's region on the node."),
    )
    local_output = serializers.DecimalField(
        source="gap.local_output",
        max_digits=20,
        decimal_places=2,
        help_text=_("Latest recorded industrial output of those enterprises, yuan."),
    )
    local_demand = serializers.DecimalField(
        source="gap.node.local_demand", max_digits=18, decimal_places=2, allow_null=True
    )
    share = serializers.SerializerMethodField(
        help_text=_("Local output / local demand; null when no demand is recorded.")
    )
    threshold = serializers.DecimalField(source="gap.threshold", max_digits=4, decimal_places=3)
    open_bottlenecks = OpenBottleneckSerializer(source="gap.open_bottlenecks", many=True)
    last_updated = serializers.DateTimeField(source="gap.last_updated", allow_null=True)
    page_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True))
    def get_share(self, row: GapRow) -> str | None:
        """The share with four decimals, as a string like other decimals."""
        share = row.gap.share
        return None if share is None else f"{share:.4f}"

    def get_page_url(self, row: GapRow) -> str:
        """The node's page."""
        return row.gap.url

    def to_representation(self, instance: GapRow) -> dict[str, Any]:
        """The declared fields' values, read directly: DRF's walk over the fields and their
        dotted sources cost the gap list a fifth of its time (issue 11). The decimals, dates
        and times are still drawn by their fields; `test_api` checks the two agree."""
        gap = instance.gap
        node = gap.node
        fields = self.fields
        decimal = fields["local_output"].to_representation
        since = cast(Any, fields["open_bottlenecks"]).child.fields["since"].to_representation
        return {
            "chain": instance.chain.pk,
            "chain_name": instance.chain.name,
            "node": node.pk,
            "node_name": node.name,
            "segment": node.segment,
            "kind": node.kind,
            "state": gap.state,
            "flags": gap.flags,
            "leader_count": gap.leader_count,
            "backbone_count": gap.backbone_count,
            "supporting_count": gap.supporting_count,
            "enterprise_count": gap.enterprise_count,
            "operating_count": gap.operating_count,
            "local_output": decimal(gap.local_output),
            "local_demand": (
                None
                if node.local_demand is None
                else fields["local_demand"].to_representation(node.local_demand)
            ),
            "share": self.get_share(instance),
            "threshold": fields["threshold"].to_representation(gap.threshold),
            "open_bottlenecks": [
                {
                    "id": bottleneck.pk,
                    "title": bottleneck.title,
                    "since": since(bottleneck.since),
                    "owner_unit": bottleneck.owner_unit.name if bottleneck.owner_unit else None,
                    "owner_name": bottleneck.owner_name,
                }
                for bottleneck in gap.open_bottlenecks
            ],
            "last_updated": (
                None
                if gap.last_updated is None
                else fields["last_updated"].to_representation(gap.last_updated)
            ),
            "page_url": self.get_page_url(instance),
        }
