"""Factories for projects and their rows (rows take the project's region)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from jinmu.core.tests.factories import county
from jinmu.projects.choices import ProjectKind, ProjectLevel, ProjectStatus
from jinmu.projects.models import (
    ApprovalItem,
    Milestone,
    Project,
    ProjectYearPlan,
    WeeklyReport,
)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A county key project under construction (no light computed: call lights.refresh_light)."""

    class Meta:
        model = Project

    region = factory.LazyFunction(county)
    name = factory.Sequence(lambda n: f"测试项目{n}")
    kind = ProjectKind.KEY
    level = ProjectLevel.COUNTY
    status = ProjectStatus.STARTED
    total_investment = Decimal("300000000")


class YearPlanFactory(factory.django.DjangoModelFactory):
    """This year's plan of a project."""

    class Meta:
        model = ProjectYearPlan

    project = factory.SubFactory(ProjectFactory)
    region = factory.SelfAttribute("project.region")
    year = 2026
    planned_investment = Decimal("100000000")


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A milestone of a project."""

    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    region = factory.SelfAttribute("project.region")
    name = factory.Sequence(lambda n: f"节点{n}")
    planned_start = dt.date(2026, 3, 1)
    planned_end = dt.date(2026, 6, 30)


class ApprovalFactory(factory.django.DjangoModelFactory):
    """An approval item of a project."""

    class Meta:
        model = ApprovalItem

    project = factory.SubFactory(ProjectFactory)
    region = factory.SelfAttribute("project.region")
    kind = "land"


class ReportFactory(factory.django.DjangoModelFactory):
    """A weekly report row written directly (tests of the service use reporting.submit_report)."""

    class Meta:
        model = WeeklyReport

    project = factory.SubFactory(ProjectFactory)
    region = factory.SelfAttribute("project.region")
    week = dt.date(2026, 11, 16)
    invested_this_week = Decimal("1000000")
    cumulative_invested = Decimal("1000000")
    year_invested = Decimal("1000000")
    percent_complete = 10
    submitted_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC))
