"""The project ledger: every kind of project, its approvals, milestone plans and baselines,
weekly reports and the configurable rules that colour it."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import latitude_field, longitude_field
from jinmu.core.models import DomainModel, Region
from jinmu.core.permissions import PROJECT_ACTIONS
from jinmu.core.regions import nearest_rows
from jinmu.projects.choices import (
    ApprovalKind,
    AttachmentKind,
    AttractionExclusion,
    Light,
    PlanState,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Purpose,
    RenovationDirection,
)
from jinmu.projects.querysets import ProjectChildQuerySet, ProjectQuerySet, TagQuerySet

YI = Decimal("100000000")  # 1亿元 in yuan
WAN = Decimal("10000")  # 1万元 in yuan

_MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2}
_NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _money(label: Any, **extra: Any) -> models.DecimalField[Any, Any]:
    """An exact yuan amount, never negative; blank when unknown."""
    options: dict[str, Any] = {"null": True, "blank": True, "validators": _NON_NEGATIVE}
    options.update(extra)
    return models.DecimalField(label, **_MONEY, **options)


def _all_exclusions() -> list[str]:
    """By default every category of practice.md keeps a project from counting as attracted."""
    return list(AttractionExclusion.values)


class LedgerSettings(DomainModel):
    """A region's thresholds for lights, lead deadlines and attraction eligibility.

    Every default is from practice.md (lights: 银川发改委 2025; lead deadlines: 江门
    江府办函〔2024〕37号; eligibility: 宣城 2024). A town without its own row uses its county's, a
    county without one its city's, and so on up; with no row at all the field defaults apply.
    """

    # 开工: due and not started -> yellow; not started this many months after the plan -> red.
    start_red_months = models.PositiveSmallIntegerField(_("start: red after months"), default=3)
    # 序时进度: percentage points behind the time-proportional share of the annual plan.
    schedule_yellow_points = models.DecimalField(
        _("schedule: yellow from points behind"), max_digits=5, decimal_places=2, default=10
    )
    schedule_red_points = models.DecimalField(
        _("schedule: red above points behind"), max_digits=5, decimal_places=2, default=30
    )
    # Milestones: days past the planned end without being finished.
    milestone_yellow_days = models.PositiveSmallIntegerField(
        _("milestone: yellow from days late"), default=1
    )
    milestone_red_days = models.PositiveSmallIntegerField(
        _("milestone: red from days late"), default=15
    )
    # 入统: months after the start of works without statistical registration.
    statistics_yellow_months = models.PositiveSmallIntegerField(
        _("statistics: yellow after months"), default=1
    )
    statistics_red_months = models.PositiveSmallIntegerField(
        _("statistics: red after months"), default=2
    )
    # Weekly reports are due on this ISO weekday (1 = Monday … 7 = Sunday) of their own week.
    report_due_weekday = models.PositiveSmallIntegerField(
        _("weekly report due on weekday"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    # Lead deadlines (calendar days from registering the lead).
    lead_owner_days = models.PositiveSmallIntegerField(_("lead: owner within days"), default=1)
    lead_assess_days = models.PositiveSmallIntegerField(_("lead: assess within days"), default=3)
    lead_assess_days_large = models.PositiveSmallIntegerField(
        _("lead: assess large leads within days"), default=7
    )
    lead_large_threshold = _money(
        _("lead: large from total investment (yuan)"), default=Decimal("1000000000")
    )
    lead_feedback_days = models.PositiveSmallIntegerField(
        _("lead: feedback to referrer within days"), default=7
    )
    lead_follow_up_days = models.PositiveSmallIntegerField(
        _("lead: follow-up every days"), default=14
    )
    # What counts as a 过亿元 attraction project.
    attraction_min_total = _money(
        _("attraction: minimum total investment (yuan)"), default=Decimal("100000000")
    )
    attraction_min_fixed_assets = _money(
        _("attraction: minimum fixed-asset investment (yuan)"), default=Decimal("60000000")
    )
    attraction_big_total = _money(
        _("attraction: 过10亿 from total investment (yuan)"), default=Decimal("1000000000")
    )
    attraction_excluded = models.JSONField(
        _("attraction: excluded categories"),
        default=_all_exclusions,
        blank=True,
        help_text=_("Codes of AttractionExclusion that keep a project from counting."),
    )

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")
        constraints = (
            models.UniqueConstraint(fields=("region",), name="projects_settings_one_per_region"),
        )

    def __str__(self) -> str:
        return f"{self.region}"

    def clean(self) -> None:
        """Red thresholds must lie beyond yellow ones."""
        errors: dict[str, Any] = {}
        if self.schedule_red_points < self.schedule_yellow_points:
            errors["schedule_red_points"] = _("Must not be below the yellow threshold.")
        if self.milestone_red_days < self.milestone_yellow_days:
            errors["milestone_red_days"] = _("Must not be below the yellow threshold.")
        if self.statistics_red_months < self.statistics_yellow_months:
            errors["statistics_red_months"] = _("Must not be below the yellow threshold.")
        if errors:
            raise ValidationError(errors)


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
            models.UniqueConstraint(
                fields=("region", "name"),
                name="projects_tag_unique_name",
                violation_error_message=_("A project list with this name already exists."),
            ),
        )

    def __str__(self) -> str:
        return self.name


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
    park = models.ForeignKey(
        "core.Unit",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_projects",
        limit_choices_to={"kind": "park"},
    )
    chain = models.ForeignKey(
        "chains.Chain",
        verbose_name=_("chain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    node = models.ForeignKey(
        "chains.ChainNode",
        verbose_name=_("chain node"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("For an attraction project: the chain gap it fills."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    # Who.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("owner enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        help_text=_("The enterprise that builds the project (for a challenge: the publisher)."),
    )
    responsible_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_projects",
    )
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge (包保)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    # Money (yuan, exact).
    total_investment = _money(_("total investment (yuan)"))
    fixed_asset_investment = _money(_("fixed-asset investment (yuan)"))
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
    lead_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_leads",
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, blank=True)
    contract_value = _money(_("contract value (yuan)"))
    funds_in_place = _money(_("funds in place (yuan)"))
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
    equipment_investment = _money(_("equipment investment (yuan)"))
    # 专项债.
    bond_requested = _money(_("bond amount applied for (yuan)"))
    bond_issued = _money(_("bond amount issued (yuan)"))
    bond_disbursed = _money(_("bond funds disbursed (yuan)"))
    coverage_ratio = models.DecimalField(
        _("revenue/cost coverage ratio"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_NON_NEGATIVE,
        help_text=_("本息覆盖倍数 as given in the financial evaluation."),
    )
    # 揭榜挂帅.
    solver = models.CharField(_("solver"), max_length=200, blank=True)
    reward = _money(_("reward (yuan)"))
    review_score = models.DecimalField(
        _("review score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    objection_until = models.DateField(_("objections until"), null=True, blank=True)
    # Milestone plan.
    plan_state = models.CharField(
        _("plan"), max_length=12, choices=PlanState.choices, default=PlanState.DRAFT
    )
    replan_reason = models.TextField(_("reason for re-planning"), blank=True)
    replan_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("re-planning requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Derived from weekly reports (written by the report service).
    invested_total = models.DecimalField(
        _("investment completed (yuan)"), **_MONEY, default=Decimal("0")
    )
    invested_year = models.DecimalField(
        _("investment completed this year (yuan)"), **_MONEY, default=Decimal("0")
    )
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
    light_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
            models.UniqueConstraint(
                fields=("code",),
                condition=~models.Q(code=""),
                name="projects_project_unique_code",
                violation_error_message=_("A project with this number already exists."),
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


class ProjectYearPlan(DomainModel):
    """The investment a project plans to complete in one calendar year (for 序时进度)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="year_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    planned_investment = models.DecimalField(
        _("planned investment (yuan)"), **_MONEY, validators=_NON_NEGATIVE
    )
    monthly_shares = models.JSONField(
        _("cumulative monthly shares"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: 12 cumulative shares of the year's plan by month end (0–1, rising, the "
            "last 1). Without them the expected share is elapsed days / days in the year."
        ),
    )

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "year")
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        constraints = (
            models.UniqueConstraint(
                fields=("project", "year"),
                name="projects_year_plan_unique",
                violation_error_message=_("This project already has a plan for that year."),
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} {self.year}"

    def clean(self) -> None:
        """Monthly shares: twelve rising numbers between 0 and 1 ending at 1."""
        shares = self.monthly_shares
        if shares in (None, []):
            return
        message = _("Give twelve rising shares between 0 and 1, the last one 1.")
        try:
            values = [Decimal(str(v)) for v in shares]
        except (TypeError, ArithmeticError, ValueError) as exc:
            raise ValidationError({"monthly_shares": message}) from exc
        if (
            len(values) != 12
            or any(v < 0 or v > 1 for v in values)
            or any(b < a for a, b in pairwise(values))
            or values[-1] != 1
        ):
            raise ValidationError({"monthly_shares": message})


class StatusChange(models.Model):
    """One lifecycle transition: who moved the project, when, from where to where and why."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ProjectStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ProjectStatus.choices)
    changed_on = models.DateField(_("effective date"))
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "changed_at", "id")
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status} → {self.to_status}"


class ApprovalItem(DomainModel):
    """One approval of a project (用地, 规划许可, 施工许可 …) with planned and actual dates."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="approvals"
    )
    kind = models.CharField(_("approval"), max_length=16, choices=ApprovalKind.choices)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("For other approvals: what it is.")
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    actual_on = models.DateField(_("actual date"), null=True, blank=True)
    authority = models.ForeignKey(
        "core.Unit",
        verbose_name=_("approving unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "planned_on", "id")
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        constraints = (
            models.UniqueConstraint(
                fields=("project", "kind"),
                condition=~models.Q(kind="other"),
                name="projects_approval_one_per_kind",
                violation_error_message=_("This approval is already listed for the project."),
            ),
        )

    def __str__(self) -> str:
        return self.name or str(self.get_kind_display())


class Milestone(DomainModel):
    """One step of a project's battle map: planned start and end, owner unit, weight, actuals."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("milestone"), max_length=100)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    owner_unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "sort_order", "planned_start", "id")
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A milestone cannot end before it starts."""
        errors: dict[str, Any] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("A milestone cannot end before it starts.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("A milestone cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class Baseline(DomainModel):
    """A frozen copy of a project's milestone plan, taken when the plan is approved."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="baselines"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why the plan changed (every baseline after the first)."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"))
    # [{"id", "name", "planned_start", "planned_end", "owner_unit", "weight", "sort_order"}]
    milestones = models.JSONField(_("milestones"), default=list)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "number")
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = (
            models.UniqueConstraint(
                fields=("project", "number"), name="projects_baseline_unique_number"
            ),
        )

    def __str__(self) -> str:
        return f"{self.project} #{self.number}"


class WeeklyReport(DomainModel):
    """A project's report for one ISO week (周调度): an append-only fact.

    `invested_this_week` is what the reporter gives; `cumulative_invested` and `year_invested`
    are derived by the report service from all earlier weeks and are never typed.
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week."))
    invested_this_week = models.DecimalField(
        _("investment completed this week (yuan)"), **_MONEY, validators=_NON_NEGATIVE
    )
    cumulative_invested = models.DecimalField(
        _("investment completed to date (yuan)"), **_MONEY, default=Decimal("0")
    )
    year_invested = models.DecimalField(
        _("investment completed this year (yuan)"), **_MONEY, default=Decimal("0")
    )
    progress_text = models.TextField(_("progress (形象进度)"), blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), validators=[MaxValueValidator(100)]
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    is_late = models.BooleanField(_("late"), default=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "-week")
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = (
            models.UniqueConstraint(
                fields=("project", "week"),
                name="projects_report_one_per_week",
                violation_error_message=_("This project already has a report for that week."),
            ),
        )
        indexes = (models.Index(fields=("region", "week"), name="projects_report_week_idx"),)

    def __str__(self) -> str:
        iso = self.week.isocalendar()
        return f"{self.project} {iso.year}-W{iso.week:02d}"

    @property
    def iso_week(self) -> str:
        """The week as ISO text, e.g. 2026-W48."""
        iso = self.week.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    """Photos go under the project's folder, one per report week."""
    report = instance.report
    return f"projects/{report.project_id}/{report.week:%Y%m%d}/{filename}"


class ReportPhoto(DomainModel):
    """A site photo of a weekly report, with the time and place its camera recorded."""

    report = models.ForeignKey(
        WeeklyReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=_photo_path)
    taken_at = models.DateTimeField(_("taken at (EXIF)"), null=True, blank=True)
    latitude = latitude_field(_("latitude (EXIF)"))
    longitude = longitude_field(_("longitude (EXIF)"))
    predates_week = models.BooleanField(_("taken before the report week"), default=False)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("report", "id")
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.image.name or ""


def _attachment_path(instance: Attachment, filename: str) -> str:
    """Documents go under the project's folder."""
    return f"projects/{instance.project_id}/documents/{filename}"


class Attachment(DomainModel):
    """A document attached to a project (实施方案, 财务评价, 法律意见, contract …)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("document"), max_length=24, choices=AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "kind", "id")
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class ChallengeReview(DomainModel):
    """One reviewer's score of a challenge solver's proposal (揭榜挂帅 评审)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.CharField(_("reviewer"), max_length=50)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "id")
        verbose_name = _("challenge review")
        verbose_name_plural = _("challenge reviews")

    def __str__(self) -> str:
        return f"{self.project} {self.reviewer}"


def settings_for(region: Region | str) -> LedgerSettings:
    """The ledger settings that apply in a region: its own row, else the nearest ancestor's,
    else an unsaved row holding the defaults."""
    code = region if isinstance(region, str) else region.code
    found = nearest_rows(LedgerSettings.objects.all(), [code])[code]
    return found or LedgerSettings(region_id=code)


class LightGeneration(models.Model):
    """A token per county, renewed by every write of lights there: the portfolio board's
    counts are cached under it, so any change of a light (or of what a light is counted by)
    makes the next board read count afresh, in every server process. A fresh random token
    (not a counter) so that a rolled-back write can never bring back a key already used."""

    county = models.CharField(_("county code"), max_length=12, primary_key=True)
    counter = models.BigIntegerField(_("counter"), default=0)
    token = models.CharField(_("token"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("light generation")
        verbose_name_plural = _("light generations")

    def __str__(self) -> str:
        return f"{self.county}: {self.counter}"
