"""Aggregates of the ledger pages: the rows of the project list, and a project's record (key
figures, history, documents, annual plans, reviews)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery

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

# The rows a list row shows the name of, read as columns of the project (`<relation>_name`):
# building each related row whole cost a list page more than its query.
_ROW_NAMES = {
    f"{relation}_name": F(f"{relation}__name")
    for relation in ("region", "park", "chain", "responsible_unit")
}
_OWN_FIELDS = tuple(f.name for f in Project._meta.concrete_fields)
# What a user is shown as (`User.__str__`).
_USER_NAME = ("display_name", "username")
# What a project's record shows of the rows it points to: their names (and the keys of its
# links); their other columns stay in the database (they were half of the page's first read).
_RECORD_NAMES: dict[str, tuple[str, ...]] = {
    "region": ("name",),
    "park": ("name",),
    "chain": ("name",),
    "node": ("name", "chain"),
    "node__chain": ("name",),
    "enterprise": ("name",),
    "responsible_unit": ("name",),
    "leader": _USER_NAME,
    "lead_owner": _USER_NAME,
    "light_override_by": _USER_NAME,
}
RECORD_RELATIONS = tuple(_RECORD_NAMES)
RECORD_FIELDS = (
    *_OWN_FIELDS,
    *(f"{relation}__{name}" for relation, names in _RECORD_NAMES.items() for name in names),
)
# Documents a special bond must carry (实施方案, 财务评价, 法律意见).
BOND_DOCUMENTS = (
    AttachmentKind.IMPLEMENTATION_PLAN,
    AttachmentKind.FINANCIAL_EVALUATION,
    AttachmentKind.LEGAL_OPINION,
)


def list_rows(filtered: QuerySet[Project], year: int) -> QuerySet[Project]:
    """The rows of the project list, each with its plan for `year` (`plan_this_year`) and the
    names of its town, park, chain and responsible unit (`region_name` …)."""
    plans = ProjectYearPlan.objects.filter(project_id=OuterRef("pk"), year=year)
    return filtered.annotate(
        **_ROW_NAMES, plan_this_year=Subquery(plans.values("planned_investment")[:1])
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


def key_figures(project: Project, year: int, plan: ProjectYearPlan | None) -> KeyFigures:
    """`year`'s completion against the project's `plan` of that year, and the percent of the
    plan completed."""
    invested_year = project.invested_year if project.invested_year_of == year else None
    share = None
    if plan is not None and plan.planned_investment and invested_year is not None:
        share = round(invested_year / plan.planned_investment * 100, 1)
    return KeyFigures(year=year, plan=plan, invested_year=invested_year, year_share=share)


@dataclass(frozen=True)
class ProjectRecord:
    """What a project's page lists besides its fields."""

    figures: KeyFigures
    history: list[StatusChange]
    attachments: list[Attachment]
    year_plans: list[ProjectYearPlan]
    reviews: list[ChallengeReview] = field(default_factory=list)
    missing_documents: list[Any] = field(default_factory=list)
    tags: list[ProjectTag] = field(default_factory=list)


def with_user_names(rows: QuerySet[Any], *relations: str) -> QuerySet[Any]:
    """`rows` with the users of `relations` joined as far as a page shows them (their
    names); their other columns stay in the database."""
    own = (f.name for f in rows.model._meta.concrete_fields)
    return rows.select_related(*relations).only(
        *own, *(f"{relation}__{name}" for relation in relations for name in _USER_NAME)
    )


def _label_history(changes: Iterable[Any]) -> None:
    """The labels of each change's statuses (`from_label`, `to_label`), as `label_rows`."""
    statuses = {value: str(label) for value, label in ProjectStatus.choices}
    for change in changes:
        change.from_label = statuses.get(change.from_status, change.from_status)
        change.to_label = statuses.get(change.to_status, change.to_status)


def project_record(project: Project, year: int) -> ProjectRecord:
    """The key figures of `year`, the project's status history (latest first), documents,
    annual plans, reviews (of a challenge), the documents a special bond still lacks, and its
    lists.

    `project` is one the user sees (read through `Project.objects.for_user`): its rows are
    visible exactly when it is (`ProjectChildQuerySet`), so they are read by the project alone.
    """
    attachments = list(
        with_user_names(Attachment.objects.filter(project=project), "uploaded_by").order_by(
            "kind", "id"
        )
    )
    present = {a.kind for a in attachments}
    # Latest year first; this year's plan is among them, for the key figures.
    year_plans = list(ProjectYearPlan.objects.filter(project=project).order_by("-year"))
    plan = next((p for p in year_plans if p.year == year), None)
    history = list(
        with_user_names(StatusChange.objects.filter(project=project), "changed_by").order_by(
            "-changed_at", "-id"
        )
    )
    _label_history(history)
    return ProjectRecord(
        figures=key_figures(project, year, plan),
        history=history,
        attachments=attachments,
        year_plans=year_plans,
        reviews=list(ChallengeReview.objects.filter(project=project).order_by("id"))
        if project.kind == ProjectKind.CHALLENGE
        else [],
        missing_documents=[
            AttachmentKind(kind).label for kind in BOND_DOCUMENTS if kind not in present
        ]
        if project.kind == ProjectKind.BOND
        else [],
        tags=list(project.tags.all()),
    )
