"""A project being put together in memory (`Draft`), the firms it can belong to, and small
helpers for amounts and dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from jinmu.core.money import YI
from jinmu.demo.projects.specs import MilestoneSpec, S
from jinmu.problems.models import Problem
from jinmu.projects.choices import LIFECYCLES, MONITORED
from jinmu.projects.models import (
    ApprovalItem,
    ChallengeReview,
    Milestone,
    Project,
    ProjectYearPlan,
    WeeklyReport,
)


@dataclass(frozen=True)
class Firm:
    """A 规上 firm as the project generator needs it."""

    pk: int
    name: str
    region_id: str
    park_id: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    revenue: Decimal
    chain_key: str
    node_id: int | None
    node_name: str


@dataclass
class Draft:
    """A project being put together in memory, with the rows that hang off it."""

    project: Project
    scenario: str = ""
    chain_key: str = ""
    template: tuple[MilestoneSpec, ...] = ()
    history: list[tuple[str, dt.date, str]] = field(default_factory=list)
    terminated: tuple[dt.date, str] | None = None
    base_plan: Decimal = Decimal(0)
    year_plan: ProjectYearPlan | None = None
    milestones: list[Milestone] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)  # the template phase of each milestone
    replan: tuple[dt.date, str, int, bool] | None = None  # (on, reason, days moved, approved)
    plan_approved_on: dt.date | None = None
    approvals: list[ApprovalItem] = field(default_factory=list)
    reports: list[WeeklyReport] = field(default_factory=list)
    problems: list[tuple[WeeklyReport, Problem]] = field(default_factory=list)
    reviews: list[ChallengeReview] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    reports_from: dt.date | None = None
    with_approvals: bool = False

    @property
    def monitored(self) -> bool:
        """Under weekly scheduling (it reports and carries a light)."""
        return self.project.status in MONITORED[self.project.kind]


def round_yuan(value: float, step: int = 100) -> Decimal:
    """Yuan, rounded to `step` yuan."""
    return Decimal(round(value / step) * step)


def yi_to_yuan(value: float) -> Decimal:
    """亿元 (two decimals) in yuan."""
    return Decimal(round(value * 100)) * YI / 100


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


_Row = TypeVar("_Row", ProjectYearPlan, ApprovalItem, Milestone, WeeklyReport, ChallengeReview)


def attach(rows: Sequence[tuple[Draft, _Row | None]]) -> list[_Row]:
    """Point each row at its (now saved) project."""
    out: list[_Row] = []
    for draft, row in rows:
        if row is not None:
            row.project = draft.project
            out.append(row)
    return out


def lifecycle_path(kind: str) -> list[str]:
    """A kind's states in lifecycle order, without 终止."""
    return [s for s in LIFECYCLES[kind] if s != S.TERMINATED]
