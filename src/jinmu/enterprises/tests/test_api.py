"""/api/v1/ enterprises, annual figures and qualifications: pages, filters, writes, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from jinmu.core.models import AuditLog
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification
from jinmu.enterprises.tests.factories import (
    AnnualFiguresFactory,
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
    make_uscc,
)
from jinmu.enterprises.tests.test_views import populate

ENTERPRISES = "/api/v1/enterprises/"
FIGURES = "/api/v1/annual-figures/"
QUALIFICATIONS = "/api/v1/qualifications/"


def api_as(world: Any, persona: str) -> APIClient:
    """An API client signed in as a persona."""
    client = APIClient()
    client.force_authenticate(world.user(persona))
    return client


def payload(world: Any, **overrides: Any) -> dict[str, Any]:
    """A valid new enterprise in town A."""
    data: dict[str, Any] = {
        "uscc": make_uscc(800001),
        "name": "宁津健身器材有限公司",
        "region": world.town_a.code,
        "scale": "above",
    }
    data.update(overrides)
    return data


# --- enterprises: reading -----------------------------------------------------------------------


def test_list_is_paged_with_results_and_next(world: Any) -> None:
    # given
    for i in range(5):
        EnterpriseFactory(name=f"企业{i}", region=world.town_a)
    api = api_as(world, "admin")

    # when
    first = api.get(ENTERPRISES, {"page_size": 3}).json()
    second = api.get(first["next"]).json()

    # then
    assert set(first) == {"next", "results"}
    assert len(first["results"]) == 3
    assert len(second["results"]) == 2
    assert second["next"] is None
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 5


def test_list_takes_the_page_filters_and_q(world: Any) -> None:
    # given
    EnterpriseFactory(name="宁津健身器材有限公司", region=world.town_a, scale="above")
    EnterpriseFactory(name="宁津健身器械有限公司", region=world.town_b, scale="above")
    EnterpriseFactory(name="德州电梯有限公司", region=world.town_a)
    api = api_as(world, "industry")

    # when
    by_initials = api.get(ENTERPRISES, {"q": "njjs"}).json()["results"]
    combined = api.get(ENTERPRISES, {"q": "njjs", "town": world.town_a.code}).json()["results"]

    # then
    assert {r["name"] for r in by_initials} == {"宁津健身器材有限公司", "宁津健身器械有限公司"}
    assert [r["name"] for r in combined] == ["宁津健身器材有限公司"]


def test_detail_shape_has_version_and_money_free_master_data(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, park=world.park)
    api = api_as(world, "town_a")

    # when
    data = api.get(f"{ENTERPRISES}{enterprise.pk}/").json()

    # then
    assert data["uscc"] == enterprise.uscc
    assert data["version"] == 1
    assert data["region"] == world.town_a.code
    assert data["park"] == world.park.pk
    assert data["park_name"] == world.park.name
    assert "expected_version" not in data


@pytest.mark.parametrize("persona", ["admin", "town_a", "chain"])
@pytest.mark.parametrize("url", [ENTERPRISES, FIGURES, QUALIFICATIONS])
def test_list_query_count_does_not_grow_with_rows(
    persona: str, url: str, world: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    populate(world, 5)
    api = api_as(world, persona)
    with CaptureQueriesContext(connection) as context:
        response = api.get(url)
    assert len(response.json()["results"]) > 0
    few = len(context)
    populate(world, 25)

    # when / then
    with django_assert_max_num_queries(few):
        assert len(api.get(url).json()["results"]) > 5
    assert few <= 8


# --- enterprises: writing -----------------------------------------------------------------------


def test_create_is_audited(world: Any) -> None:
    # given
    api = api_as(world, "town_a")

    # when
    response = api.post(ENTERPRISES, payload(world), format="json")

    # then
    assert response.status_code == 201, response.json()
    created = Enterprise.objects.get(pk=response.json()["id"])
    assert response.json()["version"] == 1
    audit = AuditLog.objects.get(object_id=str(created.pk))
    assert (audit.action, audit.before, audit.after["name"]) == (
        "create",
        None,
        "宁津健身器材有限公司",
    )


def test_bad_credit_code_is_400_on_the_field(world: Any) -> None:
    # given
    good = make_uscc(800001)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    api = api_as(world, "admin")

    # when
    response = api.post(ENTERPRISES, payload(world, uscc=wrong), format="json")

    # then
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["uscc"]
    assert isinstance(body["uscc"], list)
    assert good[17] in body["uscc"][0]
    assert not Enterprise.objects.exists()


def test_pasted_credit_code_is_normalised(world: Any) -> None:
    # given
    code = make_uscc(800001)
    api = api_as(world, "admin")

    # when
    response = api.post(ENTERPRISES, payload(world, uscc=f" {code.lower()} "), format="json")

    # then
    assert response.status_code == 201
    assert response.json()["uscc"] == code


def test_duplicate_credit_code_is_400(world: Any) -> None:
    # given
    existing = EnterpriseFactory(region=world.town_b)
    api = api_as(world, "admin")

    # when
    response = api.post(ENTERPRISES, payload(world, uscc=existing.uscc.lower()), format="json")

    # then
    assert response.status_code == 400
    assert "uscc" in response.json()


def test_town_cannot_create_in_another_town(world: Any) -> None:
    # when
    response = api_as(world, "town_a").post(
        ENTERPRISES, payload(world, region=world.town_b.code), format="json"
    )

    # then
    assert response.status_code == 400
    assert "region" in response.json()
    assert not Enterprise.objects.exists()


def test_partial_update_with_expected_version(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, name="旧名有限公司")
    api = api_as(world, "town_a")

    # when
    response = api.patch(
        f"{ENTERPRISES}{enterprise.pk}/",
        {"name": "新名有限公司", "expected_version": 1},
        format="json",
    )

    # then
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert response.json()["former_names"] == ["旧名有限公司"]
    audit = AuditLog.objects.get(object_id=str(enterprise.pk), action="update")
    assert (audit.before["name"], audit.after["name"]) == ("旧名有限公司", "新名有限公司")


def test_stale_update_is_409_and_changes_nothing(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, name="原名有限公司", version=3)
    api = api_as(world, "admin")

    # when
    response = api.patch(
        f"{ENTERPRISES}{enterprise.pk}/", {"name": "新名", "expected_version": 2}, format="json"
    )

    # then
    assert response.status_code == 409
    assert response.json()["expected_version"][0]
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("原名有限公司", 3)
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("method", ["patch", "put"])
def test_update_without_version_is_409_and_changes_nothing(world: Any, method: str) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, name="原名有限公司", version=3)
    api = api_as(world, "admin")
    body = payload(world, uscc=enterprise.uscc, name="新名有限公司")

    # when the client does not say which version it read
    response = getattr(api, method)(f"{ENTERPRISES}{enterprise.pk}/", body, format="json")

    # then
    assert response.status_code == 409
    assert response.json()["expected_version"][0]
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.version) == ("原名有限公司", 3)


def test_full_update_with_put(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    api = api_as(world, "industry")

    # when
    response = api.put(
        f"{ENTERPRISES}{enterprise.pk}/",
        {
            **payload(world, uscc=enterprise.uscc, name="整体更新有限公司", status="suspended"),
            "expected_version": enterprise.version,
        },
        format="json",
    )

    # then
    assert response.status_code == 200, response.json()
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.status) == ("整体更新有限公司", "suspended")


@pytest.mark.parametrize("persona", ["leader", "department", "chain", "enterprise"])
def test_read_only_roles_get_403_on_writes(persona: str, world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.county, name="原名")
    user = world.user("enterprise")
    user.enterprise = enterprise
    user.save()
    api = api_as(world, persona)

    # when
    created = api.post(ENTERPRISES, payload(world), format="json")
    changed = api.patch(f"{ENTERPRISES}{enterprise.pk}/", {"name": "X"}, format="json")

    # then
    assert (created.status_code, changed.status_code) == (403, 403)
    enterprise.refresh_from_db()
    assert enterprise.name == "原名"
    assert Enterprise.objects.count() == 1


def test_editor_out_of_scope_gets_404(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_b, name="保店企业")

    # when
    response = api_as(world, "town_a").patch(
        f"{ENTERPRISES}{enterprise.pk}/", {"name": "X"}, format="json"
    )

    # then
    assert response.status_code == 404
    enterprise.refresh_from_db()
    assert enterprise.name == "保店企业"


# --- annual figures -----------------------------------------------------------------------------


def test_figures_list_filters_by_enterprise_and_year(world: Any) -> None:
    # given
    first = EnterpriseFactory(region=world.town_a)
    second = EnterpriseFactory(region=world.town_a)
    AnnualFiguresFactory(enterprise=first, year=2024)
    AnnualFiguresFactory(enterprise=first, year=2025)
    AnnualFiguresFactory(enterprise=second, year=2025)
    api = api_as(world, "town_a")

    # when
    by_enterprise = api.get(FIGURES, {"enterprise": first.pk}).json()["results"]
    by_year = api.get(FIGURES, {"year": 2025}).json()["results"]

    # then
    assert [r["year"] for r in by_enterprise] == [2025, 2024]
    assert {r["enterprise"] for r in by_year} == {first.pk, second.pk}
    assert by_enterprise[0]["operating_revenue"] == "30000000.00"  # yuan, as a decimal string


def test_figures_create_and_update_are_audited(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    api = api_as(world, "town_a")

    # when
    created = api.post(
        FIGURES,
        {"enterprise": enterprise.pk, "year": 2024, "operating_revenue": "25000000.00"},
        format="json",
    )
    figures_id = created.json()["id"]
    updated = api.patch(
        f"{FIGURES}{figures_id}/",
        {"operating_revenue": "26000000.50", "expected_version": 1},
        format="json",
    )

    # then
    assert created.status_code == 201, created.json()
    assert updated.status_code == 200, updated.json()
    figures = AnnualFigures.objects.get(pk=figures_id)
    assert figures.operating_revenue == Decimal("26000000.50")
    assert figures.region_id == world.town_a.code
    actions = list(
        AuditLog.objects.filter(object_id=str(figures_id), content_type__model="annualfigures")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update"]


def test_figures_for_an_enterprise_out_of_scope_are_refused(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_b)

    # when
    response = api_as(world, "town_a").post(
        FIGURES, {"enterprise": enterprise.pk, "year": 2024}, format="json"
    )

    # then
    assert response.status_code == 400
    assert "enterprise" in response.json()
    assert not AnnualFigures.objects.exists()


def test_figures_cannot_move_to_another_enterprise(world: Any) -> None:
    # given
    figures = AnnualFiguresFactory(enterprise=EnterpriseFactory(region=world.town_a))
    other = EnterpriseFactory(region=world.town_a)

    # when
    response = api_as(world, "admin").patch(
        f"{FIGURES}{figures.pk}/",
        {"enterprise": other.pk, "expected_version": figures.version},
        format="json",
    )

    # then
    assert response.status_code == 400
    figures.refresh_from_db()
    assert figures.enterprise_id != other.pk


def test_figures_in_the_future_are_400(world: Any) -> None:
    # when
    response = api_as(world, "admin").post(
        FIGURES,
        {"enterprise": EnterpriseFactory(region=world.town_a).pk, "year": 2999},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert "year" in response.json()


# --- qualifications -----------------------------------------------------------------------------


def test_qualifications_list_filters_by_enterprise_and_kind(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    high_tech = QualificationKindFactory()
    cloud = QualificationKindFactory(code="cloud-test", name="上云测试")
    QualificationFactory(enterprise=enterprise, kind=high_tech)
    QualificationFactory(enterprise=enterprise, kind=cloud)
    QualificationFactory(enterprise=EnterpriseFactory(region=world.town_a), kind=cloud)
    api = api_as(world, "admin")

    # when
    by_kind = api.get(QUALIFICATIONS, {"kind": "cloud-test"}).json()["results"]
    by_enterprise = api.get(QUALIFICATIONS, {"enterprise": enterprise.pk}).json()["results"]

    # then
    assert len(by_kind) == 2
    assert {r["kind"] for r in by_enterprise} == {high_tech.code, "cloud-test"}
    assert by_enterprise[0]["expiry_state"] in ("valid", "expiring", "expired")


def test_qualification_create_update_and_delete(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    kind = QualificationKindFactory()
    api = api_as(world, "town_a")

    # when
    created = api.post(
        QUALIFICATIONS,
        {
            "enterprise": enterprise.pk,
            "kind": kind.code,
            "granted_on": "2025-01-01",
            "valid_until": "2027-12-31",
        },
        format="json",
    )
    pk = created.json()["id"]
    updated = api.patch(
        f"{QUALIFICATIONS}{pk}/",
        {"certificate_no": "GR2025370001", "expected_version": 1},
        format="json",
    )
    stale = api.delete(f"{QUALIFICATIONS}{pk}/?expected_version=1")
    deleted = api.delete(f"{QUALIFICATIONS}{pk}/?expected_version=2")

    # then
    assert created.status_code == 201, created.json()
    assert created.json()["level"] == "national"
    assert updated.status_code == 200, updated.json()
    assert updated.json()["certificate_no"] == "GR2025370001"
    assert stale.status_code == 409
    assert deleted.status_code == 204
    assert not Qualification.objects.filter(pk=pk).exists()
    actions = sorted(
        AuditLog.objects.filter(object_id=str(pk), content_type__model="qualification").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "delete", "update"]


def test_reader_cannot_write_qualifications(world: Any) -> None:
    # given
    qualification = QualificationFactory(enterprise=EnterpriseFactory(region=world.town_a))

    # when
    response = api_as(world, "leader").delete(f"{QUALIFICATIONS}{qualification.pk}/")

    # then
    assert response.status_code == 403
    assert Qualification.objects.filter(pk=qualification.pk).exists()


# --- schema -------------------------------------------------------------------------------------


def test_schema_generates(world: Any) -> None:
    # when
    response = api_as(world, "admin").get("/api/schema/", {"format": "json"})

    # then
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/enterprises/" in paths
    assert "/api/v1/annual-figures/{id}/" in paths
    assert "/api/v1/qualifications/" in paths
