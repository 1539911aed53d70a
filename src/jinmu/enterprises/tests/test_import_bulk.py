"""The enterprise import writes in bulk: its queries do not grow with the rows, and every row
still gets its audit entry on an intact hash chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinmu.conftest import World
from jinmu.core.audit_chain import verify_chain
from jinmu.core.imports import insert_rows
from jinmu.core.models import AuditLog
from jinmu.enterprises.imports import import_enterprises
from jinmu.enterprises.models import Enterprise
from jinmu.enterprises.tests.excel_helpers import enterprise_row, workbook
from jinmu.enterprises.tests.factories import make_uscc


def _queries(world: World, numbers: range, **cells: str) -> int:
    data = workbook([enterprise_row(n, **cells) for n in numbers])
    with CaptureQueriesContext(connection) as captured:
        result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)
    assert result.ok, result.errors
    return len(captured)


def test_queries_do_not_grow_with_the_rows(world: World) -> None:
    # given: the first import has filled the caches (content types, the chain's head)
    _queries(world, range(201, 202))
    # when: a small and a larger sheet of new enterprises, then both changed
    small = _queries(world, range(1, 4))
    large = _queries(world, range(101, 131))
    small_update = _queries(world, range(1, 4), 规模="规下")
    large_update = _queries(world, range(101, 131), 规模="规下")

    # then
    assert large == small
    assert large_update == small_update
    assert AuditLog.objects.filter(action="create").count() == 34
    assert AuditLog.objects.filter(action="update").count() == 33
    assert verify_chain().ok


def test_bulk_written_enterprises_carry_their_pinyin_keys(world: World) -> None:
    # given
    data = workbook([enterprise_row(1, 企业名称="宁津县华健体育器材有限公司")])

    # when
    result = import_enterprises(actor=world.user("industry"), rows_or_file=data, dry_run=False)

    # then
    assert result.ok, result.errors
    enterprise = Enterprise.objects.get(uscc=make_uscc(1))
    keys = (enterprise.name_pinyin, enterprise.name_initials, enterprise.brand_initials)
    enterprise.save()  # what a single save derives from the name
    enterprise.refresh_from_db()
    assert keys == (enterprise.name_pinyin, enterprise.name_initials, enterprise.brand_initials)
    assert keys[1] == "njxhjtyqcyxgs"


def test_bulk_inserted_rows_read_back_as_saved_ones(world: World) -> None:
    # given: enterprises alike in every column, one saved the usual way, two for the bulk INSERT
    same = {
        "name": "宁津县华健体育器材有限公司",
        "former_names": ["华健器材厂", "宁津华健"],
        "legal_representative": "",
        "founded_on": dt.date(2015, 3, 8),
        "region": world.town_a,
        "park": world.park,
        "address": "宁津县工业路1号",
        "latitude": Decimal("37.650000"),
        "longitude": Decimal("116.800000"),
        "scale": "above",
        "contact_phone": "0534-5000001",
    }
    saved = Enterprise(uscc=make_uscc(1), **same)
    saved.save()
    inserted = [Enterprise(uscc=make_uscc(n), **same) for n in (2, 3)]
    Enterprise.fill_name_keys(inserted)

    # when
    insert_rows(inserted)

    # then: ids set in order, and every stored column as the saved row has it
    assert inserted[0].pk < inserted[1].pk
    assert not inserted[0]._state.adding
    columns = [
        f.attname
        for f in Enterprise._meta.concrete_fields
        if f.attname not in ("id", "uscc", "created_at", "updated_at")
    ]
    rows = Enterprise.objects.values_list(*columns)
    expected = rows.get(pk=saved.pk)
    for obj in inserted:
        assert rows.get(pk=obj.pk) == expected
        stored = Enterprise.objects.get(pk=obj.pk)
        assert stored.uscc == obj.uscc
        assert stored.created_at is not None
        assert stored.updated_at is not None
