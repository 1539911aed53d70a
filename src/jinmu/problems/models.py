"""A problem: something an enterprise or project needs solved, with an owner unit and a due
date. Weekly reports raise them now; the enterprise request channel will feed the same pool."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import optional_fk, unit_fk, user_fk
from jinmu.core.models import DomainModel
from jinmu.core.permissions import PROBLEM_ACTIONS
from jinmu.enterprises.models import Enterprise
from jinmu.problems.choices import ProblemCategory, ProblemSource, ProblemStatus
from jinmu.problems.querysets import ProblemQuerySet

if TYPE_CHECKING:
    from jinmu.projects.models import Project, WeeklyReport


class Problem(DomainModel):
    """One tracked problem: raised somewhere, owned by a unit, due by a date, then resolved."""

    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    category = models.CharField(
        _("category"), max_length=16, choices=ProblemCategory.choices, default=ProblemCategory.OTHER
    )
    source = models.CharField(_("source"), max_length=16, choices=ProblemSource.choices)
    project: models.ForeignKey[Project | None, Project | None] = optional_fk(
        "projects.Project", _("project"), related_name="problems", on_delete=models.CASCADE
    )
    report: models.ForeignKey[WeeklyReport | None, WeeklyReport | None] = optional_fk(
        "projects.WeeklyReport",
        _("raised in report"),
        related_name="problems",
        on_delete=models.SET_NULL,
    )
    enterprise = optional_fk(
        Enterprise, _("enterprise"), related_name="problems", on_delete=models.SET_NULL
    )
    owner_unit = unit_fk(_("owner unit"), related_name="owned_problems")
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    raised_by = user_fk(_("raised by"), blank=False)
    raised_on = models.DateField(_("raised on"))
    claimed_by = user_fk(_("claimed by"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        ordering = ("-raised_on", "-id")
        verbose_name = _("problem")
        permissions = PROBLEM_ACTIONS
        verbose_name_plural = _("problems")
        indexes = (
            models.Index(fields=("region", "status"), name="problems_region_status_idx"),
            models.Index(fields=("owner_unit", "status"), name="problems_unit_status_idx"),
        )

    def __str__(self) -> str:
        return self.title
