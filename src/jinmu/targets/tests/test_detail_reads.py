"""A target's page takes its items and its parts' values from the cache of what they are measured
from: the parts show what measuring them afresh gives, a write in a part's town shows at once,
and the items' names (which no generation follows) are read afresh."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jinmu.enterprises.models import Enterprise
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


def test_the_items_are_cached_and_named_afresh(world: Any, client: Client) -> None:
    # given: the page read once, with a certified enterprise among its items
    whole, _part_a, _part_b = _whole_and_parts(world)
    firm = EnterpriseFactory(region=world.town_a, name="旧名企业")
    QualificationFactory(
        kind=QualificationKindFactory(code="high-tech"),
        enterprise=firm,
        granted_on=dt.date(2026, 3, 1),
    )
    client.force_login(world.user("industry"))
    url = reverse("targets:detail", args=[whole.pk])
    assert "旧名企业" in client.get(url).content.decode()

    # when: the firm is renamed past the services (a column no trigger follows)
    Enterprise.objects.filter(pk=firm.pk).update(name="新名企业")
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()

    # then: the items come from the cache (no qualification read) under the new name
    assert not any("enterprises_qualification" in q["sql"] for q in queries.captured_queries)
    assert "新名企业" in html
    assert "旧名企业" not in html
    assert html.count("data-item") == 1


def test_the_target_and_its_parts_follow_their_writes(world: Any, client: Client) -> None:
    # given: the page read once (the target and its parts are cached per scope)
    whole, _part_a, part_b = _whole_and_parts(world)
    client.force_login(world.user("industry"))
    url = reverse("targets:detail", args=[whole.pk])
    assert _html(client, url).count("data-part=") == 2

    # when: the whole is renamed and a part deleted past the services, and a part added
    Target.objects.filter(pk=whole.pk).update(name="新的目标名")
    Target.objects.filter(pk=part_b.pk).delete()
    TargetFactory(indicator=whole.indicator, parent=whole, region=world.town_b, value=Decimal(1))
    html = _html(client, url)

    # then: the next page shows them
    assert "新的目标名" in html
    assert html.count("data-part=") == 2
    assert f'data-part="{part_b.pk}"' not in html


def _html(client: Client, url: str) -> str:
    """The page's HTML."""
    return client.get(url).content.decode()


def test_only_the_listed_items_are_named_afresh(world: Any) -> None:
    # given: two certified firms behind a target, measured once (and so cached)
    whole, _part_a, _part_b = _whole_and_parts(world)
    kind = QualificationKindFactory(code="high-tech")
    for day in (1, 2):
        firm = EnterpriseFactory(region=world.town_a, name=f"企业{day}")
        QualificationFactory(kind=kind, enterprise=firm, granted_on=dt.date(2026, 3, day))
    fresh = evaluate_many([Target.objects.get(pk=whole.pk)], ON, named=1)[whole.pk].items

    # when: read again, naming the first item only (as a page listing one)
    cached = evaluate_many([Target.objects.get(pk=whole.pk)], ON, named=1)[whole.pk].items

    # then: the same items, the listed one named
    assert [item.name for item in fresh] == ["企业1", "企业2"]
    assert [item.name for item in cached] == ["企业1", ""]
    assert [(i.id, i.date, i.url_name) for i in cached] == [
        (i.id, i.date, i.url_name) for i in fresh
    ]
