"""The audit log's hash chain, append-only rows and `jinmu audit verify`."""

from __future__ import annotations

import importlib
import itertools
import threading
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jinmu.core import migrations as core_migrations
from jinmu.core.audit import record_event, record_system
from jinmu.core.audit_chain import row_digest, verify_chain
from jinmu.core.choices import AuditAction, UnitKind
from jinmu.core.models import AuditChainHead, AuditLog, AuditLogAppendOnlyError, Unit
from jinmu.core.services import save_object


def _rows(world: Any, count: int = 4) -> list[AuditLog]:
    """`count` audit rows: a unit created and edited, and a few events."""
    actor = world.user("admin")
    unit = save_object(
        Unit(region=world.county, name="链条局", kind=UnitKind.DEPARTMENT), actor=actor
    )
    unit.short_name = "链条"
    save_object(unit, actor=actor, expected_version=1)
    for n in range(count - 2):
        record_event(action=AuditAction.EXPORT, actor=actor, detail={"path": "/x/", "rows": n})
    return list(AuditLog.objects.order_by("id"))


def _verify() -> tuple[str, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", "--chunk-size", "2", stdout=out)
    except CommandError as error:
        return "broken", str(error)
    return "ok", out.getvalue()


def test_each_row_holds_the_hash_of_the_row_before(world: Any) -> None:
    # when
    rows = _rows(world)
    # then
    assert rows[0].prev_hash == ""
    for previous, row in itertools.pairwise(rows):
        assert row.prev_hash == previous.row_hash
    for row in rows:
        stored = AuditLog.objects.values().get(pk=row.pk)
        assert row.row_hash == row_digest(stored, row.prev_hash)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (rows[-1].pk, rows[-1].row_hash)


def test_intact_chain_verifies_with_the_count(world: Any) -> None:
    # given
    rows = _rows(world, count=5)
    # when
    outcome, text = _verify()
    # then
    assert outcome == "ok"
    assert f"{len(rows)} rows verified" in text


def test_row_changed_by_raw_sql_breaks_the_chain_at_that_row(world: Any) -> None:
    # given
    rows = _rows(world, count=5)
    victim = rows[2]
    # when someone edits the content behind the application's back
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditlog SET actor_name = %s WHERE id = %s", ["someone-else", victim.pk]
        )
    # then
    outcome, text = _verify()
    assert outcome == "broken"
    assert f"row {victim.pk} " in text
    assert "content does not match its hash" in text


def test_deleted_row_breaks_the_chain_at_the_next_row(world: Any) -> None:
    # given
    rows = _rows(world, count=5)
    # when
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[2].pk])
    # then
    outcome, text = _verify()
    assert outcome == "broken"
    assert f"row {rows[3].pk} " in text
    assert "removed or inserted" in text


def test_deleted_last_row_is_noticed_through_the_chain_head(world: Any) -> None:
    # given
    rows = _rows(world, count=4)
    # when
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[-1].pk])
    # then
    outcome, text = _verify()
    assert outcome == "broken"
    assert "chain head" in text


def test_inserted_row_breaks_the_chain_at_that_row(world: Any) -> None:
    # given
    rows = _rows(world, count=3)
    forged = rows[-1].pk + 1
    # when a row is slipped in with made-up hashes
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditlog (id, time, actor_name, action, object_id, object_repr,"
            " request_id, prev_hash, row_hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [forged, rows[-1].time, "ghost", "login", "", "", "", "0" * 64, "1" * 64],
        )
    # then
    outcome, text = _verify()
    assert outcome == "broken"
    assert f"row {forged} " in text
    report = verify_chain()
    assert report.checked == len(rows)


def test_rows_refuse_update_and_delete(world: Any) -> None:
    # given
    row = _rows(world, count=2)[0]
    # when / then
    row.actor_name = "changed"
    with pytest.raises(AuditLogAppendOnlyError):
        row.save()
    with pytest.raises(AuditLogAppendOnlyError):
        row.delete()
    with pytest.raises(AuditLogAppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).update(actor_name="changed")
    with pytest.raises(AuditLogAppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).delete()
    assert AuditLog.objects.get(pk=row.pk).actor_name == "t-admin"


def test_system_rows_join_the_chain(world: Any) -> None:
    # given
    _rows(world, count=2)
    # when
    row = record_system(action=AuditAction.CREATE, model=Unit, object_repr="load: Unit")
    # then
    assert row.actor_name == "system"
    assert row.object_id == "*"
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_chain_to_the_same_row() -> None:
    # SQLite (the in-memory test database) has one writer at a time anyway; the lock on the
    # chain head is what keeps PostgreSQL's concurrent writers in line.
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    # given four writers starting together
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                record_event(action=AuditAction.EXPORT, actor=None, detail={"n": n, "i": i})
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert not failures
    rows = list(AuditLog.objects.order_by("id").values_list("prev_hash", flat=True))
    assert len(rows) == 40
    assert len(set(rows)) == 40
    assert verify_chain().ok


def test_the_migration_chains_rows_written_before_the_chain_existed(world: Any) -> None:
    # given rows as an existing deployment has them: no hashes, no chain head
    rows = _rows(world, count=4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET prev_hash = '', row_hash = ''")
        cursor.execute("DELETE FROM core_auditchainhead")
    assert not verify_chain().ok
    # Found by name, whatever number the migration ends up with.
    name = next(Path(core_migrations.__file__).parent.glob("*_audit_chain_head.py")).stem
    migration = importlib.import_module(f"jinmu.core.migrations.{name}")
    state = MigrationExecutor(connection).loader.project_state(("core", name), at_end=True)
    # when (the migration's frozen copy of the hashing, on the historical models)
    migration.chain_existing_rows(state.apps, None)
    # then the live code verifies what the migration wrote, and new rows extend it
    report = verify_chain()
    assert report.ok, report.problem
    assert report.checked == len(rows)
    record_event(action=AuditAction.EXPORT, actor=None, detail={"after": "migration"})
    assert verify_chain().ok
