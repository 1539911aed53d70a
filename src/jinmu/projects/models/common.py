"""What the ledger's models share: the base and link of a project's own rows, and the callables
the migrations name (`jinmu.projects.models` re-exports these so the migrations' paths keep
working)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from jinmu.core.fields import belongs_to
from jinmu.core.models import DomainModel
from jinmu.projects.choices import AttractionExclusion
from jinmu.projects.querysets import ProjectChildQuerySet

if TYPE_CHECKING:
    from jinmu.projects.models.documents import Attachment
    from jinmu.projects.models.project import Project
    from jinmu.projects.models.reports import ReportPhoto


def _all_exclusions() -> list[str]:
    """By default every category of practice.md keeps a project from counting as attracted."""
    return list(AttractionExclusion.values)


def _photo_path(instance: ReportPhoto, filename: str) -> str:
    """Photos go under the project's folder, one per report week."""
    report = instance.report
    return f"projects/{report.project_id}/{report.week:%Y%m%d}/{filename}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    """Documents go under the project's folder."""
    return f"projects/{instance.project_id}/documents/{filename}"


def project_fk(related_name: str) -> models.ForeignKey[Project, Project]:
    """The project a row belongs to: removed with it."""
    field: models.ForeignKey[Project, Project] = belongs_to(
        "projects.Project", _("project"), related_name
    )
    return field


class ProjectChild(DomainModel):
    """Base of a project's own rows (plans, approvals, milestones, reports, documents): seen
    and changed exactly when their project is (`ProjectChildQuerySet`)."""

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        abstract = True
