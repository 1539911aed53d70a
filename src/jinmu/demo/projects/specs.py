"""What the project ledger is made of: the scenarios, the specs, and the lists read from
`data/projects.json` (milestone templates, key-project templates, attraction, bond and
challenge projects, renovation phrases, problems, report texts)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jinmu.demo.datafiles import load, records
from jinmu.problems.choices import ProblemCategory
from jinmu.projects.choices import ProjectStatus

S = ProjectStatus

# The article: "抓好总投资291.3亿元的45个县级重点项目".
COUNTY_KEY_COUNT = 45
COUNTY_KEY_TOTAL = Decimal("29130000000")
RENOVATION_COUNT = 120
REPORT_WEEKS = 20
# The projects draw from their own stream, so adding firms elsewhere does not reshuffle them.
SEED_OFFSET = 7919

# -- scenarios: what a monitored project's facts are made to show ----------------------------
GREEN = "green"  # on plan
GREY = "grey"  # on plan, but the latest week's report is missing
FUTURE = "future"  # not started, start planned for a later month
COMPLETED = "completed"  # works finished
NEW_START = "new-start"  # works started this week or last, not yet registered (within a month)
Y_START = "yellow-start"  # start due this month, not started yet
R_START = "red-start"  # start planned more than three months ago, not started
Y_SCHEDULE = "yellow-schedule"  # year's investment 14–26 points behind 序时
R_SCHEDULE = "red-schedule"  # more than 36 points behind
Y_MILESTONE = "yellow-milestone"  # a milestone 3–9 days past its planned end
R_MILESTONE = "red-milestone"  # a milestone 20–45 days past its planned end
Y_STATS = "yellow-stats"  # started 38–52 days ago, not registered with statistics
R_STATS = "red-stats"  # started 75–110 days ago, not registered
PAST = "past"  # in production or reached its targets (no longer monitored)
NOT_STARTED = frozenset({FUTURE, Y_START, R_START})

# Minimum time-proportional share (序时) at which a schedule scenario can be shown.
SCHEDULE_FEASIBLE = {Y_SCHEDULE: 0.20, R_SCHEDULE: 0.45}
FALLBACK = {
    Y_SCHEDULE: (Y_MILESTONE, Y_STATS),
    R_SCHEDULE: (R_MILESTONE, R_STATS),
    Y_MILESTONE: (Y_MILESTONE, Y_STATS),
    R_MILESTONE: (R_MILESTONE, R_STATS),
}
# The trouble behind a yellow or red scenario, raised as a problem in a weekly report.
SCENARIO_PROBLEMS = {
    R_START: ProblemCategory.LAND,
    Y_START: ProblemCategory.APPROVAL,
    Y_STATS: ProblemCategory.OTHER,
    R_STATS: ProblemCategory.OTHER,
    Y_SCHEDULE: ProblemCategory.FUNDING,
    R_SCHEDULE: ProblemCategory.FUNDING,
    Y_MILESTONE: ProblemCategory.ENERGY,
    R_MILESTONE: ProblemCategory.INFRASTRUCTURE,
}


@dataclass(frozen=True)
class MilestoneSpec:
    """A step of a battle-map template: name, owner ("@resp": the project's unit), weight and
    where it sits (before the start, the start itself, building, after completion)."""

    name: str
    owner: str
    weight: int
    phase: str


@dataclass(frozen=True)
class KeyTemplate:
    """A kind of county key project on a chain: name pattern, node, content."""

    name: str  # {firm}: owner name, {n}: capacity, {k}: phase number, {park}: park name
    node: str
    content: str
    capacity: tuple[int, int] = (1, 10)


@dataclass(frozen=True)
class InfrastructureSpec:
    """A county key project of public infrastructure: responsible unit, town, content."""

    name: str
    unit: str
    town: str
    content: str


@dataclass(frozen=True)
class AttractionSpec:
    """One attraction project: chain and node, purpose, origin, content and size (亿元)."""

    chain: str
    node: str
    purpose: str
    province: str
    city: str
    content: str
    amount_yi: float
    name: str = ""
    investor: str = ""
    status: str = ""
    scenario: str = ""
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class BondSpec:
    """A special-bond project: responsible unit, town ("" for the county), bond and total
    (亿元), the stage reached and, if it reports, its scenario."""

    name: str
    unit: str
    town: str
    bond_yi: float
    total_yi: float
    status: str
    scenario: str


@dataclass(frozen=True)
class ChallengeSpec:
    """A challenge (揭榜挂帅): chain, topic, solver, reward and budget (万元), stage, scenario."""

    chain: str
    topic: str
    solver: str
    reward_wan: int
    budget_wan: int
    status: str
    scenario: str


def _mix(counts: dict[str, int]) -> list[str]:
    """A list of scenario names from their counts, in the order given."""
    return [name for name, n in counts.items() for _ in range(n)]


def _texts(rows: list[dict[str, Any]]) -> tuple[tuple[int, str], ...]:
    return tuple((row["below"], row["text"]) for row in rows)


_DATA = load("projects.json")

# 45 county key projects: 24 on plan (4 not yet due, 2 just started, 4 finished), 10 yellow,
# 6 red, 5 without last week's report.
KEY_MIX = _mix(_DATA["key_mix"])
RENOVATION_MIX = _mix(_DATA["renovation_mix"])

_TEMPLATES = _DATA["milestones"]
KEY_MILESTONES = records(MilestoneSpec, _TEMPLATES["key"])
INFRASTRUCTURE_MILESTONES = records(MilestoneSpec, _TEMPLATES["infrastructure"])
ATTRACTION_MILESTONES = records(MilestoneSpec, _TEMPLATES["attraction"])
CHALLENGE_MILESTONES = records(MilestoneSpec, _TEMPLATES["challenge"])

KEY_TEMPLATES: dict[str, tuple[KeyTemplate, ...]] = {
    chain: records(KeyTemplate, templates) for chain, templates in _DATA["key_templates"].items()
}
# County key projects per chain (38 industrial) plus 7 infrastructure projects = 45.
KEY_PER_CHAIN: dict[str, int] = dict(_DATA["key_per_chain"])
INFRASTRUCTURE = records(InfrastructureSpec, _DATA["infrastructure"])
# City- and province-level key projects, beyond the county's 45: (chain, template index, level).
UPPER_LEVEL: tuple[tuple[str, int, str], ...] = tuple(
    (row["chain"], row["template"], row["level"]) for row in _DATA["upper_level"]
)

# The three the article names (figures made up): 常州姆驰 makes treadmill motors and drives,
# 浙江武义 the control boards and displays, 沈阳蓝光 elevator traction machines; the chain gaps
# are the ones ningjin marks (电机与驱动 is weak and blocked, the other two are missing).
NAMED_ATTRACTIONS = records(AttractionSpec, _DATA["named_attractions"])
ATTRACTIONS = records(AttractionSpec, _DATA["attractions"])
# Stages of the 41 unnamed attraction projects, and the scenario of the monitored ones.
ATTRACTION_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (row["status"], tuple(row["scenarios"])) for row in _DATA["attraction_stages"]
)
# Where the chains' projects are sited (parks by full name, else a town).
CHAIN_SITES: dict[str, tuple[str, ...]] = {
    chain: tuple(sites) for chain, sites in _DATA["chain_sites"].items()
}
REFERRERS: tuple[str, ...] = tuple(_DATA["referrers"])
INVESTOR_WORDS: dict[str, tuple[str, ...]] = {
    chain: tuple(words) for chain, words in _DATA["investor_words"].items()
}
TRADE_NAMES: tuple[str, ...] = tuple(_DATA["trade_names"])
TERMINATION_REASONS: tuple[str, ...] = tuple(_DATA["termination_reasons"])

BONDS = records(BondSpec, _DATA["bonds"])
CHALLENGES = records(ChallengeSpec, _DATA["challenges"])
REVIEWERS: tuple[str, ...] = tuple(_DATA["reviewers"])

# By renovation direction; {product} is the chain's product (CHAIN_PRODUCTS).
RENOVATION_PHRASES: dict[str, tuple[str, ...]] = {
    direction: tuple(phrases) for direction, phrases in _DATA["renovation_phrases"].items()
}
CHAIN_PRODUCTS: dict[str, str] = dict(_DATA["chain_products"])

# Problems raised in weekly reports: (category, owner unit, title).
PROBLEMS: tuple[tuple[str, str, str], ...] = tuple(
    (row["category"], row["owner"], row["title"]) for row in _DATA["problems"]
)
RESOLUTIONS: tuple[str, ...] = tuple(_DATA["resolutions"])

# Weekly report texts: before the start, after completion, and while building (by project
# kind, "default" for the others: the first text whose limit the percentage is below).
_REPORT_TEXTS = _DATA["report_texts"]
PREP_TEXTS: tuple[str, ...] = tuple(_REPORT_TEXTS["preparation"])
DONE_TEXTS: tuple[str, ...] = tuple(_REPORT_TEXTS["done"])
PROGRESS_TEXTS: dict[str, tuple[tuple[int, str], ...]] = {
    kind: _texts(rows) for kind, rows in _REPORT_TEXTS["progress"].items()
}
REPLAN_REASONS: tuple[str, ...] = tuple(_DATA["replan_reasons"])
