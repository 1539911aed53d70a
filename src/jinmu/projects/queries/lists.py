"""Aggregates of the list pages: the attraction pipeline (stages, cards, the year's
signings), the 一企一年一技改 coverage, and the totals of curated project lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from jinmu.chains.models import Chain, EnterpriseNode
from jinmu.core.money import WAN
from jinmu.core.types import User
from jinmu.enterprises.models import Enterprise
from jinmu.projects import eligibility as rules
from jinmu.projects.choices import ProjectKind, ProjectStatus, statuses_of
from jinmu.projects.eligibility import Eligibility
from jinmu.projects.leads import (
    Deadline,
    lead_deadlines,
    lead_state,
    overdue_leads,
    settings_map,
)
from jinmu.projects.models import Project, ProjectTag

# Cards shown per pipeline stage; the column's count and amount always cover every project.
CARDS_PER_STAGE = 30
# The article's target: at least 100 renovation projects of at least 500万元 a year.
RENOVATION_LARGE = 500 * WAN
RENOVATION_LARGE_TARGET = 100


@dataclass(frozen=True)
class Totals:
    """How many projects and their total investment (yuan)."""

    count: int
    amount: Decimal


def totals(projects: QuerySet[Project]) -> Totals:
    """The number of projects and the sum of their total investment, in one query."""
    found = projects.aggregate(n=Count("pk"), amount=Sum("total_investment"))
    return Totals(count=found["n"] or 0, amount=found["amount"] or Decimal("0"))


# --------------------------------------------------------------------------- attraction pipeline


@dataclass
class Card:
    """One project on the pipeline board."""

    project: Project
    verdict: Eligibility
    deadlines: list[Deadline]

    @property
    def lead_state(self) -> str:
        """ "overdue", "due" or ""."""
        return lead_state(self.deadlines)

    @property
    def next_deadline(self) -> Deadline | None:
        """The most pressing open deadline: the longest overdue, else the nearest due."""
        open_ = [d for d in self.deadlines if d.is_open]
        overdue = [d for d in open_ if d.state == "overdue"]
        if overdue:
            return max(overdue, key=lambda d: d.days)
        return min(open_, key=lambda d: d.due_on) if open_ else None


@dataclass
class Column:
    """One stage of the pipeline with its totals and the first cards."""

    status: str
    label: str
    count: int
    amount: Decimal
    cards: list[Card]
    share: int = 0  # width of the funnel bar, per cent of the largest stage

    @property
    def hidden(self) -> int:
        """Projects of the stage not shown as cards."""
        return max(self.count - len(self.cards), 0)


def filter_pipeline(
    projects: QuerySet[Project], data: dict[str, Any], *, today: dt.date
) -> QuerySet[Project]:
    """The projects the pipeline's filter (`PipelineFilterForm.cleaned_data`) keeps."""
    if data.get("chain"):
        projects = projects.filter(chain=data["chain"])
    if data.get("purpose"):
        projects = projects.filter(purpose=data["purpose"])
    if data.get("province"):
        projects = projects.filter(origin_province=data["province"])
    if data.get("overdue"):
        projects = overdue_leads(projects, today=today)
    return projects


def province_choices(projects: QuerySet[Project]) -> list[str]:
    """The origin provinces of the projects, for the pipeline's filter."""
    values = (
        projects.exclude(origin_province="")
        .order_by("origin_province")
        .values_list("origin_province", flat=True)
        .distinct()
    )
    return list(values)


def pipeline_columns(
    projects: QuerySet[Project], *, today: dt.date
) -> tuple[list[Column], Column | None]:
    """The pipeline's stages (each with its count, amount, funnel share and first cards) and
    the terminated projects' column."""
    totals: dict[str, dict[str, Any]] = {
        row["status"]: dict(row)
        for row in projects.order_by()
        .values("status")
        .annotate(n=Count("pk"), amount=Sum("total_investment"))
    }
    shown: dict[str, list[Project]] = {}
    for status, _label in statuses_of(ProjectKind.ATTRACTION):
        if status in totals:
            shown[status] = list(
                projects.filter(status=status)
                .select_related("chain", "node", "lead_owner", "region")
                .order_by(F("total_investment").desc(nulls_last=True), "-pk")[:CARDS_PER_STAGE]
            )
    settings = settings_map(p.region_id for rows in shown.values() for p in rows)
    columns: list[Column] = []
    for status, label in statuses_of(ProjectKind.ATTRACTION):
        row: dict[str, Any] = totals.get(status, {})
        cards = [
            Card(
                project=project,
                verdict=rules.eligibility(project, settings[project.region_id]),
                deadlines=lead_deadlines(
                    project, today=today, settings=settings[project.region_id]
                ),
            )
            for project in shown.get(status, [])
        ]
        columns.append(
            Column(
                status=status,
                label=label,
                count=int(row.get("n") or 0),
                amount=row.get("amount") or Decimal("0"),
                cards=cards,
            )
        )
    terminated = next((c for c in columns if c.status == ProjectStatus.TERMINATED), None)
    stages = [c for c in columns if c.status != ProjectStatus.TERMINATED]
    largest = max((c.count for c in stages), default=0)
    for column in stages:
        column.share = round(100 * column.count / largest) if largest else 0
    return stages, terminated


@dataclass(frozen=True)
class YearSummary:
    """A year's signings, and how many of them count under the eligibility rules."""

    year: int
    signed: int
    signed_amount: Decimal
    over_100m: int
    over_1b: int
    counted: int
    counted_over_1b: int


def year_summary(projects: QuerySet[Project], year: int) -> YearSummary:
    """This year's signings, and how many of them count under the eligibility rules."""
    signed = projects.filter(signed_on__year=year)
    found = totals(signed)
    eligible = rules.eligible(signed)
    counted = rules.counted(signed)
    return YearSummary(
        year=year,
        signed=found.count,
        signed_amount=found.amount,
        over_100m=eligible.count(),
        over_1b=rules.over_1b(eligible).count(),
        counted=counted.count(),
        counted_over_1b=rules.over_1b(counted).count(),
    )


# --------------------------------------------------------------------------- 一企一年一技改


def renovations_in_year(queryset: QuerySet[Project], year: int) -> QuerySet[Project]:
    """Renovation projects that belong to `year` for 一企一年一技改.

    A project belongs to the year its works start: the actual start when known, else the planned
    start; a project with neither date belongs to the year it was registered. Terminated projects
    do not count.
    """
    return (
        queryset.filter(kind=ProjectKind.RENOVATION)
        .exclude(status=ProjectStatus.TERMINATED)
        .filter(
            Q(actual_start__year=year)
            | Q(actual_start__isnull=True, planned_start__year=year)
            | Q(actual_start__isnull=True, planned_start__isnull=True, created_at__year=year)
        )
    )


def narrow_coverage(
    enterprises: QuerySet[Enterprise],
    projects: QuerySet[Project],
    *,
    town: str | None,
    chain: Chain | None,
) -> tuple[QuerySet[Enterprise], QuerySet[Project]]:
    """The enterprises and projects of one town and / or chain."""
    if town:
        enterprises = enterprises.filter(region_id=town)
        projects = projects.filter(region_id=town)
    if chain:
        on_chain = EnterpriseNode.objects.filter(enterprise_id=OuterRef("pk"), node__chain=chain)
        enterprises = enterprises.filter(Exists(on_chain))
        projects = projects.filter(chain=chain)
    return enterprises, projects


@dataclass(frozen=True)
class Coverage:
    """一企一年一技改 in a year: how many enterprises have a renovation project, the ones to
    list (with or without), and the year's renovation projects the user sees."""

    year: int
    total: int
    covered: int
    listed: QuerySet[Enterprise]
    renovations: Totals
    large_count: int

    @property
    def uncovered(self) -> int:
        """Enterprises without a renovation project in the year."""
        return self.total - self.covered

    @property
    def percent(self) -> Decimal | None:
        """Covered share in per cent (one decimal); None without enterprises."""
        return round(Decimal(100) * self.covered / self.total, 1) if self.total else None


def renovation_coverage(
    user: User,
    enterprises: QuerySet[Enterprise],
    projects: QuerySet[Project],
    *,
    year: int,
    with_project: bool,
) -> Coverage:
    """Whether a firm is covered is a fact about the firm, so it looks at every renovation
    project of the firm; the projects listed beside it (`renovations`, when listing the
    covered ones) are only those the user may see."""
    in_year = renovations_in_year(Project.objects.all(), year)
    covered_q = Exists(in_year.filter(enterprise_id=OuterRef("pk")))
    listed = enterprises.filter(covered_q if with_project else ~covered_q)
    if with_project:
        listed = listed.prefetch_related(
            Prefetch(
                "projects",
                queryset=renovations_in_year(Project.objects.for_user(user), year).order_by("-pk"),
                to_attr="renovations",
            )
        )
    year_projects = renovations_in_year(projects, year)
    return Coverage(
        year=year,
        total=enterprises.count(),
        covered=enterprises.filter(covered_q).count(),
        listed=listed,
        renovations=totals(year_projects),
        large_count=year_projects.filter(total_investment__gte=RENOVATION_LARGE).count(),
    )


# --------------------------------------------------------------------------- project lists (tags)


def tags_with_totals(user: User) -> QuerySet[ProjectTag]:
    """The county's project lists, each with the number and amount of the projects on it
    that the user may see (`project_count`, `project_amount`)."""
    visible = Project.objects.for_user(user).values("pk")
    tags: QuerySet[ProjectTag] = ProjectTag.objects.for_user(user)
    return tags.annotate(
        project_count=Count("projects", filter=Q(projects__in=visible), distinct=True),
        project_amount=Sum("projects__total_investment", filter=Q(projects__in=visible)),
    )


def tag_candidates(visible: QuerySet[Project], tag: ProjectTag, query: str) -> list[Project]:
    """Visible projects not on the list whose name contains `query` (or whose number is it)."""
    return list(
        visible.exclude(tags=tag)
        .filter(Q(name__icontains=query) | Q(code__iexact=query))
        .select_related("region")
        .order_by("-id")[:20]
    )
