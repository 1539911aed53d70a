"""The nightly batch over the whole ledger stores facts and rewrites only what changed: a
second night on the same facts writes no project, yet every page, the API, the board and the
bulletin read its lights and reasons as of the new day, as if each row had been rewritten."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from jinmu.projects import lights, queries
from jinmu.projects.bulletin import weekly_bulletin
from jinmu.projects.choices import ProjectStatus
from jinmu.projects.models import LightGeneration, Project
from jinmu.projects.templatetags.project_lights import light_context
from jinmu.projects.tests.factories import MilestoneFactory, YearPlanFactory
from jinmu.projects.tests.lights_support import D, monitored

pytestmark = pytest.mark.django_db

# Wednesday and Thursday of the same due week (W26's report was due on Friday 2026-06-26).
FIRST, SECOND = D(2026, 7, 1), D(2026, 7, 2)


def _ledger(world: Any) -> dict[str, Project]:
    """Projects whose texts count days or shares as of the day they are shown for."""
    old = timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    made = {
        "due": monitored(world, FIRST, status=ProjectStatus.PREPARING, planned_start=D(2026, 6, 1)),
        "slipping": monitored(world, FIRST, actual_start=D(2026, 3, 2)),
        "behind": monitored(world, FIRST, invested_year=Decimal("25000000"), invested_year_of=2026),
        "silent": monitored(world, FIRST, last_report_week=None),
    }
    MilestoneFactory(project=made["slipping"], name="主体封顶", planned_end=D(2026, 6, 20))
    YearPlanFactory(project=made["behind"], year=2026, planned_investment=Decimal("100000000"))
    Project.objects.filter(pk__in=[p.pk for p in made.values()]).update(created_at=old)
    return made


def _expected(project: Project, day: dt.date) -> list[dict[str, Any]]:
    """The reasons the rules write for `day`, in the site's language."""
    project.refresh_from_db()
    with translation.override(settings.LANGUAGE_CODE):
        return lights.compute_light(project, today=day).reasons


def _project_updates(ctx: CaptureQueriesContext) -> list[str]:
    table = Project._meta.db_table
    # executemany's statements are logged as "N times: UPDATE ...".
    return [q["sql"] for q in ctx.captured_queries if f'UPDATE "{table}"' in q["sql"]]


def test_a_second_night_on_the_same_facts_writes_nothing_yet_shows_the_new_day(
    world: Any, client: Client
) -> None:
    # given: the first night
    made = _ledger(world)
    first = lights.refresh_lights_stats(today=FIRST)
    assert first.written >= len(made)
    due = Project.objects.get(pk=made["due"].pk)
    assert (due.light_computed_on, lights.light_as_of(due)) == (FIRST, FIRST)

    # when: the next night, nothing having changed but the day
    with CaptureQueriesContext(connection) as ctx:
        second = lights.refresh_lights_stats(today=SECOND)

    # then: no project row is written ...
    assert (second.written, second.changed) == (0, 0)
    assert _project_updates(ctx) == []
    assert LightGeneration.objects.get(county=world.county.code).nightly_on == SECOND
    # ... yet each light reads as of the new day, its texts counting the new day's days and
    # shares exactly as the rules write them for that day
    for project in Project.objects.filter(pk__in=[p.pk for p in made.values()]):
        assert project.light_computed_on == FIRST
        assert lights.light_as_of(project) == SECOND
        shown = lights.shown_reasons(project.light_reasons, lights.light_as_of(project))
        assert shown == _expected(project, SECOND)
        if project.pk != made["silent"].pk:  # whose texts name the week only
            assert shown != _expected(project, FIRST)
    due.refresh_from_db()
    start = next(r for r in _expected(due, SECOND) if r["rule"] == "start")
    assert start["inputs"]["days_overdue"] == "31"
    assert start["inputs"]["today"] == SECOND.isoformat()

    # on the project's popup,
    context = light_context(due)
    assert context["computed_on"] == SECOND
    assert context["reasons"][0]["text"] == start["text"]
    client.force_login(world.user("industry"))
    popup = client.get(reverse("projects:light_reasons", args=[due.pk])).content.decode()
    assert start["text"] in popup
    assert SECOND.isoformat() in popup
    # in the API (list and detail),
    api = APIClient()
    api.force_authenticate(world.user("industry"))
    detail = api.get(f"/api/v1/projects/{due.pk}/").json()
    assert detail["light_computed_on"] == SECOND.isoformat()
    assert detail["light_reasons"] == _expected(due, SECOND)
    rows = api.get("/api/v1/projects/").json()["results"]
    assert next(r for r in rows if r["id"] == due.pk)["light_reasons"] == _expected(due, SECOND)
    # on the board
    board = queries.light_counts(world.user("industry"))
    assert (board.computed_from, board.computed_to) == (SECOND, SECOND)
    # and in the bulletin
    bulletin = weekly_bulletin(region_code=world.county.code, week=D(2026, 6, 22))
    flagged = {p.project_id: p.reasons for p in (*bulletin.red, *bulletin.yellow)}
    assert flagged[due.pk] == [start["text"]]


def test_a_changed_fact_is_written_on_the_next_night(world: Any) -> None:
    # given: the first night
    made = _ledger(world)
    lights.refresh_lights_stats(today=FIRST)
    slipping = made["slipping"]
    # when: a milestone is finished without the light being refreshed, then the next night
    slipping.milestones.update(actual_end=D(2026, 6, 30))
    with CaptureQueriesContext(connection) as ctx:
        stats = lights.refresh_lights_stats(today=SECOND)
    # then: that project alone is rewritten, dated the new day, with the facts of the change
    assert stats.written == 1
    assert len(_project_updates(ctx)) == 1
    slipping.refresh_from_db()
    assert slipping.light_computed_on == SECOND
    milestone = next(r for r in slipping.light_reasons if r["rule"] == "milestone")
    assert (milestone["light"], milestone["case"]) == ("green", "done")
    shown = lights.shown_reasons(slipping.light_reasons, lights.light_as_of(slipping))
    assert shown == _expected(slipping, SECOND)


def test_a_given_set_of_projects_still_dates_each_row(world: Any) -> None:
    made = _ledger(world)
    lights.refresh_lights_stats(today=FIRST)
    stats = lights.refresh_lights_stats(Project.objects.filter(pk=made["due"].pk), today=SECOND)
    assert stats.written == 0
    assert Project.objects.get(pk=made["due"].pk).light_computed_on == SECOND
    assert Project.objects.get(pk=made["silent"].pk).light_computed_on == FIRST


def test_reasons_stored_whole_are_shown_as_they_are() -> None:
    stored = [{"rule": "report", "light": "grey", "text": "t", "inputs": {}}]
    assert lights.shown_reasons(stored, FIRST) is stored
    assert lights.shown_reasons(None, FIRST) is None
    assert lights.nights.as_of(None, SECOND) is None
    assert lights.nights.as_of(SECOND, FIRST) == SECOND


def test_facts_that_do_not_read_are_shown_as_unreadable_not_as_an_error(
    world: Any, client: Client
) -> None:
    # given: a project whose stored facts lack one its rule reads (written by other code)
    project = monitored(world, FIRST)
    broken = [{"rule": "report", "light": "red", "case": "missing"}]
    Project.objects.filter(pk=project.pk).update(
        light="red", computed_light="red", light_reasons=broken, light_computed_on=FIRST
    )
    # when
    with translation.override("en"):
        shown = lights.shown_reasons(broken, FIRST)
    client.force_login(world.user("industry"))
    page = client.get(reverse("projects:detail", args=[project.pk]))
    # then: the reason keeps its rule and light and says it could not be read; the page answers
    assert shown[0]["rule"] == "report"
    assert shown[0]["light"] == "red"
    assert "无法读取" in shown[0]["text"]  # written in the site's language, as every reason
    assert page.status_code == 200


def test_a_project_reporting_every_week_keeps_its_facts_past_the_deadline(world: Any) -> None:
    # given: a report in for W27 already on Wednesday 2026-07-01 (the week due is W26)
    project = monitored(world, FIRST, last_report_week=D(2026, 6, 29))
    Project.objects.filter(pk=project.pk).update(
        created_at=timezone.make_aware(dt.datetime(2026, 1, 5, 9))
    )
    lights.refresh_lights_stats(today=FIRST)
    # when: the night after W27's deadline (Friday 2026-07-03), W27 being the week due
    saturday = D(2026, 7, 4)
    lights.refresh_lights_stats(today=saturday)
    # then: the row is not rewritten, and its reason names the new week due
    project.refresh_from_db()
    assert project.light_computed_on == FIRST
    shown = lights.shown_reasons(project.light_reasons, lights.light_as_of(project))
    assert shown == _expected(project, saturday)
    report = next(r for r in shown if r["rule"] == "report")
    assert report["inputs"]["week"] == "2026-W27"
    assert report["inputs"]["deadline"] == "2026-07-03"
