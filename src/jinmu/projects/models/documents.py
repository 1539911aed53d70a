"""Documents attached to a project and the scores of a challenge's reviewers."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import user_fk
from jinmu.projects.choices import (
    AttachmentKind,
)
from jinmu.projects.models.common import ProjectChild, _attachment_path, project_fk


class Attachment(ProjectChild):
    """A document attached to a project (实施方案, 财务评价, 法律意见, contract …)."""

    project = project_fk("attachments")
    kind = models.CharField(_("document"), max_length=24, choices=AttachmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=_attachment_path)
    uploaded_by = user_fk(_("uploaded by"), blank=False)

    class Meta:
        ordering = ("project", "kind", "id")
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title


class ChallengeReview(ProjectChild):
    """One reviewer's score of a challenge solver's proposal (揭榜挂帅 评审)."""

    project = project_fk("reviews")
    reviewer = models.CharField(_("reviewer"), max_length=50)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ("project", "id")
        verbose_name = _("challenge review")
        verbose_name_plural = _("challenge reviews")

    def __str__(self) -> str:
        return f"{self.project} {self.reviewer}"
