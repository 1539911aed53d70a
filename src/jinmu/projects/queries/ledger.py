"""Aggregates of the ledger pages: the rows of the project list, and a project's record (key
figures, history, documents, annual plans, reviews)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from jinmu.core.types import User
from jinmu.projects.choices import AttachmentKind, ProjectKind, ProjectLevel, ProjectStatus
from jinmu.projects.models import (
    Attachment,
    ChallengeReview,
    Project,
    ProjectTag,
    ProjectYearPlan,
    StatusChange,
)
from jinmu.projects.weeks import iso_label

# The columns a list row shows; everything else stays in the database.
_ROW_RELATIONS = ("region", "park", "chain", "responsible_unit")
# Documents a special bond must carry (实施方案, 财务评价, 法律意见).
BOND_DOCUMENTS = (
    AttachmentKind.IMPLEMENTATION_PLAN,
    AttachmentKind.FINANCIAL_EVALUATION,
    AttachmentKind.LEGAL_OPINION,
)


def list_rows(filtered: QuerySet[Project], year: int) -> QuerySet[Project]:
    """The rows of the project list, each with its plan for `year` (`plan_this_year`)."""
    plans = ProjectYearPlan.objects.filter(project_id=OuterRef("pk"), year=year)
    return filtered.select_related(*_ROW_RELATIONS).annotate(
        plan_this_year=Subquery(plans.values("planned_investment")[:1])
    )


def label_rows(rows: Iterable[Any], year: int) -> None:
    """Put the labels a list row shows on each row. Labels once per page: `get_FOO_display`
    re-hashes every choice on each call, which cost more than the whole query on a 25-row
    page."""
    kinds = {value: str(label) for value, label in ProjectKind.choices}
    levels = {value: str(label) for value, label in ProjectLevel.choices}
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    for row in rows:
        row.kind_label = kinds.get(row.kind, row.kind)
        row.level_label = levels.get(row.level, "")
        row.status_label = statuses.get(row.status, row.status)
        row.last_week_label = iso_label(row.last_report_week) if row.last_report_week else ""
        row.invested_this_year = row.invested_year if row.invested_year_of == year else None


@dataclass(frozen=True)
class KeyFigures:
    """A year's plan and completion of one project, and the completed share of the plan."""

    year: int
    plan: ProjectYearPlan | None
    invested_year: Decimal | None
    year_share: Decimal | None


def key_figures(project: Project, year: int) -> KeyFigures:
    """This year's plan and completion, and the percent of the plan completed."""
    plan = ProjectYearPlan.objects.filter(project=project, year=year).first()
    invested_year = project.invested_year if project.invested_year_of == year else None
    share = None
    if plan is not None and plan.planned_investment and invested_year is not None:
        share = round(invested_year / plan.planned_investment * 100, 1)
    return KeyFigures(year=year, plan=plan, invested_year=invested_year, year_share=share)


@dataclass(frozen=True)
class ProjectRecord:
    """What a project's page lists besides its fields."""

    history: list[StatusChange]
    attachments: list[Attachment]
    year_plans: list[ProjectYearPlan]
    reviews: list[ChallengeReview] = field(default_factory=list)
    missing_documents: list[Any] = field(default_factory=list)
    tags: list[ProjectTag] = field(default_factory=list)


def project_record(user: User, project: Project) -> ProjectRecord:
    """The project's status history (latest first), documents, annual plans, reviews (of a
    challenge), the documents a special bond still lacks, and its lists."""
    attachments = list(
        Attachment.objects.for_user(user)
        .filter(project=project)
        .select_related("uploaded_by")
        .order_by("kind", "id")
    )
    present = {a.kind for a in attachments}
    return ProjectRecord(
        history=list(
            StatusChange.objects.for_user(user)
            .filter(project=project)
            .select_related("changed_by")
            .order_by("-changed_at", "-id")
        ),
        attachments=attachments,
        year_plans=list(
            ProjectYearPlan.objects.for_user(user).filter(project=project).order_by("-year")
        ),
        reviews=list(ChallengeReview.objects.for_user(user).filter(project=project))
        if project.kind == ProjectKind.CHALLENGE
        else [],
        missing_documents=[
            AttachmentKind(kind).label for kind in BOND_DOCUMENTS if kind not in present
        ]
        if project.kind == ProjectKind.BOND
        else [],
        tags=list(project.tags.all()),
    )
