"""The project page's cheaper reads give what the general ones give (issue 11): the project
with the names it shows, its forms drawn once for what they show, dates and progress text
written out as the template filters write them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.projects.models import Project
from jinmu.projects.queries.ledger import RECORD_FIELDS, RECORD_RELATIONS, record_project
from jinmu.projects.templatetags.project_labels import iso_day, iso_minute
from jinmu.projects.templatetags.project_reports import PROGRESS_CHARS, _progress
from jinmu.projects.tests.factories import ProjectFactory


@pytest.fixture(autouse=True)
def english() -> Any:
    """Pages in their English msgids (the site language is Chinese)."""
    with translation.override("en"):
        yield


def test_record_project_reads_what_select_related_reads(world: Any) -> None:
    # given: a project pointing at a chain node, its chain and a leader; no park or owner
    chain = ChainFactory(name="健身器材产业链")
    node = ChainNodeFactory(chain=chain, name="跑步机")
    leader = world.user("industry")
    project = ProjectFactory(chain=chain, node=node, leader=leader)
    rows = Project.objects.for_user(leader)
    general = rows.select_related(*RECORD_RELATIONS).only(*RECORD_FIELDS).get(pk=project.pk)

    # when
    read = record_project(rows, project.pk)

    # then: the same fields, and the names shown without another query
    assert read is not None
    for field in Project._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(general, field.attname), field.name
    with CaptureQueriesContext(connection) as queries:
        shown = (
            read.region.name,
            read.chain.name,
            read.node.name,
            read.node.chain.name,
            str(read.leader),
            read.park,
            read.enterprise,
            read.lead_owner,
        )
    assert len(queries) == 0
    assert shown == (
        general.region.name,
        "健身器材产业链",
        "跑步机",
        "健身器材产业链",
        str(general.leader),
        None,
        None,
        None,
    )
    assert not hasattr(read, "shown_region_name")


def test_record_project_is_none_out_of_the_rows(world: Any) -> None:
    # given
    project = ProjectFactory()

    # when / then
    assert record_project(Project.objects.none(), project.pk) is None
    assert record_project(Project.objects.all(), project.pk + 1000) is None


def _version(html: str) -> str:
    found = re.findall(r'name="version" value="(\d+)"', html)
    assert found
    return found[0]


def test_each_page_draws_its_own_projects_forms(world: Any, client: Client) -> None:
    # given: two projects at different versions, one with its light set by hand
    first = ProjectFactory(version=3)
    second = ProjectFactory(
        version=7, light_override="red", light_override_reason="停工待审 <核查>"
    )
    client.force_login(world.user("industry"))

    # when: the first is drawn, then the second, then the first again
    pages = [
        client.get(reverse("projects:detail", args=[pk])).content.decode()
        for pk in (first.pk, second.pk, first.pk)
    ]

    # then: each shows its own version and override, not the one drawn before
    assert [_version(html) for html in pages] == ["3", "7", "3"]
    assert "停工待审 &lt;核查&gt;</textarea>" in pages[1]
    assert "停工待审" not in pages[2]


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        dt.date(2026, 3, 1),
        dt.date(987, 12, 31),
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 8, 5),
    ],
)
def test_iso_filters_write_what_the_date_filter_writes(value: Any) -> None:
    # given: the value as a template hands it to a filter that takes local times
    local = timezone.template_localtime(value)

    # when / then (a date has no time to write: both refuse it)
    assert _outcome(iso_day, local) == _outcome(lambda v: date_filter(v, "Y-m-d"), local)
    assert _outcome(iso_minute, local) == _outcome(lambda v: date_filter(v, "Y-m-d H:i"), local)


def _outcome(write: Any, value: Any) -> Any:
    try:
        return write(value)
    except TypeError as error:
        return type(error)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "厂房主体结构完成",
        "x" * PROGRESS_CHARS,
        "x" * (PROGRESS_CHARS + 1),
        "e\u0301" * (PROGRESS_CHARS - 1),
        "a\u0958" * (PROGRESS_CHARS // 2 + 5),
        "施工<完成>" * 30,
    ],
)
def test_progress_is_cut_as_truncator_cuts_it(text: str) -> None:
    # given
    report = type("Report", (), {"progress_text": text})()

    # when / then
    assert _progress(report) == Truncator(text).chars(PROGRESS_CHARS)
