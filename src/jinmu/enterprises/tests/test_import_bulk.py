"""The enterprise import writes in bulk: its queries do not grow with the rows, and every row
still gets its audit entry on an intact hash chain."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from jinmu.conftest import World
from jinmu.core.audit_chain import verify_chain
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
