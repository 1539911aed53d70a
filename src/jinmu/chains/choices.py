"""Choices of the chains app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cluster(models.TextChoices):
    """The county's two clusters: 一金 (hardware and machinery) and 一木 (furniture)."""

    METAL = "metal", _("Hardware and machinery (一金)")
    WOOD = "wood", _("Furniture (一木)")
    OTHER = "other", _("Other")


class Segment(models.TextChoices):
    """Where a node sits on the chain."""

    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")
    SERVICE = "service", _("Services")


class NodeKind(models.TextChoices):
    """What a node stands for."""

    PRODUCT = "product", _("Product")
    PROCESS = "process", _("Process")
    FACILITY = "facility", _("Shared facility")
    GROUP = "group", _("Group of nodes")


class FacilityType(models.TextChoices):
    """The county's 两市场 (two markets) and 六中心 (six centres)."""

    RAW_MATERIAL_MARKET = "raw_material_market", _("Raw-material market")
    COMPONENTS_MARKET = "components_market", _("Components market")
    PRIMARY_PROCESSING = "primary_processing", _("Primary processing centre")
    LOGISTICS = "logistics", _("Logistics centre")
    DESIGN = "design", _("Design centre")
    PRODUCTION_SALES = "production_sales", _("Production and sales centre")
    TESTING = "testing", _("Testing centre")
    FINANCIAL_SERVICES = "financial_services", _("Financial services centre")


class ChainRole(models.TextChoices):
    """An enterprise's role on a node."""

    LEADER = "leader", _("Chain leader (链主)")
    BACKBONE = "backbone", _("Backbone")
    SUPPORTING = "supporting", _("Supporting")


class PartnerKind(models.TextChoices):
    """The 政产学研金服用 community around a chain."""

    DEPARTMENT = "department", _("Government department")
    ASSOCIATION = "association", _("Industry association")
    UNIVERSITY = "university", _("University")
    INSTITUTE = "institute", _("Research institute")
    BANK = "bank", _("Bank or financial institution")
    SERVICE_AGENCY = "service_agency", _("Service agency")
    USER = "user", _("User or customer")


class BottleneckStatus(models.TextChoices):
    """A bottleneck (堵点) is open until someone records it as cleared."""

    OPEN = "open", _("Open")
    CLEARED = "cleared", _("Cleared")


class GapState(models.TextChoices):
    """Result of the gap analysis of one node."""

    MISSING = "missing", _("Missing link (断点)")
    BLOCKED = "blocked", _("Bottleneck (堵点)")
    WEAK = "weak", _("Weak")
    COVERED = "covered", _("Covered")
    GROUP = "group", _("Group")
