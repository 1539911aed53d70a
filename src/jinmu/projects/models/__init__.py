"""The project ledger: every kind of project, its approvals, milestone plans and baselines,
weekly reports and the configurable rules that colour it.

The models live in modules by topic (`settings`, `project`, `plans`, `reports`, `documents`);
every one is importable from here, as are the callables the migrations name.
"""

from __future__ import annotations

from jinmu.core.money import WAN, YI
from jinmu.projects.models.common import _all_exclusions, _attachment_path, _photo_path
from jinmu.projects.models.documents import Attachment, ChallengeReview
from jinmu.projects.models.plans import (
    ApprovalItem,
    Baseline,
    Milestone,
    ProjectYearPlan,
    StatusChange,
)
from jinmu.projects.models.project import LIGHT_FIELDS, REPORT_FIGURES, Project, ProjectTag
from jinmu.projects.models.reports import ReportPhoto, WeeklyReport
from jinmu.projects.models.settings import LedgerSettings, LightGeneration, settings_for

__all__ = [
    "LIGHT_FIELDS",
    "REPORT_FIGURES",
    "WAN",
    "YI",
    "ApprovalItem",
    "Attachment",
    "Baseline",
    "ChallengeReview",
    "LedgerSettings",
    "LightGeneration",
    "Milestone",
    "Project",
    "ProjectTag",
    "ProjectYearPlan",
    "ReportPhoto",
    "StatusChange",
    "WeeklyReport",
    "_all_exclusions",
    "_attachment_path",
    "_photo_path",
    "settings_for",
]
