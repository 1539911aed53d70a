"""Lead deadlines (江门 rules): each at its boundary, the large-lead window, follow-ups every two
weeks, settings per region, and the SQL count of overdue leads against the per-project answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.leads import (
    Deadline,
    lead_deadlines,
    lead_state,
    overdue_leads,
    settings_map,
)
from jinmu.projects.models import LedgerSettings, Project, settings_for
from jinmu.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

D = dt.date
REGISTERED = D(2026, 3, 2)


def lead(world: Any, **fields: Any) -> Project:
    """A fresh lead of 3亿 in town A, registered on 2 March 2026, with nothing done yet."""
    fields.setdefault("region", world.town_a)
    fields.setdefault("lead_registered_on", REGISTERED)
    fields.setdefault("status", ProjectStatus.LEAD)
    project: Project = ProjectFactory(kind=ProjectKind.ATTRACTION, level="", **fields)
    return project


def deadline(project: Project, key: str, today: dt.date) -> Deadline | None:
    """One deadline of the project on `today` (None when it does not apply)."""
    found = [d for d in lead_deadlines(project, today=today) if d.key == key]
    return found[0] if found else None


def state(project: Project, key: str, today: dt.date) -> tuple[str, int]:
    found = deadline(project, key, today)
    assert found is not None
    return found.state, found.days


# --- owner within 1 day -----------------------------------------------------------------------


def test_owner_due_on_the_day_then_overdue(world: Any) -> None:
    project = lead(world)
    assert deadline(project, "owner", D(2026, 3, 2)).due_on == D(2026, 3, 3)  # type: ignore[union-attr]
    assert state(project, "owner", D(2026, 3, 2)) == ("due", 1)
    assert state(project, "owner", D(2026, 3, 3)) == ("due", 0)
    assert state(project, "owner", D(2026, 3, 4)) == ("overdue", 1)


def test_owner_named_on_time_or_late(world: Any) -> None:
    on_time = lead(world, lead_owner=world.user("industry"), lead_owner_named_on=D(2026, 3, 3))
    late = lead(world, lead_owner=world.user("industry"), lead_owner_named_on=D(2026, 3, 4))
    assert state(on_time, "owner", D(2026, 3, 20)) == ("done", 0)
    assert state(late, "owner", D(2026, 3, 20)) == ("done_late", 1)


def test_owner_recorded_without_a_date_counts_as_named(world: Any) -> None:
    project = lead(world, lead_owner=world.user("industry"))
    assert state(project, "owner", D(2026, 3, 20))[0] == "done"


# --- assessment within 3 days, 7 for a large lead ----------------------------------------------


def test_assessment_window_of_an_ordinary_lead(world: Any) -> None:
    project = lead(world, total_investment=Decimal("999999999.99"))
    assert deadline(project, "assess", REGISTERED).due_on == D(2026, 3, 5)  # type: ignore[union-attr]
    assert state(project, "assess", D(2026, 3, 5)) == ("due", 0)
    assert state(project, "assess", D(2026, 3, 6)) == ("overdue", 1)


def test_large_lead_gets_a_week_to_be_assessed(world: Any) -> None:
    # 10亿 is the default threshold of a large lead, inclusive.
    project = lead(world, total_investment=Decimal("1000000000"))
    assert deadline(project, "assess", REGISTERED).due_on == D(2026, 3, 9)  # type: ignore[union-attr]
    assert state(project, "assess", D(2026, 3, 6)) == ("due", 3)
    assert state(project, "assess", D(2026, 3, 9)) == ("due", 0)
    assert state(project, "assess", D(2026, 3, 10)) == ("overdue", 1)


def test_assessment_done_late(world: Any) -> None:
    project = lead(world, status=ProjectStatus.ASSESSING, lead_assessed_on=D(2026, 3, 7))
    assert state(project, "assess", D(2026, 3, 20)) == ("done_late", 2)


# --- feedback to the referrer within a week ----------------------------------------------------


def test_feedback_due_only_when_there_is_a_referrer(world: Any) -> None:
    referred = lead(world, referrer="县商会 王会长")
    unreferred = lead(world, referrer="")
    assert state(referred, "feedback", D(2026, 3, 9)) == ("due", 0)
    assert state(referred, "feedback", D(2026, 3, 10)) == ("overdue", 1)
    assert deadline(unreferred, "feedback", D(2026, 3, 10)) is None


def test_feedback_given_late(world: Any) -> None:
    project = lead(world, referrer="县商会", lead_feedback_on=D(2026, 3, 12))
    assert state(project, "feedback", D(2026, 3, 20)) == ("done_late", 3)


# --- follow-up every two weeks -----------------------------------------------------------------


def test_follow_up_every_fourteen_days(world: Any) -> None:
    project = lead(world, status=ProjectStatus.NEGOTIATING, lead_assessed_on=D(2026, 3, 3))
    assert deadline(project, "follow_up", REGISTERED).due_on == D(2026, 3, 16)  # type: ignore[union-attr]
    assert state(project, "follow_up", D(2026, 3, 16)) == ("due", 0)
    assert state(project, "follow_up", D(2026, 3, 17)) == ("overdue", 1)
    # A follow-up on the 16th starts the next two weeks.
    project.lead_followed_up_on = D(2026, 3, 16)
    followed = deadline(project, "follow_up", D(2026, 3, 17))
    assert followed is not None
    assert (followed.due_on, followed.done_on, followed.state) == (
        D(2026, 3, 30),
        D(2026, 3, 16),
        "due",
    )
    assert state(project, "follow_up", D(2026, 3, 30)) == ("due", 0)
    assert state(project, "follow_up", D(2026, 3, 31)) == ("overdue", 1)


# --- when the deadlines apply ------------------------------------------------------------------


def test_signed_project_keeps_only_the_deadlines_it_met(world: Any) -> None:
    project = lead(
        world,
        status=ProjectStatus.SIGNED,
        lead_owner_named_on=D(2026, 3, 2),
        lead_assessed_on=D(2026, 3, 8),
        referrer="县商会",
    )
    deadlines = lead_deadlines(project, today=D(2026, 6, 1))
    assert [(d.key, d.state) for d in deadlines] == [("owner", "done"), ("assess", "done_late")]
    assert lead_state(deadlines) == ""


def test_terminated_lead_has_nothing_open(world: Any) -> None:
    project = lead(world, status=ProjectStatus.TERMINATED)
    assert lead_deadlines(project, today=D(2026, 6, 1)) == []


def test_no_deadlines_for_other_kinds_or_unregistered_leads(world: Any) -> None:
    key = ProjectFactory(region=world.town_a, lead_registered_on=REGISTERED)
    unregistered = lead(world, lead_registered_on=None)
    assert lead_deadlines(key, today=D(2026, 6, 1)) == []
    assert lead_deadlines(unregistered, today=D(2026, 6, 1)) == []


def test_lead_state_is_the_worst_open_deadline(world: Any) -> None:
    project = lead(world, lead_owner_named_on=D(2026, 3, 2))
    assert lead_state(lead_deadlines(project, today=D(2026, 3, 4))) == "due"
    assert lead_state(lead_deadlines(project, today=D(2026, 3, 6))) == "overdue"


def test_windows_come_from_the_region_settings(world: Any) -> None:
    LedgerSettings.objects.create(
        region=world.county, lead_owner_days=2, lead_assess_days=5, lead_follow_up_days=30
    )
    project = lead(world)
    assert deadline(project, "owner", REGISTERED).due_on == D(2026, 3, 4)  # type: ignore[union-attr]
    assert deadline(project, "assess", REGISTERED).due_on == D(2026, 3, 7)  # type: ignore[union-attr]
    assert deadline(project, "follow_up", REGISTERED).due_on == D(2026, 4, 1)  # type: ignore[union-attr]


# --- overdue leads in SQL ----------------------------------------------------------------------


def overdue_by_python(today: dt.date) -> set[int]:
    return {
        p.pk
        for p in Project.objects.all()
        if lead_state(lead_deadlines(p, today=today)) == "overdue"
    }


def test_overdue_leads_boundary_in_sql(world: Any) -> None:
    project = lead(world, lead_owner_named_on=REGISTERED, lead_assessed_on=REGISTERED)
    # Only the follow-up runs: due on the 16th, overdue from the 17th.
    assert not overdue_leads(Project.objects.all(), today=D(2026, 3, 16)).exists()
    assert list(overdue_leads(Project.objects.all(), today=D(2026, 3, 17))) == [project]


def test_overdue_leads_agree_with_the_deadlines(world: Any) -> None:
    # Town B follows up monthly; town A uses the defaults.
    LedgerSettings.objects.create(region=world.town_b, lead_follow_up_days=30)
    user = world.user("industry")
    done = {"lead_owner_named_on": REGISTERED, "lead_assessed_on": REGISTERED}
    lead(world)  # nothing done
    lead(world, lead_owner=user)  # owner without a date
    lead(world, **done)
    lead(world, **done, referrer="商会")
    lead(world, **done, referrer="商会", lead_feedback_on=D(2026, 3, 5))
    lead(world, **done, lead_followed_up_on=D(2026, 3, 10))
    lead(world, lead_owner_named_on=REGISTERED, total_investment=Decimal("1500000000"))
    lead(world, region=world.town_b, **done)
    lead(world, region=world.town_b, **done, lead_followed_up_on=D(2026, 3, 2))
    lead(world, **done, status=ProjectStatus.SIGNED)
    lead(world, status=ProjectStatus.TERMINATED)
    ProjectFactory(region=world.town_a)
    for today in (
        D(2026, 3, 2),
        D(2026, 3, 3),
        D(2026, 3, 4),
        D(2026, 3, 6),
        D(2026, 3, 9),
        D(2026, 3, 10),
        D(2026, 3, 17),
        D(2026, 3, 25),
        D(2026, 4, 1),
        D(2026, 4, 2),
    ):
        in_sql = set(overdue_leads(Project.objects.all(), today=today).values_list("pk", flat=True))
        assert in_sql == overdue_by_python(today), today
    # The county's own settings for everyone: town B's monthly follow-up no longer applies.
    in_county = overdue_leads(Project.objects.all(), today=D(2026, 3, 17), region=world.county)
    assert in_county.filter(region=world.town_b).count() == 2


def test_overdue_leads_respect_the_queryset_scope(world: Any) -> None:
    lead(world)
    lead(world, region=world.town_b)
    town_b = Project.objects.for_user(world.user("town_b"))
    assert overdue_leads(town_b, today=D(2026, 4, 1)).count() == 1


def test_settings_map_agrees_with_settings_for(world: Any) -> None:
    codes = [world.town_a.code, world.town_b.code, world.county.code, "371402"]
    assert {c: settings_map([c])[c].pk for c in codes} == dict.fromkeys(codes)
    LedgerSettings.objects.create(region_id="370000", lead_owner_days=5)
    LedgerSettings.objects.create(region=world.county, lead_owner_days=3)
    LedgerSettings.objects.create(region=world.town_b, lead_owner_days=2)
    mapped = settings_map(codes)
    for code in codes:
        assert mapped[code].pk == settings_for(code).pk, code
    assert [mapped[c].lead_owner_days for c in codes] == [3, 2, 3, 5]
