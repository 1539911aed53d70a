"""Measured values cached under the generation of their sources: a repeated board reads no
source table, and every write to a source, through a service, a bulk write, `update()`, raw
SQL or a delete, shows in the next read; so do a new day, a changed target and a missing
trigger (no cache then)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest.mock import patch

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from jinmu.chains.models import EnterpriseNode
from jinmu.chains.services import link_enterprise, unlink_enterprise
from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory
from jinmu.core.models import Unit
from jinmu.enterprises.models import Enterprise, Qualification, QualificationKind
from jinmu.enterprises.services import delete_qualification, save_qualification, update_enterprise
from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.projects.choices import ProjectKind, ProjectStatus
from jinmu.projects.models import Project, WeeklyReport
from jinmu.projects.tests.factories import ProjectFactory, ReportFactory
from jinmu.targets import freshness
from jinmu.targets.measures import MEASURES
from jinmu.targets.models import Indicator, MeasureGeneration, Target, TargetSettings
from jinmu.targets.services import report_value, update_target
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)
URL = "/api/v1/targets/"
SOURCE_TABLES = {model._meta.db_table for model in freshness.SOURCES}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 1 July 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: ON)


def measured(world: Any, target: Target, persona: str = "industry") -> Decimal | None:
    """The target's measured value in the API's list (a fresh request each time)."""
    api = APIClient()
    api.force_authenticate(world.user(persona))
    rows = api.get(URL, {"year": 2026}).json()
    value = next(row["measured"] for row in rows if row["id"] == target.pk)
    return None if value is None else Decimal(value)


def board_figure(client: Any, world: Any, target: Target) -> str:
    """The "Measured" cell of the target's row on the board page."""
    client.force_login(world.user("industry"))
    html = client.get("/targets/").content.decode()
    match = re.search(rf'<tr data-target="{target.pk}".*?data-measured>([^<]*)<', html, re.S)
    assert match, f"no row for target {target.pk}"
    return match.group(1)


def high_tech(**extra: Any) -> Target:
    """A 2026 target of newly certified high-tech enterprises."""
    return TargetFactory(indicator=IndicatorFactory(code="high-tech-new"), **extra)


def kind() -> QualificationKind:
    """The high-tech qualification kind."""
    return QualificationKindFactory(code="high-tech")


def test_the_triggers_are_installed_by_migrate() -> None:
    """Every source table has its triggers in the test database, so values are cached."""
    assert freshness.read_stamp() is not None


def test_a_repeated_read_reads_no_source(world: Any, client: Any) -> None:
    """The second board request measures nothing: no query touches a source table."""
    target = high_tech()
    QualificationFactory(kind=kind(), granted_on=dt.date(2026, 3, 1))
    assert board_figure(client, world, target) == "1家"
    with CaptureQueriesContext(connection) as queries:
        assert board_figure(client, world, target) == "1家"
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert not [table for table in SOURCE_TABLES if f'"{table}"' in read]


def test_the_board_and_the_api_follow_a_qualification_service(world: Any, client: Any) -> None:
    """Recorded, moved out of the year and deleted through the enterprise services."""
    target = high_tech()
    enterprise = EnterpriseFactory()
    actor = world.user("industry")
    assert board_figure(client, world, target) == "0家"
    assert measured(world, target) == 0
    row = save_qualification(
        actor=actor,
        enterprise=enterprise,
        data={"kind": kind(), "granted_on": dt.date(2026, 2, 1), "certificate_no": "GR1"},
    )
    assert board_figure(client, world, target) == "1家"
    assert measured(world, target) == 1
    row = save_qualification(
        actor=actor,
        enterprise=enterprise,
        qualification=row,
        data={"granted_on": dt.date(2025, 2, 1)},
        expected_version=row.version,
    )
    assert measured(world, target) == 0
    save_qualification(
        actor=actor,
        enterprise=enterprise,
        qualification=row,
        data={"granted_on": dt.date(2026, 2, 1)},
        expected_version=row.version,
    )
    assert measured(world, target) == 1
    delete_qualification(actor=actor, qualification=Qualification.objects.get(pk=row.pk))
    assert board_figure(client, world, target) == "0家"
    assert measured(world, target) == 0


BULK_WRITES: dict[str, Callable[[Any], None]] = {
    "bulk_create": lambda enterprise: Qualification.objects.bulk_create(
        [
            Qualification(
                enterprise=enterprise,
                region_id=enterprise.region_id,
                kind=QualificationKind.objects.get(code="high-tech"),
                granted_on=dt.date(2026, 5, 1),
            )
        ]
    ),
    "update": lambda enterprise: Qualification.objects.filter(enterprise=enterprise).update(
        granted_on=dt.date(2026, 5, 1)
    ),
    "bulk_update": lambda enterprise: Qualification.objects.bulk_update(
        [
            Qualification(pk=row.pk, granted_on=dt.date(2026, 5, 1))
            for row in Qualification.objects.filter(enterprise=enterprise)
        ],
        ["granted_on"],
    ),
    "raw SQL": lambda enterprise: connection.cursor().executemany(
        f"UPDATE {Qualification._meta.db_table} SET granted_on = %s WHERE enterprise_id = %s",
        [(dt.date(2026, 5, 1), enterprise.pk)],
    ),
}


@pytest.mark.parametrize("write", list(BULK_WRITES))
def test_writes_past_the_services_are_seen(world: Any, write: str) -> None:
    """Imports and commands write in bulk (`bulk_create`, `update()`, `bulk_update`, raw
    `executemany`): the next read counts what they wrote."""
    target = high_tech()
    enterprise = EnterpriseFactory()
    if write != "bulk_create":
        QualificationFactory(enterprise=enterprise, kind=kind(), granted_on=dt.date(2025, 5, 1))
    else:
        kind()
    assert measured(world, target) == 0
    BULK_WRITES[write](enterprise)
    assert measured(world, target) == 1


def test_an_enterprise_moving_town_moves_its_count(world: Any) -> None:
    """The enterprise service moves a firm to another town, then `update()` moves it back."""
    part = high_tech(region=world.town_a)
    enterprise = EnterpriseFactory(region=world.town_a)
    QualificationFactory(enterprise=enterprise, kind=kind(), granted_on=dt.date(2026, 3, 1))
    assert measured(world, part) == 1
    update_enterprise(
        actor=world.user("industry"),
        enterprise=enterprise,
        data={"region": world.town_b},
        expected_version=enterprise.version,
    )
    assert measured(world, part) == 0
    Enterprise.objects.filter(pk=enterprise.pk).update(region=world.town_a)
    assert measured(world, part) == 1


def test_a_chain_link_counts_for_the_chain(world: Any) -> None:
    """Linking an enterprise to a node of the chain (the chain service) makes it count for
    the chain's target; unlinking and a bulk link do too."""
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    target = high_tech(chain=chain, responsible_unit=None)
    enterprise = EnterpriseFactory()
    QualificationFactory(enterprise=enterprise, kind=kind(), granted_on=dt.date(2026, 3, 1))
    assert measured(world, target) == 0
    link = link_enterprise(
        actor=world.user("industry"), node=node, enterprise=enterprise, role="supporting"
    )
    assert measured(world, target) == 1
    unlink_enterprise(actor=world.user("industry"), link=link, expected_version=link.version)
    assert measured(world, target) == 0
    EnterpriseNode.objects.bulk_create(
        [EnterpriseNode(node=node, enterprise=enterprise, region_id=node.region_id)]
    )
    assert measured(world, target) == 1


def test_projects_signed_started_and_changed(world: Any) -> None:
    """A project saved, changed by `update()` and deleted changes what it counted for."""
    target = TargetFactory(indicator=IndicatorFactory(code="attraction-100m"))
    assert measured(world, target) == 0
    project = ProjectFactory(
        kind=ProjectKind.ATTRACTION,
        level="",
        status=ProjectStatus.SIGNED,
        total_investment=Decimal(200_000_000),
        signed_on=dt.date(2026, 4, 1),
    )
    assert measured(world, target) == 1
    Project.objects.filter(pk=project.pk).update(total_investment=Decimal(90_000_000))
    assert measured(world, target) == 0
    Project.objects.filter(pk=project.pk).update(total_investment=Decimal(200_000_000))
    assert measured(world, target) == 1
    # A column no measure reads (the light, refreshed nightly) keeps the cache; one that they
    # read does not.
    stamp = freshness.read_stamp()
    Project.objects.filter(pk=project.pk).update(light="red")
    assert freshness.read_stamp() == stamp
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.TERMINATED)
    assert measured(world, target) == 0
    Project.objects.filter(pk=project.pk).delete()
    assert measured(world, target) == 0


def test_weekly_reports_sum_into_the_investment(world: Any) -> None:
    """A weekly report written, corrected by `update()` and deleted."""
    target = TargetFactory(indicator=IndicatorFactory(code="investment-completed"))
    assert measured(world, target) == 0
    report = ReportFactory(week=dt.date(2026, 3, 2), invested_this_week=Decimal(10**8))
    assert measured(world, target) == 1
    WeeklyReport.objects.filter(pk=report.pk).update(invested_this_week=Decimal(2 * 10**8))
    assert measured(world, target) == 2
    report.delete()
    assert measured(world, target) == 0


def test_a_reported_value_shows_at_once(world: Any) -> None:
    """A department reports the month's value through the targets service."""
    indicator = Indicator.objects.get(code="industrial-value-added-growth")
    target = TargetFactory(indicator=indicator, value=Decimal(6))
    assert measured(world, target, "leader") is None
    report_value(
        actor=world.user("stats"),
        indicator=indicator,
        region_code=world.county.code,
        month=dt.date(2026, 6, 1),
        value="6.5",
        evidence="统计月报",
    )
    assert measured(world, target, "leader") == Decimal("6.5")


def test_a_new_day_and_a_changed_target_measure_afresh(world: Any, monkeypatch: Any) -> None:
    """The window ends today, and the target's own fields are part of the key."""
    target = high_tech()
    QualificationFactory(kind=kind(), granted_on=dt.date(2026, 7, 2))
    QualificationFactory(
        kind=kind(), granted_on=dt.date(2026, 3, 1), enterprise__region=world.town_b
    )
    assert measured(world, target) == 1
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 7, 2))
    assert measured(world, target) == 2
    Target.objects.filter(pk=target.pk).update(region=world.town_b)
    assert measured(world, target, "leader") == 1


def test_without_a_trigger_nothing_is_cached(world: Any) -> None:
    """A table rebuilt by a migration loses its triggers on SQLite: until `migrate` puts them
    back, every read measures afresh; putting them back renews every token."""
    target = high_tech()
    kind()
    assert measured(world, target) == 0
    table = Qualification._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {freshness.PREFIX}{table}_insert")
        else:
            cursor.execute(f"DROP TRIGGER {freshness.PREFIX}{table} ON {table}")
    assert freshness.read_stamp() is None
    before = Qualification.objects.count()
    QualificationFactory(kind=kind(), granted_on=dt.date(2026, 3, 1))
    assert Qualification.objects.count() == before + 1
    assert measured(world, target) == 1
    stale = freshness.read_stamp()
    freshness.install_triggers()
    stamp = freshness.read_stamp()
    assert stamp is not None
    assert stamp != stale


def _tables(sql: str) -> set[str]:
    """The tables a query names."""
    return {
        model._meta.db_table
        for model in apps.get_models()
        if f'"{model._meta.db_table}"' in sql or f" {model._meta.db_table} " in sql
    }


@pytest.mark.parametrize("name", list(MEASURES))
def test_every_measure_reads_only_source_tables(name: str) -> None:
    """A new measure reading another table must add it to `freshness.SOURCES` (the region
    table is only compared by code, which a region never changes)."""
    measure = MEASURES[name]
    params = {"kind": ["high-tech"], "min_investment": "1", "min_total": "1", "level": "county"}
    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    if measure.totals is None:  # measured from its rows: every query it makes
        with CaptureQueriesContext(connection) as queries:
            measure.fetch(params, "3714", *window, chains=True)
        read = _tables(" ".join(query["sql"] for query in queries.captured_queries))
    else:
        base = measure.totals.base(params, "3714", *window)
        read = _tables(str(base.filter(measure.totals.in_chain(1)).query))
    assert read <= SOURCE_TABLES | {"core_region"}


def test_the_targets_a_scope_sees_follow_their_writes(world: Any, client: Any) -> None:
    """The board's targets are cached per scope too: a target changed through the service, a
    new target, a renamed unit and new thresholds show on the next request."""
    target = high_tech(value=Decimal(30), responsible_unit=world.industry_office)
    QualificationFactory(kind=kind(), granted_on=dt.date(2026, 3, 1))
    client.force_login(world.user("industry"))

    def row() -> str:
        html = client.get("/targets/").content.decode()
        match = re.search(rf'<tr data-target="{target.pk}".*?</tr>', html, re.S)
        assert match
        return match.group(0)

    assert "30家" in row()
    assert 'data-status="red"' in row()
    update_target(
        actor=world.user("industry"),
        target=Target.objects.get(pk=target.pk),
        data={"value": Decimal(2)},
        expected_version=target.version,
    )
    assert "2家" in row()
    assert 'data-status="green"' in row()
    Unit.objects.filter(pk=world.industry_office.pk).update(short_name="产业办公室")
    assert "产业办公室" in row()
    TargetSettings.objects.create(
        region=world.county, yellow_points=Decimal(1), red_points=Decimal(2)
    )
    Target.objects.filter(pk=target.pk).update(value=Decimal(3))
    assert 'data-status="red"' in row()
    other = high_tech(value=Decimal(5), name="另一个目标")
    assert f'data-target="{other.pk}"' in client.get("/targets/").content.decode()


def test_scopes_and_permissions_are_cached_apart(world: Any) -> None:
    """A town and the county read their own targets; a user whose roles lose the permission to
    view targets sees none, whatever is cached for the scope."""
    whole = high_tech()
    part = high_tech(region=world.town_a, parent=whole, value=Decimal(1))
    industry = {row["id"] for row in _list(world, "industry")}
    town = {row["id"] for row in _list(world, "town_a")}
    assert industry == {whole.pk, part.pk}
    assert town == {part.pk}
    assert {row["id"] for row in _list(world, "leader")} == industry
    # As when the role's permissions change: the querysets and the cache key both ask.
    with (
        patch("jinmu.core.querysets.has_action", return_value=False),
        patch("jinmu.targets.queries.has_action", return_value=False),
    ):
        assert _list(world, "leader") == []


def _list(world: Any, persona: str) -> list[dict[str, Any]]:
    """The API's list of 2026 targets for a persona."""
    api = APIClient()
    api.force_authenticate(world.user(persona))
    response = api.get(URL, {"year": 2026})
    assert response.status_code == 200
    return list(response.json())


def test_facts_keep_the_cached_targets_and_target_writes_renew_them(world: Any) -> None:
    """A weekly report renews the measured values' stamp but not the targets' (their cached
    list stays); a unit renamed renews both; a missing token caches nothing."""
    first = freshness.Generation.read()
    ReportFactory(week=dt.date(2026, 3, 2))
    second = freshness.Generation.read()
    assert second.key != first.key
    assert second.targets_key == first.targets_key
    Unit.objects.filter(pk=world.industry_office.pk).update(short_name="产业办公室")
    third = freshness.Generation.read()
    assert third.key != second.key
    assert third.targets_key != second.targets_key
    MeasureGeneration.objects.filter(source=Unit._meta.db_table).delete()
    assert freshness.Generation.read() == freshness.Generation(None, None)
