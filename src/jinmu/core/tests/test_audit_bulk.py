"""Audit rows written in bulk (`record_changes`): the same rows as one by one, chained."""

from __future__ import annotations

import itertools
from typing import Any

from jinmu.core.audit import record_change, record_changes, snapshot
from jinmu.core.audit_chain import HASHED_FIELDS, verify_chain
from jinmu.core.choices import AuditAction, UnitKind
from jinmu.core.models import AuditChainHead, AuditLog, Unit

# What a row says, apart from when it was written.
_CONTENT = tuple(name for name in HASHED_FIELDS if name != "time")


def _units(world: Any, names: list[str]) -> list[Unit]:
    return [
        Unit.objects.create(region=world.county, name=name, kind=UnitKind.DEPARTMENT)
        for name in names
    ]


def test_bulk_rows_match_single_rows_and_extend_the_chain(world: Any) -> None:
    # given: a log that already holds a row written the usual way
    actor = world.user("admin")
    first, *others = _units(world, ["一局", "二局", "三局", "四局"])
    record_change(obj=first, action=AuditAction.CREATE, actor=actor, before=None)
    before = snapshot(others[0])
    others[0].name = "二局改"
    changes = [
        (others[0], AuditAction.UPDATE, before),
        (others[1], AuditAction.CREATE, None),
        (others[2], AuditAction.CREATE, None),
    ]

    # when
    written = record_changes(changes, actor=actor)

    # then: in order, chained to the row before them, the head on the last one
    rows = list(AuditLog.objects.order_by("id"))
    assert [row.pk for row in rows[-3:]] == [row.pk for row in written]
    for previous, row in itertools.pairwise(rows):
        assert row.prev_hash == previous.row_hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (written[-1].pk, written[-1].row_hash)
    assert verify_chain().ok
    # and each row holds what record_change would have written
    for (obj, action, snap), row in zip(changes, written, strict=True):
        single = record_change(obj=obj, action=action, actor=actor, before=snap)
        stored = AuditLog.objects.values(*_CONTENT)
        assert stored.get(pk=row.pk) == stored.get(pk=single.pk)
    assert verify_chain().ok


def test_no_changes_write_nothing(world: Any) -> None:
    # when
    written = record_changes([], actor=world.user("admin"))
    # then
    assert written == []
    assert not AuditLog.objects.exists()
