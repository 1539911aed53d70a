"""Pages: the filtered list (HTMX, paging, query count), the record, the create/edit form."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jinmu.chains.tests.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory
from jinmu.core.models import AuditLog
from jinmu.enterprises.models import Enterprise, IndustryCode
from jinmu.enterprises.tests.factories import (
    AnnualFiguresFactory,
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
    make_uscc,
)

LIST_URL = "/enterprises/"


def login(client: Client, world: Any, persona: str) -> Client:
    """Sign the client in as a persona."""
    client.force_login(world.user(persona))
    return client


def form_data(world: Any, **overrides: Any) -> dict[str, Any]:
    """A valid create form in town A."""
    data: dict[str, Any] = {
        "uscc": make_uscc(700001),
        "name": "宁津健身器材有限公司",
        "former_names": "",
        "region": world.town_a.code,
        "park": "",
        "industry": "",
        "scale": "above",
        "status": "operating",
    }
    data.update(overrides)
    return data


def populate(world: Any, count: int) -> None:
    """Enterprises with figures, a qualification and a chain link each, spread over places."""
    chain = ChainFactory(office=world.chain_office)
    node = ChainNodeFactory(chain=chain)
    kind = QualificationKindFactory()
    places = [
        {"region": world.town_a},
        {"region": world.town_b},
        {"region": world.town_a, "park": world.park},
    ]
    for i in range(count):
        enterprise = EnterpriseFactory(**places[i % 3])
        AnnualFiguresFactory(enterprise=enterprise, year=2024)
        AnnualFiguresFactory(enterprise=enterprise, year=2025)
        QualificationFactory(enterprise=enterprise, kind=kind)
        EnterpriseNodeFactory(node=node, enterprise=enterprise)


def count_queries(client: Client, url: str, **headers: Any) -> int:
    """Queries one request runs."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(context)


# --- list ---------------------------------------------------------------------------------------


def test_list_shows_filters_rows_and_editor_links(world: Any, client: Client) -> None:
    # given
    EnterpriseFactory(name="宁津健身器材有限公司", region=world.town_a)
    login(client, world, "industry")

    # when
    response = client.get(LIST_URL, {"scale": "below", "cursor": "x"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "宁津健身器材有限公司" in html
    for name in ("q", "town", "park", "chain", "node", "scale", "qualification", "industry"):
        assert f'name="{name}"' in html
    assert 'hx-get="/enterprises/"' in html
    assert f'href="{reverse("enterprises:export")}?scale=below"' in html  # no cursor
    assert reverse("enterprises:import") in html
    assert "echarts" not in html  # the chart library loads on the record page only


def test_read_only_users_get_no_export_import_or_create(world: Any, client: Client) -> None:
    # given
    EnterpriseFactory(region=world.town_a)
    login(client, world, "leader")

    # when
    html = client.get(LIST_URL).content.decode()

    # then
    assert reverse("enterprises:export") not in html
    assert reverse("enterprises:import") not in html
    assert reverse("enterprises:create") not in html


def test_htmx_request_gets_the_table_only(world: Any, client: Client) -> None:
    # given
    EnterpriseFactory(name="宁津健身器材有限公司", region=world.town_a)
    EnterpriseFactory(name="德州电梯有限公司", region=world.town_a)
    login(client, world, "admin")

    # when
    response = client.get(LIST_URL, {"q": "njjs"}, headers={"HX-Request": "true"})

    # then
    html = response.content.decode()
    assert "<html" not in html
    assert "宁津健身器材有限公司" in html
    assert "德州电梯有限公司" not in html
    assert f'href="{reverse("enterprises:export")}?q=njjs"' in html  # export follows the filters


def test_list_shows_latest_revenue_in_wan(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    AnnualFiguresFactory(enterprise=enterprise, year=2023, operating_revenue=Decimal("1000000"))
    AnnualFiguresFactory(enterprise=enterprise, year=2024, operating_revenue=Decimal("23456700"))
    login(client, world, "admin")

    # when
    response = client.get(LIST_URL)

    # then
    (row,) = response.context["page"].rows
    assert row.latest_revenue == Decimal("23456700")
    assert row.latest_year == 2024
    assert "2,345.67" in response.content.decode()


def test_list_pages_by_cursor(world: Any, client: Client) -> None:
    # given
    for i in range(30):
        EnterpriseFactory(name=f"企业{i:02d}", region=world.town_a)
    login(client, world, "admin")

    # when
    first = client.get(LIST_URL)
    second = client.get(LIST_URL + first.context["next_url"])

    # then
    first_ids = {e.pk for e in first.context["page"].rows}
    second_ids = {e.pk for e in second.context["page"].rows}
    assert len(first_ids) == 25
    assert len(second_ids) == 5
    assert not first_ids & second_ids
    assert second.context["next_url"] is None


def test_total_is_capped_at_1000(world: Any, client: Client) -> None:
    # given
    Enterprise.objects.bulk_create(
        Enterprise(uscc=make_uscc(500000 + i), name=f"企业{i}", region=world.county)
        for i in range(1001)
    )
    login(client, world, "admin")

    # when
    response = client.get(LIST_URL)

    # then
    assert response.context["page"].total_display == "1000+"
    assert "1000+" in response.content.decode()


@pytest.mark.parametrize("persona", ["admin", "town_a", "chain"])
def test_list_page_query_count_does_not_grow_with_rows(
    persona: str, world: Any, client: Client, django_assert_max_num_queries: Any
) -> None:
    # given
    populate(world, 5)
    login(client, world, persona)
    few = count_queries(client, LIST_URL)
    populate(world, 25)

    # when / then
    with django_assert_max_num_queries(few):
        client.get(LIST_URL)
    with django_assert_max_num_queries(few):
        client.get(LIST_URL, headers={"HX-Request": "true"})
    assert few <= 20


# --- detail -------------------------------------------------------------------------------------


def test_detail_shows_master_data_chains_figures_and_qualification_states(
    world: Any, client: Client
) -> None:
    # given
    enterprise = EnterpriseFactory(
        name="宁津健身器材有限公司", region=world.town_a, former_names=["宁津健身器材厂"]
    )
    AnnualFiguresFactory(enterprise=enterprise, year=2024, operating_revenue=Decimal("25000000"))
    AnnualFiguresFactory(enterprise=enterprise, year=2025, operating_revenue=Decimal("30000000"))
    today = dt.date.today()
    QualificationFactory(
        enterprise=enterprise,
        kind=QualificationKindFactory(code="expired-kind", name="过期资质"),
        granted_on=today - dt.timedelta(days=1000),
        valid_until=today - dt.timedelta(days=1),
    )
    QualificationFactory(
        enterprise=enterprise,
        kind=QualificationKindFactory(code="expiring-kind", name="将到期资质"),
        granted_on=today - dt.timedelta(days=1000),
        valid_until=today + dt.timedelta(days=30),
    )
    QualificationFactory(
        enterprise=enterprise,
        kind=QualificationKindFactory(code="valid-kind", name="有效资质"),
        granted_on=today - dt.timedelta(days=10),
        valid_until=today + dt.timedelta(days=1000),
    )
    chain = ChainFactory(name="健身器材产业链")
    EnterpriseNodeFactory(
        enterprise=enterprise, node=ChainNodeFactory(chain=chain, name="力量器械"), role="leader"
    )
    login(client, world, "industry")

    # when
    response = client.get(reverse("enterprises:detail", args=[enterprise.pk]))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert enterprise.uscc in html
    assert "宁津健身器材厂" in html
    assert "健身器材产业链 · 力量器械" in html
    assert "3,000.00" in html  # 万元
    assert "2,500.00" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert 'id="figures-chart-data"' in html
    states = {q.kind.code: state for q, state in response.context["qualifications"]}
    assert states == {"expired-kind": "expired", "expiring-kind": "expiring", "valid-kind": "valid"}
    assert "badge bg-red" in html
    assert "badge bg-yellow" in html
    assert reverse("enterprises:edit", args=[enterprise.pk]) in html


def test_detail_has_no_edit_link_for_readers(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    login(client, world, "leader")

    # when
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()

    # then
    assert reverse("enterprises:edit", args=[enterprise.pk]) not in html


def test_chart_data_is_years_and_series_in_wan(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    AnnualFiguresFactory(enterprise=enterprise, year=2025, operating_revenue=Decimal("30000000"))
    AnnualFiguresFactory(enterprise=enterprise, year=2024, operating_revenue=Decimal("25000000"))
    login(client, world, "town_a")

    # when
    data = json.loads(
        client.get(reverse("enterprises:figures_chart", args=[enterprise.pk])).content
    )

    # then
    assert data["years"] == ["2024", "2025"]
    revenue = data["series"][0]
    assert revenue["type"] == "bar"
    assert revenue["data"] == [2500.0, 3000.0]


# --- create and edit ----------------------------------------------------------------------------


def test_create_records_and_audits(world: Any, client: Client) -> None:
    # given
    login(client, world, "town_a")

    # when
    response = client.post(reverse("enterprises:create"), form_data(world))

    # then
    enterprise = Enterprise.objects.get(uscc=make_uscc(700001))
    assert response.status_code == 302
    assert response["Location"] == enterprise.get_absolute_url()
    assert enterprise.region_id == world.town_a.code
    assert AuditLog.objects.filter(object_id=str(enterprise.pk), action="create").count() == 1


def test_bad_credit_code_is_shown_next_to_the_field(world: Any, client: Client) -> None:
    # given
    good = make_uscc(700001)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    login(client, world, "admin")

    # when
    response = client.post(reverse("enterprises:create"), form_data(world, uscc=wrong))

    # then
    assert response.status_code == 200
    errors = response.context["form"].errors["uscc"]
    assert good[17] in errors[0]
    html = response.content.decode()
    field_at = html.index('name="uscc"')
    assert html.index("invalid-feedback", field_at) < html.index('name="name"')
    assert "is-invalid" in html[field_at - 200 : field_at + 200]
    assert not Enterprise.objects.exists()


def test_town_form_offers_only_its_town_and_parks(world: Any, client: Client) -> None:
    # given
    login(client, world, "town_a")

    # when
    response = client.get(reverse("enterprises:create"))

    # then
    form = response.context["form"]
    assert [r.code for r in form.fields["region"].queryset] == [world.town_a.code]
    assert list(form.fields["park"].queryset) == [world.park]


def test_town_cannot_create_in_another_town(world: Any, client: Client) -> None:
    # given
    login(client, world, "town_a")

    # when
    response = client.post(
        reverse("enterprises:create"), form_data(world, region=world.town_b.code)
    )

    # then
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "department", "chain"])
def test_readers_cannot_open_the_forms(persona: str, world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.county)
    login(client, world, persona)
    EnterpriseNodeFactory(
        enterprise=enterprise, node=ChainNodeFactory(chain=ChainFactory(office=world.chain_office))
    )

    # when
    create = client.get(reverse("enterprises:create"))
    edit = client.post(reverse("enterprises:edit", args=[enterprise.pk]), {"name": "X"})

    # then
    assert (create.status_code, edit.status_code) == (403, 403)
    enterprise.refresh_from_db()
    assert enterprise.name != "X"


def test_edit_out_of_scope_is_404(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_b, name="保店企业")
    login(client, world, "town_a")

    # when
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(world, uscc=enterprise.uscc, name="X", version=1),
    )

    # then
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.name == "保店企业"


def test_edit_saves_and_audits(world: Any, client: Client) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, name="旧名有限公司")
    login(client, world, "town_a")
    page = client.get(reverse("enterprises:edit", args=[enterprise.pk]))
    assert 'name="version" value="1"' in page.content.decode()

    # when
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(world, uscc=enterprise.uscc, name="新名有限公司", version=1),
    )

    # then
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("新名有限公司", 2)
    audit = AuditLog.objects.get(object_id=str(enterprise.pk), action="update")
    assert (audit.before["name"], audit.after["name"]) == ("旧名有限公司", "新名有限公司")


def test_stale_edit_is_refused_with_a_message_and_nothing_changes(
    world: Any, client: Client
) -> None:
    # given: a colleague saved version 2 while our form still carries version 1
    enterprise = EnterpriseFactory(region=world.town_a, name="原名有限公司")
    login(client, world, "admin")
    client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(world, uscc=enterprise.uscc, name="同事改的名", version=1),
    )
    login(client, world, "town_a")

    # when
    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        form_data(world, uscc=enterprise.uscc, name="我改的名", version=1),
    )

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this record" in html or "其他人" in html
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("同事改的名", 2)
    assert AuditLog.objects.filter(object_id=str(enterprise.pk)).count() == 1


def test_form_lists_industries_and_keeps_former_names(world: Any, client: Client) -> None:
    # given
    code, _created = IndustryCode.objects.get_or_create(
        code="C34", defaults={"name": "通用设备制造业", "level": "division"}
    )
    login(client, world, "admin")

    # when
    response = client.post(
        reverse("enterprises:create"),
        form_data(world, industry=code.pk, former_names="老厂\n\n老厂\n二厂"),
    )

    # then
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.industry == code
    assert enterprise.former_names == ["老厂", "二厂"]
