"""The lifecycles as data: every state reachable, 终止 final, monitored states real."""

from __future__ import annotations

import pytest
from django.utils import translation

from jinmu.projects.choices import (
    INITIAL_STATUS,
    LIFECYCLES,
    MONITORED,
    ProjectKind,
    ProjectStatus,
    allowed_next,
    statuses_of,
)


@pytest.mark.parametrize("kind", ProjectKind.values)
def test_every_state_is_reachable_from_the_first(kind: str) -> None:
    """A lifecycle has no orphan state: all are reachable from the kind's initial state."""
    flow = LIFECYCLES[kind]
    seen = {INITIAL_STATUS[kind]}
    frontier = [INITIAL_STATUS[kind]]
    while frontier:
        for nxt in flow[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(flow)
    assert MONITORED[kind] <= set(flow)


def test_attraction_follows_the_article_pipeline() -> None:
    """线索 → 研判 → 在谈 → 签约 → 注册 → 开工 → 竣工 → 投产 → 达效, plus 终止."""
    with translation.override("en"):
        labels = [label for _value, label in statuses_of(ProjectKind.ATTRACTION)]
    assert labels[:9] == [
        "Lead",
        "Assessing",
        "Negotiating",
        "Signed",
        "Registered",
        "Under construction",
        "Completed",
        "In production",
        "Reached design targets",
    ]
    assert allowed_next(ProjectKind.ATTRACTION, ProjectStatus.LEAD) == (
        ProjectStatus.ASSESSING,
        ProjectStatus.TERMINATED,
    )
    assert allowed_next(ProjectKind.ATTRACTION, ProjectStatus.EFFECTIVE) == ()
    assert allowed_next(ProjectKind.ATTRACTION, ProjectStatus.TERMINATED) == ()


def test_bond_and_challenge_can_step_back_where_practice_does() -> None:
    """A bond refused at review returns to the reserve; an upheld objection reopens review."""
    assert ProjectStatus.RESERVED in allowed_next(ProjectKind.BOND, ProjectStatus.APPLIED)
    assert ProjectStatus.REVIEWING in allowed_next(ProjectKind.CHALLENGE, ProjectStatus.PUBLICITY)
    assert ProjectStatus.STARTED not in allowed_next(ProjectKind.BOND, ProjectStatus.PLANNING)
