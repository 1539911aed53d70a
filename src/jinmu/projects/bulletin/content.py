"""What a weekly bulletin says: its sections as dataclasses (amounts in yuan, dates as dates).

`gather.weekly_bulletin` computes them from the ledger; `docx` and `xlsx` write them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from jinmu.projects.choices import ProjectKind

HUNDRED = Decimal(100)
ZERO = Decimal(0)
_CENT = Decimal("0.01")


def _percent(share: Decimal | None) -> Decimal | None:
    """A share (0–1) in percent, rounded half up to two places."""
    if share is None:
        return None
    return (share * HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


def town_name(name: str | None) -> str:
    """A town's name, "" for a project without one."""
    return name or ""


def kind_labels() -> dict[str, str]:
    """Kind → label in the active language (looked up once, not once per row)."""
    return {value: str(label) for value, label in ProjectKind.choices}


def kind_label(kind: str, labels: dict[str, str] | None = None) -> str:
    """The label of a project kind."""
    return (labels or kind_labels()).get(kind, kind)


@dataclass(frozen=True)
class KindTotals:
    """The year's figures of one kind (or of all kinds): counts and investment in yuan."""

    kind: str  # a ProjectKind value, "" for the total row
    label: str
    count: int  # projects in the year's figures (a plan, a report, or under weekly scheduling)
    monitored: int  # of them, under weekly scheduling in the week (owing a report)
    reported: int  # of those, how many reported for the week
    total_investment: Decimal
    planned_year: Decimal
    completed_year: Decimal
    completed_week: Decimal
    expected_share: Decimal | None  # 序时 share of the plan due by the as-of day (0–1)

    @property
    def completion_share(self) -> Decimal | None:
        """Completed this year / planned this year (0–1+), None without a plan."""
        if not self.planned_year:
            return None
        return self.completed_year / self.planned_year

    @property
    def completion_percent(self) -> Decimal | None:
        """The completion share in percent, two decimals."""
        return _percent(self.completion_share)

    @property
    def expected_percent(self) -> Decimal | None:
        """The 序时 share in percent, two decimals."""
        return _percent(self.expected_share)


@dataclass(frozen=True)
class ProjectRef:
    """A project named in a list."""

    project_id: int
    name: str


@dataclass(frozen=True)
class ProjectLine(ProjectRef):
    """A project named with its kind, town and responsible unit."""

    kind_label: str
    town: str
    responsible_unit: str


@dataclass(frozen=True)
class NewStart(ProjectLine):
    """A project whose works started during the week."""

    total_investment: Decimal | None
    started_on: dt.date


@dataclass(frozen=True)
class FlaggedProject(ProjectLine):
    """A red or yellow project with the reasons the light engine gave."""

    light: str
    light_label: str
    reasons: list[str]
    overridden: bool


@dataclass(frozen=True)
class ProblemLine:
    """One unresolved problem."""

    problem_id: int
    title: str
    project_id: int | None
    project_name: str
    raised_on: dt.date
    due_on: dt.date | None
    overdue: bool
    status_label: str


@dataclass(frozen=True)
class UnitProblems:
    """The unresolved problems one owner unit holds."""

    unit_id: int | None
    unit_name: str
    problems: list[ProblemLine]

    @property
    def count(self) -> int:
        """How many problems the unit holds."""
        return len(self.problems)

    @property
    def overdue(self) -> int:
        """How many of them are past their due date."""
        return sum(1 for problem in self.problems if problem.overdue)


@dataclass(frozen=True)
class MissingGroup:
    """Projects of one town and responsible unit that owed a report for the week and have none."""

    town: str
    responsible_unit: str
    projects: list[ProjectRef]

    @property
    def count(self) -> int:
        """How many projects of the group did not report."""
        return len(self.projects)


@dataclass(frozen=True)
class LateReport(ProjectRef):
    """A report of the week that came in after its deadline."""

    town: str
    responsible_unit: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class WeeklyBulletin:
    """Everything in one weekly bulletin (amounts in yuan, dates as dates)."""

    region_code: str
    region_name: str
    scope_note: str  # the unit whose projects a partial scope shows (a park, a chain office)
    week: dt.date  # Monday
    week_end: dt.date  # Sunday
    iso_year: int
    iso_week: int
    as_of: dt.date
    year: int
    deadline: dt.date
    generated_on: dt.date
    title: str
    totals: list[KindTotals]
    overall: KindTotals
    new_starts: list[NewStart]
    red: list[FlaggedProject]
    yellow: list[FlaggedProject]
    problems_by_unit: list[UnitProblems]
    missing: list[MissingGroup]
    late: list[LateReport]

    @property
    def iso_label(self) -> str:
        """The week as ISO text, e.g. 2026-W48."""
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def problem_count(self) -> int:
        """Unresolved problems in all."""
        return sum(group.count for group in self.problems_by_unit)

    @property
    def overdue_count(self) -> int:
        """Unresolved problems past their due date."""
        return sum(group.overdue for group in self.problems_by_unit)

    @property
    def missing_count(self) -> int:
        """Projects that owed a report for the week and have none."""
        return sum(group.count for group in self.missing)

    @property
    def lights_of_today(self) -> bool:
        """True once the week has ended: lights are not kept week by week, so the red and
        yellow lists show those of the day the bulletin is generated, not of the week's end."""
        return self.as_of < self.generated_on

    @property
    def filename_stem(self) -> str:
        """A file name without suffix, e.g. 宁津县-周调度通报-2026-W48."""
        name = _("weekly bulletin")
        return f"{self.region_name}-{name}-{self.iso_label}"
