"""The project record and the curated lists it can be put on."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.chains.models import Chain, ChainNode
from jinmu.core.fields import (
    NON_NEGATIVE,
    figure_field,
    latitude_field,
    longitude_field,
    money_field,
    optional_fk,
    unique_rule,
    unit_fk,
    user_fk,
)
from jinmu.core.models import DomainModel
from jinmu.core.money import YI
from jinmu.core.permissions import PROJECT_ACTIONS
from jinmu.enterprises.models import Enterprise
from jinmu.projects.choices import (
    Light,
    PlanState,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Purpose,
    RenovationDirection,
)
from jinmu.projects.querysets import ProjectQuerySet, TagQuerySet


class ProjectTag(DomainModel):
    """A curated list a project can be put on (e.g. the county's 双十 library)."""

    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        verbose_name = _("project list")
        verbose_name_plural = _("project lists")
        constraints = (
            unique_rule(
                ("region", "name"),
                "projects_tag_unique_name",
                _("A project list with this name already exists."),
            ),
        )

    def __str__(self) -> str:
        return self.name


# Project columns derived from weekly reports (written by jinmu.projects.reporting) and from
# the light rules (written by jinmu.projects.lights), never by a form.
REPORT_FIGURES = (
    "invested_total",
    "invested_year",
    "invested_year_of",
    "percent_complete",
    "last_report_week",
)
LIGHT_FIELDS = ("light", "computed_light", "light_reasons", "light_computed_on")


class Project(DomainModel):
    """One project of any kind, followed from the first lead to 投产达效.

    `region` is where the project lies (a town code, or the county when not yet sited). Fields
    that belong to one kind are blank on the others. The `invested_*`, `last_report_*`,
    `percent_complete` and `computed_light`/`light`/`light_reasons` columns are derived: the
    services write them from weekly reports, milestones and the light rules, never a form.
    """

    code = models.CharField(
        _("project number"),
        max_length=40,
        blank=True,
        help_text=_("The county's own number; imports match on it."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProjectKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ProjectStatus.choices)
    level = models.CharField(_("level"), max_length=10, choices=ProjectLevel.choices, blank=True)
    description = models.TextField(_("content"), blank=True)
    tags = models.ManyToManyField(
        ProjectTag, verbose_name=_("project lists"), blank=True, related_name="projects"
    )
    # Where and on which chain.
    park = unit_fk(_("park"), related_name="park_projects", limit_choices_to={"kind": "park"})
    chain = optional_fk(Chain, _("chain"), related_name="projects")
    node = optional_fk(
        ChainNode,
        _("chain node"),
        related_name="projects",
        help_text=_("For an attraction project: the chain gap it fills."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    # Who.
    enterprise = optional_fk(
        Enterprise,
        _("owner enterprise"),
        related_name="projects",
        help_text=_("The enterprise that builds the project (for a challenge: the publisher)."),
    )
    responsible_unit = unit_fk(_("responsible unit"), related_name="responsible_projects")
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    leader = user_fk(_("leader in charge (包保)"), related_name="led_projects")
    # Money (yuan, exact).
    total_investment = money_field(_("total investment (yuan)"))
    fixed_asset_investment = money_field(_("fixed-asset investment (yuan)"))
    # Dates.
    planned_start = models.DateField(_("planned start of works"), null=True, blank=True)
    actual_start = models.DateField(_("actual start of works"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    actual_completion = models.DateField(_("actual completion"), null=True, blank=True)
    statistics_registered_on = models.DateField(
        _("statistical registration (入统) on"), null=True, blank=True
    )
    # 招商引资.
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    origin_province = models.CharField(_("origin province"), max_length=20, blank=True)
    origin_city = models.CharField(_("origin city"), max_length=30, blank=True)
    referrer = models.CharField(_("referrer"), max_length=100, blank=True)
    lead_owner = user_fk(_("lead owner"), related_name="owned_leads")
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, blank=True)
    contract_value = money_field(_("contract value (yuan)"))
    funds_in_place = money_field(_("funds in place (yuan)"))
    exclusions = models.JSONField(
        _("exclusions"),
        default=list,
        blank=True,
        help_text=_("Categories that keep it from counting as attracted (local capital, …)."),
    )
    lead_registered_on = models.DateField(_("lead registered on"), null=True, blank=True)
    lead_owner_named_on = models.DateField(_("owner named on"), null=True, blank=True)
    lead_assessed_on = models.DateField(_("lead assessed on"), null=True, blank=True)
    lead_feedback_on = models.DateField(_("referrer told on"), null=True, blank=True)
    lead_followed_up_on = models.DateField(_("last follow-up on"), null=True, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # 技改.
    direction = models.CharField(
        _("renovation direction"), max_length=12, choices=RenovationDirection.choices, blank=True
    )
    equipment_investment = money_field(_("equipment investment (yuan)"))
    # 专项债.
    bond_requested = money_field(_("bond amount applied for (yuan)"))
    bond_issued = money_field(_("bond amount issued (yuan)"))
    bond_disbursed = money_field(_("bond funds disbursed (yuan)"))
    coverage_ratio = models.DecimalField(
        _("revenue/cost coverage ratio"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("本息覆盖倍数 as given in the financial evaluation."),
    )
    # 揭榜挂帅.
    solver = models.CharField(_("solver"), max_length=200, blank=True)
    reward = money_field(_("reward (yuan)"))
    review_score = models.DecimalField(
        _("review score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    # Milestone plan.
    plan_state = models.CharField(
        _("plan"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT
    )
    replan_reason = models.TextField(_("reason for re-planning"), blank=True)
    replan_requested_by = user_fk(_("re-planning requested by"))
    # Derived from weekly reports (written by the report service).
    invested_total = figure_field(_("investment completed (yuan)"))
    invested_year = figure_field(_("investment completed this year (yuan)"))
    invested_year_of = models.PositiveSmallIntegerField(
        _("year of the yearly figure"), null=True, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    last_report_week = models.DateField(
        _("week of the latest report"), null=True, blank=True, help_text=_("Its Monday.")
    )
    # Lights (written by jinmu.projects.lights).
    computed_light = models.CharField(
        _("computed light"), max_length=8, choices=Light.choices, blank=True
    )
    light = models.CharField(
        _("light"),
        max_length=8,
        choices=Light.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "The override if there is one, else the computed light; blank when the "
            "project is not under weekly scheduling."
        ),
    )
    light_reasons = models.JSONField(_("light reasons"), default=list, blank=True)
    light_computed_on = models.DateField(_("light computed on"), null=True, blank=True)
    light_override = models.CharField(
        _("light override"), max_length=8, choices=Light.choices, blank=True
    )
    light_override_reason = models.TextField(_("reason for the override"), blank=True)
    light_override_by = user_fk(_("overridden by"))
    light_override_at = models.DateTimeField(_("overridden at"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    audit_exclude = (
        "created_at",
        "updated_at",
        "light_reasons",
        "light_computed_on",
        "computed_light",
    )

    class Meta:
        ordering = ("-id",)
        verbose_name = _("project")
        permissions = PROJECT_ACTIONS
        verbose_name_plural = _("projects")
        constraints = (
            unique_rule(
                ("code",),
                "projects_project_unique_code",
                _("A project with this number already exists."),
                condition=~models.Q(code=""),
            ),
        )
        indexes = (
            models.Index(fields=("region", "kind", "status"), name="projects_region_kind_idx"),
            models.Index(fields=("kind", "level", "status"), name="projects_kind_level_idx"),
            models.Index(fields=("light", "kind"), name="projects_light_kind_idx"),
            # Covers the portfolio board's GROUP BY, so it never reads the wide rows.
            models.Index(
                fields=(
                    "region",
                    "light",
                    "kind",
                    "chain",
                    "responsible_unit",
                    "light_computed_on",
                ),
                name="projects_board_idx",
            ),
            models.Index(fields=("chain", "kind"), name="projects_chain_kind_idx"),
            models.Index(fields=("responsible_unit", "kind"), name="projects_unit_kind_idx"),
            models.Index(fields=("enterprise", "kind"), name="projects_enterprise_kind_idx"),
            # The targets count a year's signings and starts (targets.measures) by date range.
            models.Index(fields=("kind", "signed_on"), name="projects_kind_signed_idx"),
            models.Index(fields=("kind", "actual_start"), name="projects_kind_start_idx"),
            # Key projects are counted and summed in full (a level target): covering the
            # columns the count reads keeps the wide rows unread, as for the board above.
            models.Index(
                fields=(
                    "kind",
                    "level",
                    "status",
                    "region",
                    "created_at",
                    "total_investment",
                    "park",
                    "chain",
                ),
                name="projects_key_measure_idx",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Dates in order, the node on the chosen chain, kind-specific fields consistent."""
        errors: dict[str, Any] = {}
        if self.planned_start and self.planned_completion:
            if self.planned_completion < self.planned_start:
                errors["planned_completion"] = _("Completion cannot be before the start.")
        if self.actual_start and self.actual_completion:
            if self.actual_completion < self.actual_start:
                errors["actual_completion"] = _("Completion cannot be before the start.")
        node = self.node if self.node_id else None
        if node is not None and self.chain_id and node.chain_id != self.chain_id:
            errors["node"] = _("This node is not on the chosen chain.")
        if self.kind == ProjectKind.KEY and not self.level:
            errors["level"] = _("A key project needs its level (county, city or province).")
        if (
            self.fixed_asset_investment is not None
            and self.total_investment is not None
            and self.fixed_asset_investment > self.total_investment
        ):
            errors["fixed_asset_investment"] = _(
                "Fixed-asset investment cannot exceed the total investment."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def over_100m(self) -> bool:
        """过亿元: total investment of at least 1亿元."""
        return self.total_investment is not None and self.total_investment >= YI

    @property
    def over_1b(self) -> bool:
        """过10亿元: total investment of at least 10亿元."""
        return self.total_investment is not None and self.total_investment >= 10 * YI
