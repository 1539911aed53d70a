"""A target's page measures its own items and takes its parts' values from the boards' cache:
the parts show what measuring them afresh gives, and a write in a part's town shows at once."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinmu.enterprises.services import save_qualification
from jinmu.enterprises.tests.factories import (
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
)
from jinmu.targets.models import Target
from jinmu.targets.progress import evaluate_many
from jinmu.targets.queries import target_detail
from jinmu.targets.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is 1 July 2026."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: ON)


def _whole_and_parts(world: Any) -> tuple[Target, Target, Target]:
    whole = TargetFactory(indicator=IndicatorFactory(code="high-tech-new"), value=Decimal(10))
    part_a = TargetFactory(
        indicator=whole.indicator, parent=whole, region=world.town_a, value=Decimal(5)
    )
    part_b = TargetFactory(
        indicator=whole.indicator, parent=whole, region=world.town_b, value=Decimal(5)
    )
    return whole, part_a, part_b


def _measured_cell(html: str, part: Target) -> str:
    """The "Measured" cell of a part's row on its whole's page."""
    row = re.search(rf'<tr data-part="{part.pk}">(.*?)</tr>', html, re.S)
    assert row, f"no row for part {part.pk}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)[2]


def test_the_parts_show_what_measuring_them_gives(world: Any) -> None:
    # given: certifications in both towns
    whole, part_a, part_b = _whole_and_parts(world)
    kind = QualificationKindFactory(code="high-tech")
    for town, count in ((world.town_a, 2), (world.town_b, 1)):
        for _ in range(count):
            QualificationFactory(
                kind=kind, enterprise=EnterpriseFactory(region=town), granted_on=dt.date(2026, 3, 1)
            )
    user = world.user("industry")

    # when
    detail = target_detail(user, Target.objects.get(pk=whole.pk), ON)
    fresh = evaluate_many(list(Target.objects.filter(parent=whole)), ON)

    # then: the parts' figures as measured with their items; the whole lists its own
    for part, tp in detail.parts:
        assert tp.measured == fresh[part.pk].measured
        assert tp.status == fresh[part.pk].status
        assert tp.items == []
    measured = {part.pk: tp.measured for part, tp in detail.parts}
    assert measured == {part_a.pk: Decimal(2), part_b.pk: Decimal(1)}
    assert len(detail.progress.items) == 3


def test_a_certification_shows_on_the_parts_at_once(world: Any, client: Client) -> None:
    # given: the page read once (the parts' values are cached)
    whole, part_a, part_b = _whole_and_parts(world)
    kind = QualificationKindFactory(code="high-tech")
    client.force_login(world.user("industry"))
    url = reverse("targets:detail", args=[whole.pk])
    html = client.get(url).content.decode()
    assert _measured_cell(html, part_a) == "0"

    # when: an enterprise of town A is certified through the service
    save_qualification(
        actor=world.user("industry"),
        enterprise=EnterpriseFactory(region=world.town_a),
        data={"kind": kind, "granted_on": dt.date(2026, 2, 1), "certificate_no": "GR9"},
    )

    # then: the next page shows it on the part and among the whole's items
    html = client.get(url).content.decode()
    assert _measured_cell(html, part_a) == "1"
    assert _measured_cell(html, part_b) == "0"
    assert html.count("data-item") == 1
