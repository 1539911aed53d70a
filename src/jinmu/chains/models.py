"""Industrial chains, their node trees, the enterprises on them, partners and bottlenecks."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.chains.choices import (
    BottleneckStatus,
    ChainRole,
    Cluster,
    FacilityType,
    NodeKind,
    PartnerKind,
    Segment,
)
from jinmu.chains.querysets import (
    BottleneckQuerySet,
    ChainChildQuerySet,
    ChainNodeQuerySet,
    ChainQuerySet,
)
from jinmu.core.fields import (
    belongs_to,
    model_unique_rule,
    optional_fk,
    region_fk,
    tree_parent,
    unit_fk,
    user_fk,
)
from jinmu.core.models import DomainModel, Unit
from jinmu.enterprises.choices import QuickChoiceLabels
from jinmu.enterprises.links import record_url

if TYPE_CHECKING:
    from jinmu.enterprises.models import Enterprise

DEFAULT_WEAK_SHARE = Decimal("0.30")


class Chain(QuickChoiceLabels, DomainModel):
    """An industrial chain run under the chain-chief system (链长 + 链长办 + 链主)."""

    name = models.CharField(_("name"), max_length=50)
    cluster = models.CharField(_("cluster"), max_length=10, choices=Cluster.choices)
    description = models.TextField(_("description"), blank=True)
    chief = user_fk(_("chain chief (链长)"), related_name="chains_led")
    office = unit_fk(_("chain office"), related_name="chains")
    weak_share_threshold = models.DecimalField(
        _("weak-node threshold"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_WEAK_SHARE,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "A node is weak when local output covers less than this share of the local demand."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ChainQuerySet.as_manager()

    class Meta:
        ordering = ("sort_order", "name")
        verbose_name = _("industrial chain")
        verbose_name_plural = _("industrial chains")
        constraints = (
            model_unique_rule(
                ("region", "name"),
                "name",
                _("A chain with this name already exists."),
            ),
        )

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The chain's page."""
        return record_url("chains:detail", self.pk)


class ChainNode(QuickChoiceLabels, DomainModel):
    """A link of a chain: a product, a process, a shared facility, or a group of such links."""

    chain = belongs_to(Chain, _("chain"), "nodes")
    parent: models.ForeignKey[ChainNode | None, ChainNode | None] = tree_parent(
        _("parent node"), on_delete=models.CASCADE
    )
    name = models.CharField(_("name"), max_length=60)
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices)
    kind = models.CharField(
        _("kind"), max_length=10, choices=NodeKind.choices, default=NodeKind.PRODUCT
    )
    facility_type = models.CharField(
        _("facility type"), max_length=20, choices=FacilityType.choices, blank=True
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    local_demand = models.DecimalField(
        _("local annual demand (yuan)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "What the county's chain buys of this link a year; with it the platform can tell "
            "how much local firms cover."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ChainNodeQuerySet.as_manager()

    class Meta:
        ordering = ("chain", "segment", "sort_order", "name")
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")
        constraints = (
            model_unique_rule(
                ("chain", "name"),
                "name",
                _("This chain already has a node with this name."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}" if self.chain_id else self.name

    def get_absolute_url(self) -> str:
        """The node's page."""
        return record_url("chains:node", self.pk)

    def clean(self) -> None:
        """A facility node names its facility type; a parent belongs to the same chain."""
        super().clean()
        errors: dict[str, Any] = {}
        if self.kind == NodeKind.FACILITY and not self.facility_type:
            errors["facility_type"] = _("A shared-facility node needs its facility type.")
        if self.kind != NodeKind.FACILITY and self.facility_type:
            errors["facility_type"] = _("Only shared-facility nodes have a facility type.")
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                errors["parent"] = _("A node cannot be its own parent.")
            elif self.parent is not None and self.parent.chain_id != self.chain_id:
                errors["parent"] = _("The parent node belongs to another chain.")
        if errors:
            raise ValidationError(errors)


class EnterpriseNode(QuickChoiceLabels, DomainModel):
    """An enterprise serving a chain node, in a role (链主, backbone, supporting)."""

    enterprise: models.ForeignKey[Enterprise, Enterprise] = belongs_to(
        "enterprises.Enterprise", _("enterprise"), "node_links"
    )
    node = belongs_to(ChainNode, _("node"), "enterprise_links")
    role = models.CharField(
        _("role"), max_length=12, choices=ChainRole.choices, default=ChainRole.SUPPORTING
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ChainChildQuerySet.as_manager()

    class Meta:
        ordering = ("node", "role", "enterprise")
        verbose_name = _("enterprise on a node")
        verbose_name_plural = _("enterprises on nodes")
        constraints = (
            model_unique_rule(
                ("enterprise", "node"),
                "link",
                _("This enterprise is already on this node."),
            ),
        )
        # The chain page lists a chain's firms by role: node first, then role, then the firm.
        indexes = (
            models.Index(fields=("node", "role", "enterprise"), name="chains_link_role_idx"),
        )

    def __str__(self) -> str:
        return f"{self.node} · {self.enterprise}"


class ChainPartner(QuickChoiceLabels, DomainModel):
    """A member of the chain's 政产学研金服用 community: department, association, university …"""

    chain = belongs_to(Chain, _("chain"), "partners")
    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    unit = optional_fk(
        Unit,
        _("unit"),
        related_name="chain_partnerships",
        on_delete=models.SET_NULL,
        help_text=_("For a county department: the unit on the platform."),
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    role_description = models.CharField(_("what they contribute"), max_length=200, blank=True)

    objects = ChainChildQuerySet.as_manager()

    class Meta:
        ordering = ("chain", "kind", "name")
        verbose_name = _("chain partner")
        verbose_name_plural = _("chain partners")
        constraints = (
            model_unique_rule(
                ("chain", "kind", "name"),
                "partner",
                _("This partner is already listed for this chain."),
            ),
        )

    def __str__(self) -> str:
        return self.name


class Bottleneck(QuickChoiceLabels, DomainModel):
    """A supply bottleneck (堵点) on a node: what, since when, who owns clearing it."""

    node = belongs_to(ChainNode, _("node"), "bottlenecks")
    title = models.CharField(_("what is blocked"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    since = models.DateField(_("since"))
    owner_unit = optional_fk(
        Unit, _("owner unit"), related_name="bottlenecks", on_delete=models.SET_NULL
    )
    owner_name = models.CharField(_("owner"), max_length=50, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BottleneckStatus.choices,
        default=BottleneckStatus.OPEN,
    )
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)

    objects = BottleneckQuerySet.as_manager()

    class Meta:
        ordering = ("node", "-since")
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """A cleared bottleneck has a clearing date, not before it began."""
        super().clean()
        if self.status == BottleneckStatus.CLEARED and not self.cleared_on:
            raise ValidationError({"cleared_on": _("Give the date the bottleneck was cleared.")})
        if self.cleared_on and self.since and self.cleared_on < self.since:
            raise ValidationError({"cleared_on": _("Clearing cannot predate the bottleneck.")})


class NodeStats(models.Model):
    """Derived: the link counts and local output of one node, as the gap analysis needs them.

    A cache of an aggregate over every enterprise link of the node, which at county scale
    (a chain with 100,000+ links) is too slow to run on each page view. It is written only by
    `jinmu.chains.stats`, in the same transaction as every write that changes its inputs (links,
    the linked enterprises' status, place and figures), and read by the gap analysis, which
    computes a missing row on the fly. Not a domain row: nobody edits it, so it has no version
    and its writes are not audited. It carries its node's region like every row, so that it is
    stored and scoped with its node.
    """

    node = models.OneToOneField(
        ChainNode,
        verbose_name=_("node"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stats",
    )
    region = region_fk()
    leaders = models.PositiveIntegerField(_("chain-leader links"), default=0)
    backbone = models.PositiveIntegerField(_("backbone links"), default=0)
    supporting = models.PositiveIntegerField(_("supporting links"), default=0)
    total = models.PositiveIntegerField(_("links"), default=0)
    operating = models.PositiveIntegerField(_("operating local enterprises"), default=0)
    output = models.DecimalField(
        _("local output (yuan)"),
        max_digits=20,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Latest recorded industrial output of the operating local enterprises, summed."
        ),
    )
    links_updated = models.DateTimeField(_("links last updated"), null=True, blank=True)
    enterprises_updated = models.DateTimeField(_("enterprises last updated"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("node statistics")
        verbose_name_plural = _("node statistics")

    def __str__(self) -> str:
        return f"{self.node_id}: {self.operating}/{self.total}"
