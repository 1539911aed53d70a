"""What a project plans and goes through: annual investment plans, its status history,
approvals, milestones and the baselines frozen from them."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import money_field, unique_rule, unit_fk, user_fk
from jinmu.projects.choices import (
    ApprovalKind,
    ProjectStatus,
)
from jinmu.projects.models.common import ProjectChild, project_fk
from jinmu.projects.querysets import ProjectChildQuerySet


class ProjectYearPlan(ProjectChild):
    """The investment a project plans to complete in one calendar year (for 序时进度)."""

    project = project_fk("year_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    planned_investment = money_field(_("planned investment (yuan)"), null=False, blank=False)
    monthly_shares = models.JSONField(
        _("cumulative monthly shares"),
        null=True,
        blank=True,
        help_text=_(
            "Optional: 12 cumulative shares of the year's plan by month end (0–1, rising, the "
            "last 1). Without them the expected share is elapsed days / days in the year."
        ),
    )

    class Meta:
        ordering = ("project", "year")
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")
        constraints = (
            unique_rule(
                ("project", "year"),
                "projects_year_plan_unique",
                _("This project already has a plan for that year."),
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

    project = project_fk("history")
    from_status = models.CharField(
        _("from"), max_length=16, choices=ProjectStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ProjectStatus.choices)
    changed_on = models.DateField(_("effective date"))
    changed_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_by = user_fk(_("by"), blank=False)
    reason = models.TextField(_("reason"), blank=True)

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ("project", "changed_at", "id")
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status} → {self.to_status}"


class ApprovalItem(ProjectChild):
    """One approval of a project (用地, 规划许可, 施工许可 …) with planned and actual dates."""

    project = project_fk("approvals")
    kind = models.CharField(_("approval"), max_length=16, choices=ApprovalKind.choices)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("For other approvals: what it is.")
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    actual_on = models.DateField(_("actual date"), null=True, blank=True)
    authority = unit_fk(_("approving unit"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ("project", "planned_on", "id")
        verbose_name = _("approval item")
        verbose_name_plural = _("approval items")
        constraints = (
            unique_rule(
                ("project", "kind"),
                "projects_approval_one_per_kind",
                _("This approval is already listed for the project."),
                condition=~models.Q(kind="other"),
            ),
        )

    def __str__(self) -> str:
        return self.name or str(self.get_kind_display())


class Milestone(ProjectChild):
    """One step of a project's battle map: planned start and end, owner unit, weight, actuals."""

    project = project_fk("milestones")
    name = models.CharField(_("milestone"), max_length=100)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    owner_unit = unit_fk(_("owner unit"))
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

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


class Baseline(ProjectChild):
    """A frozen copy of a project's milestone plan, taken when the plan is approved."""

    project = project_fk("baselines")
    number = models.PositiveSmallIntegerField(_("number"))
    reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Why the plan changed (every baseline after the first)."),
    )
    requested_by = user_fk(_("requested by"))
    approved_by = user_fk(_("approved by"), blank=False)
    approved_at = models.DateTimeField(_("approved at"))
    # [{"id", "name", "planned_start", "planned_end", "owner_unit", "weight", "sort_order"}]
    milestones = models.JSONField(_("milestones"), default=list)

    class Meta:
        ordering = ("project", "number")
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        constraints = (unique_rule(("project", "number"), "projects_baseline_unique_number"),)

    def __str__(self) -> str:
        return f"{self.project} #{self.number}"
