"""Choices of the projects app, and each kind's lifecycle as data next to its states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    """The kinds of project the ledger follows."""

    ATTRACTION = "attraction", _("Investment attraction")
    KEY = "key", _("Key project")
    RENOVATION = "renovation", _("Technical renovation")
    BOND = "bond", _("Special bond")
    CHALLENGE = "challenge", _("Open challenge")


class ProjectLevel(models.TextChoices):
    """The government level that lists a key project (县级/市级/省级重点)."""

    COUNTY = "county", _("County key project")
    CITY = "city", _("City key project")
    PROVINCE = "province", _("Provincial key project")


class ProjectStatus(models.TextChoices):
    """Every state of every kind; `LIFECYCLES` says which belong to which kind."""

    # 招商引资
    LEAD = "lead", _("Lead")
    ASSESSING = "assessing", _("Assessing")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    # 重点项目 / 技改 (and attraction from here on)
    PREPARING = "preparing", _("Preparing")
    STARTED = "started", _("Under construction")
    COMPLETED = "completed", _("Completed")
    PRODUCING = "producing", _("In production")
    EFFECTIVE = "effective", _("Reached design targets")
    # 专项债
    PLANNING = "planning", _("Planning")
    RESERVED = "reserved", _("In reserve")
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    DISBURSED = "disbursed", _("Funds disbursed")
    IN_USE = "in_use", _("In use")
    EVALUATED = "evaluated", _("Performance evaluated")
    # 揭榜挂帅
    COLLECTING = "collecting", _("Collecting needs")
    PUBLISHED = "published", _("Challenge published")
    TAKEN = "taken", _("Challenge taken")
    REVIEWING = "reviewing", _("Under review")
    PUBLICITY = "publicity", _("Public notice")
    ESTABLISHED = "established", _("Established")
    MILESTONE_CHECK = "milestone_check", _("Milestone checks")
    ACCEPTED = "accepted", _("Accepted")
    # every kind
    TERMINATED = "terminated", _("Terminated")


S = ProjectStatus

# Allowed transitions per kind: state -> states it may move to. The first state is where a new
# project of that kind starts. 终止 is reachable from every state that is not final.
_ATTRACTION = (
    S.LEAD,
    S.ASSESSING,
    S.NEGOTIATING,
    S.SIGNED,
    S.REGISTERED,
    S.STARTED,
    S.COMPLETED,
    S.PRODUCING,
    S.EFFECTIVE,
)
_BUILD = (S.PREPARING, S.STARTED, S.COMPLETED, S.PRODUCING, S.EFFECTIVE)
_BOND = (
    S.PLANNING,
    S.RESERVED,
    S.APPLIED,
    S.APPROVED,
    S.ISSUED,
    S.DISBURSED,
    S.IN_USE,
    S.EVALUATED,
)
_CHALLENGE = (
    S.COLLECTING,
    S.PUBLISHED,
    S.TAKEN,
    S.REVIEWING,
    S.PUBLICITY,
    S.ESTABLISHED,
    S.MILESTONE_CHECK,
    S.ACCEPTED,
)


def _linear(states: tuple[ProjectStatus, ...]) -> dict[str, tuple[str, ...]]:
    """Each state moves to the next one or to 终止; the last state is final."""
    flow: dict[str, tuple[str, ...]] = {}
    for i, state in enumerate(states):
        nxt = (states[i + 1].value,) if i + 1 < len(states) else ()
        flow[state.value] = (*nxt, S.TERMINATED.value) if nxt else ()
    flow[S.TERMINATED.value] = ()
    return flow


LIFECYCLES: dict[str, dict[str, tuple[str, ...]]] = {
    ProjectKind.ATTRACTION: _linear(_ATTRACTION),
    ProjectKind.KEY: _linear(_BUILD),
    ProjectKind.RENOVATION: _linear(_BUILD),
    ProjectKind.BOND: _linear(_BOND),
    ProjectKind.CHALLENGE: _linear(_CHALLENGE),
}
# A bond that fails review goes back to the reserve to be reworked (重新储备), and a challenge
# whose review finds no acceptable solver is published again.
LIFECYCLES[ProjectKind.BOND][S.APPLIED] = (S.APPROVED, S.RESERVED, S.TERMINATED)
LIFECYCLES[ProjectKind.CHALLENGE][S.REVIEWING] = (S.PUBLICITY, S.PUBLISHED, S.TERMINATED)
# An objection upheld during the public notice sends the challenge back to review.
LIFECYCLES[ProjectKind.CHALLENGE][S.PUBLICITY] = (S.ESTABLISHED, S.REVIEWING, S.TERMINATED)

INITIAL_STATUS: dict[str, str] = {
    ProjectKind.ATTRACTION: S.LEAD,
    ProjectKind.KEY: S.PREPARING,
    ProjectKind.RENOVATION: S.PREPARING,
    ProjectKind.BOND: S.PLANNING,
    ProjectKind.CHALLENGE: S.COLLECTING,
}

# States in which a project is under weekly scheduling (周调度): it must report every week and
# gets a light. Leads before signing, finished and terminated projects are not monitored.
MONITORED: dict[str, frozenset[str]] = {
    ProjectKind.ATTRACTION: frozenset({S.SIGNED, S.REGISTERED, S.STARTED, S.COMPLETED}),
    ProjectKind.KEY: frozenset({S.PREPARING, S.STARTED, S.COMPLETED}),
    ProjectKind.RENOVATION: frozenset({S.PREPARING, S.STARTED, S.COMPLETED}),
    ProjectKind.BOND: frozenset({S.ISSUED, S.DISBURSED, S.IN_USE}),
    ProjectKind.CHALLENGE: frozenset({S.ESTABLISHED, S.MILESTONE_CHECK}),
}

# States that mean works have started (开工); entering the first of them sets the start date.
STARTED_STATES = frozenset({S.STARTED, S.COMPLETED, S.PRODUCING, S.EFFECTIVE})


def statuses_of(kind: str) -> list[tuple[str, str]]:
    """The (value, label) pairs of one kind's states, in lifecycle order."""
    flow = LIFECYCLES[kind]
    return [(value, str(ProjectStatus(value).label)) for value in flow]


def allowed_next(kind: str, status: str) -> tuple[str, ...]:
    """States a project of `kind` in `status` may move to."""
    return LIFECYCLES.get(kind, {}).get(status, ())


class Light(models.TextChoices):
    """The colour of a project (红黄绿灯) or of one rule; grey means no data."""

    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")
    GREY = "grey", _("No data")


# Worst first: red (a known failure) outranks grey (we cannot tell), which outranks yellow.
LIGHT_SEVERITY = {Light.RED: 3, Light.GREY: 2, Light.YELLOW: 1, Light.GREEN: 0}


class LightRule(models.TextChoices):
    """The rules that colour a project."""

    START = "start", _("Start of works")
    SCHEDULE = "schedule", _("Time-proportional investment")
    MILESTONE = "milestone", _("Milestone slippage")
    STATISTICS = "statistics", _("Statistical registration")
    REPORT = "report", _("Weekly report")


class Purpose(models.TextChoices):
    """Why an attraction project is wanted on the chain."""

    FILL = "fill", _("Fill the chain (补链)")
    EXTEND = "extend", _("Extend the chain (延链)")
    STRENGTHEN = "strengthen", _("Strengthen the chain (强链)")


class AttractionExclusion(models.TextChoices):
    """Reasons an attraction project does not count as attracted (宣城 2024, practice.md)."""

    LOCAL_CAPITAL = "local_capital", _("Local capital")
    FISCAL = "fiscal", _("Fiscal investment")
    REAL_ESTATE = "real_estate", _("Real estate")
    CONSUMER_SERVICES = "consumer_services", _("Consumer services")
    SECOND_PHASE = "second_phase", _("Second phase of an existing project")
    RELOCATION = "relocation", _("Relocation")


class RenovationDirection(models.TextChoices):
    """The four directions of technical renovation."""

    HIGH_END = "high_end", _("High-end (高端化)")
    INTELLIGENT = "intelligent", _("Intelligent (智能化)")
    GREEN = "green", _("Green (绿色化)")
    SAFETY = "safety", _("Safety (安全化)")


class ApprovalKind(models.TextChoices):
    """Approval items before and around the start of works (拿地即开工 / 交地即发证)."""

    LAND = "land", _("Land acquisition (用地)")
    PLANNING = "planning", _("Planning permit (规划许可)")
    CONSTRUCTION = "construction", _("Construction permit (施工许可)")
    ENVIRONMENT = "environment", _("Environmental assessment (环评)")
    ENERGY = "energy", _("Energy assessment (能评)")
    TITLE = "title", _("Property title certificate (不动产权证)")
    OTHER = "other", _("Other approval")


class AttachmentKind(models.TextChoices):
    """Documents attached to a project (a bond needs the first three)."""

    IMPLEMENTATION_PLAN = "implementation_plan", _("Implementation plan (实施方案)")
    FINANCIAL_EVALUATION = "financial_evaluation", _("Financial evaluation (财务评价)")
    LEGAL_OPINION = "legal_opinion", _("Legal opinion (法律意见)")
    CONTRACT = "contract", _("Contract")
    OTHER = "other", _("Other document")


class PlanState(models.TextChoices):
    """Where a project's milestone plan stands."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved (baseline frozen)")
    REPLANNING = "replanning", _("Re-planning requested")
