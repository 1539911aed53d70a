"""One amount, one text: 12,345,050 元 reads 1,234.51 万元 on the project page, on the bulletin
preview, in the Word bulletin and in its spreadsheet, and in the chain map's tooltip (pages once
rounded half to even and showed 1,234.50 where the bulletin showed 1,234.51)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from jinmu.chains.chain_map import wan_text as chain_map_wan_text
from jinmu.core import money
from jinmu.core.templatetags.jinmu import wan as wan_filter
from jinmu.projects.bulletin import weekly_bulletin, write_docx, write_xlsx
from jinmu.projects.templatetags.project_lights import _value_text
from jinmu.projects.tests.factories import ProjectFactory
from jinmu.projects.tests.test_bulletin import docx_lines
from jinmu.targets.queries import _percent as chart_percent
from jinmu.targets.templatetags.target_progress import percent, plain
from jinmu.targets.views.board import _number as export_number
from jinmu.targets.views.board import _percent as export_percent

pytestmark = pytest.mark.django_db

AMOUNT = Decimal("12345050")  # 1,234.505 万元: the half that rounding once split
SHOWN = "1,234.51"
W47 = dt.date(2026, 11, 16)


def test_the_formatter_rounds_half_up() -> None:
    """The one formatter: half up, thousands separators, a dash for nothing."""
    assert money.wan_text(AMOUNT) == SHOWN
    assert money.in_wan(AMOUNT) == Decimal("1234.51")
    assert money.yi_text(Decimal("29130000000")) == "291.30"
    assert money.wan_text(None) == money.DASH
    assert money.wan_text(Decimal("-123450050")) == "-12,345.01"
    assert money.from_wan("1234.505") == AMOUNT
    assert money.wan_text_exact(Decimal("4999999")) == "499.9999"
    assert money.percent_text("12.345") == "12.35%"


def test_shares_and_plain_numbers_round_half_up_on_every_door() -> None:
    """Target shares and values (board page, its export, the history chart) and ledger shares
    round the same way as money: 87.25 % is 87.3, 0.125 is 0.13 (half to even once gave 87.2)."""
    assert money.share_as_percent(Decimal("0.8725")) == Decimal("87.3")
    assert money.rounded("0.125") == Decimal("0.13")
    assert money.plain_text(Decimal("291.300")) == "291.3"
    assert money.plain_text(None) == money.DASH
    assert plain(Decimal("0.125")) == "0.13"
    assert percent(Decimal("0.125")) == "13%"
    assert export_percent(Decimal("0.8725")) == Decimal("87.3")
    assert export_number(Decimal("0.125")) == Decimal("0.13")
    assert chart_percent(Decimal("0.8725")) == 87.3
    assert _value_text("expected_share", "0.12345") == "12.35%"


def test_every_door_prints_the_same_text(client: Client, world: Any) -> None:
    """Pages, the Word and Excel bulletins and the chain map show the same 万元 figure."""
    project = ProjectFactory(
        name="金额一致项目",
        region=world.town_a,
        total_investment=AMOUNT,
        actual_start=dt.date(2026, 11, 18),
        light="green",
    )
    client.force_login(world.user("industry"))
    assert SHOWN in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert wan_filter(AMOUNT) == SHOWN
    assert chain_map_wan_text(AMOUNT) == SHOWN

    with translation.override("en"):
        bulletin = weekly_bulletin(
            region_code=world.county.code, week=W47, today=dt.date(2026, 11, 26)
        )
        document, sheet = BytesIO(), BytesIO()
        write_docx(bulletin, document)
        write_xlsx(bulletin, sheet)
    assert [s.name for s in bulletin.new_starts] == ["金额一致项目"]
    document.seek(0)
    assert any("金额一致项目" in line and SHOWN in line for line in docx_lines(document))
    sheet.seek(0)
    rows = load_workbook(sheet)["New starts"].iter_rows(values_only=True)
    cells = next(row for row in rows if "金额一致项目" in row)
    assert Decimal("1234.51") in [Decimal(str(c)) for c in cells if isinstance(c, float | int)]
    preview = client.get(reverse("projects:bulletin"), {"week": "2026-W47"})
    assert SHOWN in preview.content.decode()
