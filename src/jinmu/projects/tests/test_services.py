"""The project record services: lifecycle transitions, stale edits, kind changes, region moves
and where a project may be registered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jinmu.core.models import AuditLog
from jinmu.core.services import StaleObjectError
from jinmu.projects import services
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Attachment, Project, ProjectYearPlan, StatusChange
from jinmu.projects.tests.factories import (
    MilestoneFactory,
    ProjectFactory,
    ReportFactory,
    YearPlanFactory,
)

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Pin "today" for the services (and the light engine they call)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _key_data(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": ProjectKind.KEY,
        "name": "宁津县健身器材产业园二期",
        "level": "county",
        "region": world.town_a,
        "total_investment": Decimal("291300000.00"),
        **extra,
    }


# --- create -----------------------------------------------------------------------------------


def test_create_starts_in_the_kinds_first_state_with_history(world: Any, today: dt.date) -> None:
    # given
    actor = world.user("industry")

    # when
    project = services.create_project(actor=actor, data=_key_data(world))

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING
    entry = StatusChange.objects.get(project=project)
    assert (entry.from_status, entry.to_status, entry.changed_by, entry.changed_on) == (
        "",
        ProjectStatus.PREPARING,
        actor,
        today,
    )
    assert AuditLog.objects.filter(object_id=str(project.pk), action="create").exists()


@pytest.mark.parametrize(
    ("kind", "first"),
    [
        (ProjectKind.ATTRACTION, ProjectStatus.LEAD),
        (ProjectKind.RENOVATION, ProjectStatus.PREPARING),
        (ProjectKind.BOND, ProjectStatus.PLANNING),
        (ProjectKind.CHALLENGE, ProjectStatus.COLLECTING),
    ],
)
def test_every_kind_starts_at_its_own_first_state(
    kind: str, first: str, world: Any, today: dt.date
) -> None:
    # when
    project = services.create_project(
        actor=world.user("industry"),
        data={"kind": kind, "name": "测试", "region": world.county},
    )

    # then
    assert project.status == first


def test_a_town_cannot_register_a_project_in_another_town(world: Any, today: dt.date) -> None:
    # when
    with pytest.raises(PermissionDenied):
        services.create_project(
            actor=world.user("town_a"), data=_key_data(world, region=world.town_b)
        )

    # then: nothing stored half-way
    assert not Project.objects.exists()
    assert not StatusChange.objects.exists()


def test_a_town_registers_in_its_own_town(world: Any, today: dt.date) -> None:
    # when
    project = services.create_project(actor=world.user("town_a"), data=_key_data(world))

    # then
    assert project.region_id == world.town_a.code


@pytest.mark.parametrize("persona", ["bank", "judge", "auditor", "security", "enterprise"])
def test_roles_outside_the_ledger_cannot_register(persona: str, world: Any, today: dt.date) -> None:
    # when
    with pytest.raises(PermissionDenied):
        services.create_project(actor=world.user(persona), data=_key_data(world))

    # then
    assert not Project.objects.exists()


def test_a_key_project_needs_its_level(world: Any, today: dt.date) -> None:
    # when
    with pytest.raises(ValidationError) as refused:
        services.create_project(actor=world.user("industry"), data=_key_data(world, level=""))

    # then
    assert "level" in refused.value.message_dict
    assert not Project.objects.exists()


# --- lifecycle --------------------------------------------------------------------------------


def test_an_allowed_transition_is_kept_with_who_when_and_why(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.PREPARING)
    actor = world.user("town_a")

    # when
    services.transition(
        actor=actor,
        project=project,
        to_status=ProjectStatus.STARTED,
        reason="主体工程开工",
        on=dt.date(2026, 11, 2),
    )

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.STARTED
    assert project.actual_start == dt.date(2026, 11, 2)
    assert project.version == 2
    entry = StatusChange.objects.get(project=project)
    assert (entry.from_status, entry.to_status, entry.changed_on) == (
        ProjectStatus.PREPARING,
        ProjectStatus.STARTED,
        dt.date(2026, 11, 2),
    )
    assert (entry.changed_by, entry.reason) == (actor, "主体工程开工")


def test_history_keeps_every_step(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(kind=ProjectKind.ATTRACTION, level="", status=ProjectStatus.LEAD)
    actor = world.user("industry")

    # when
    for target in (ProjectStatus.ASSESSING, ProjectStatus.NEGOTIATING, ProjectStatus.SIGNED):
        services.transition(actor=actor, project=project, to_status=target, on=today)

    # then
    steps = list(
        StatusChange.objects.filter(project=project)
        .order_by("changed_at", "id")
        .values_list("from_status", "to_status")
    )
    assert steps == [
        ("lead", "assessing"),
        ("assessing", "negotiating"),
        ("negotiating", "signed"),
    ]
    project.refresh_from_db()
    assert (project.lead_assessed_on, project.signed_on) == (today, today)


def test_a_transition_the_lifecycle_does_not_allow_is_refused(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)

    # when
    with pytest.raises(ValidationError) as refused:
        services.transition(
            actor=world.user("industry"), project=project, to_status=ProjectStatus.PRODUCING
        )

    # then: a clear message naming the allowed states, and nothing changed
    message = refused.value.message_dict["status"][0]
    assert "Under construction" in message
    assert "Terminated" in message
    project.refresh_from_db()
    assert (project.status, project.version) == (ProjectStatus.PREPARING, 1)
    assert not StatusChange.objects.exists()


def test_a_state_of_another_kind_is_refused(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)

    # when / then
    with pytest.raises(ValidationError):
        services.transition(
            actor=world.user("industry"), project=project, to_status=ProjectStatus.ISSUED
        )


def test_a_final_state_allows_nothing(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.EFFECTIVE)

    # when
    with pytest.raises(ValidationError) as refused:
        services.transition(
            actor=world.user("industry"),
            project=project,
            to_status=ProjectStatus.TERMINATED,
            reason="撤销",
        )

    # then
    assert "final state" in refused.value.message_dict["status"][0]


def test_terminating_needs_a_reason(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.STARTED)

    # when
    with pytest.raises(ValidationError) as refused:
        services.transition(
            actor=world.user("industry"), project=project, to_status=ProjectStatus.TERMINATED
        )

    # then
    assert "reason" in refused.value.message_dict
    project.refresh_from_db()
    assert project.status == ProjectStatus.STARTED


def test_a_transition_dated_in_the_future_is_refused(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.PREPARING)

    # when
    with pytest.raises(ValidationError) as refused:
        services.transition(
            actor=world.user("industry"),
            project=project,
            to_status=ProjectStatus.STARTED,
            on=today + dt.timedelta(days=1),
        )

    # then
    assert "on" in refused.value.message_dict
    project.refresh_from_db()
    assert project.actual_start is None


def test_a_bond_that_fails_review_goes_back_to_the_reserve(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(kind=ProjectKind.BOND, level="", status=ProjectStatus.APPLIED)

    # when
    services.transition(
        actor=world.user("industry"), project=project, to_status=ProjectStatus.RESERVED
    )

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.RESERVED


def test_a_transition_on_a_stale_version_is_refused(world: Any, today: dt.date) -> None:
    # given: opened on version 1, someone else saved since
    project = ProjectFactory(status=ProjectStatus.PREPARING, version=2)

    # when
    with pytest.raises(StaleObjectError):
        services.transition(
            actor=world.user("industry"),
            project=project,
            to_status=ProjectStatus.STARTED,
            expected_version=1,
        )

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING


def test_a_town_cannot_move_another_towns_project(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.PREPARING)

    # when
    with pytest.raises(PermissionDenied):
        services.transition(
            actor=world.user("town_b"), project=project, to_status=ProjectStatus.STARTED
        )

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.PREPARING


# --- edits ------------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_nothing_changes(world: Any, today: dt.date) -> None:
    # given: two people open version 1; the first saves
    project = ProjectFactory(region=world.town_a, name="原名")
    services.update_project(
        actor=world.user("industry"), project=project, data={"name": "甲改"}, expected_version=1
    )

    # when: the second saves on the version they opened
    with pytest.raises(StaleObjectError) as refused:
        services.update_project(
            actor=world.user("town_a"),
            project=Project.objects.get(pk=project.pk),
            data={"name": "乙改"},
            expected_version=1,
        )

    # then
    assert "Someone else saved" in refused.value.messages[0]
    project.refresh_from_db()
    assert (project.name, project.version) == ("甲改", 2)


def test_the_kind_cannot_change(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory()

    # when
    with pytest.raises(ValidationError) as refused:
        services.update_project(
            actor=world.user("industry"), project=project, data={"kind": ProjectKind.BOND}
        )

    # then
    assert "kind" in refused.value.message_dict
    project.refresh_from_db()
    assert project.kind == ProjectKind.KEY


def test_an_edit_does_not_change_the_status(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.STARTED)
    project.status = ProjectStatus.EFFECTIVE  # a stray value on the object

    # when
    services.update_project(actor=world.user("industry"), project=project, data={"name": "新"})

    # then
    project.refresh_from_db()
    assert project.status == ProjectStatus.STARTED


def test_child_rows_follow_a_region_move(
    world: Any, today: dt.date, settings: Any, tmp_path: Any
) -> None:
    # given: a project in town A with a plan, a milestone, a report and a document
    settings.MEDIA_ROOT = tmp_path
    project = ProjectFactory(region=world.town_a)
    YearPlanFactory(project=project)
    MilestoneFactory(project=project)
    ReportFactory(project=project)
    services.add_attachment(
        actor=world.user("industry"),
        project=project,
        kind="contract",
        title="合同",
        file=SimpleUploadedFile("contract.pdf", b"%PDF-1.4"),
    )

    # when
    services.update_project(
        actor=world.user("industry"), project=project, data={"region": world.town_b}
    )

    # then
    project.refresh_from_db()
    assert project.region_id == world.town_b.code
    for relation in ("year_plans", "milestones", "reports", "attachments"):
        regions = set(getattr(project, relation).values_list("region_id", flat=True))
        assert regions == {world.town_b.code}, relation
    # and town B now sees the rows, town A does not
    assert ProjectYearPlan.objects.for_user(world.user("town_b")).filter(project=project).exists()
    assert not Attachment.objects.for_user(world.user("town_a")).filter(project=project).exists()


def test_a_field_of_another_kind_is_a_programming_error(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory()

    # when / then: the forms and serializers only pass the kind's fields
    with pytest.raises(TypeError):
        services.update_project(
            actor=world.user("industry"), project=project, data={"bond_issued": Decimal("1")}
        )


# --- light override ---------------------------------------------------------------------------


def test_an_override_needs_a_reason_and_shows_as_overridden(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(status=ProjectStatus.STARTED)
    leader = world.user("leader")

    # when: without a reason
    with pytest.raises(ValidationError):
        services.override_light(actor=leader, project=project, light="red", reason=" ")

    # then
    project.refresh_from_db()
    assert project.light_override == ""

    # when: with a reason
    services.override_light(actor=leader, project=project, light="red", reason="约谈后仍未开工")

    # then
    project.refresh_from_db()
    assert (project.light, project.light_override, project.light_override_by) == (
        "red",
        "red",
        leader,
    )


def test_a_town_cannot_override_a_light(world: Any, today: dt.date) -> None:
    # given
    project = ProjectFactory(region=world.town_a, status=ProjectStatus.STARTED)

    # when / then
    with pytest.raises(PermissionDenied):
        services.override_light(
            actor=world.user("town_a"), project=project, light="green", reason="已整改"
        )
