"""Writes to the register: scope, version check, audit row, cascades."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from jinmu.chains.tests.factories import EnterpriseNodeFactory
from jinmu.core.models import AuditLog
from jinmu.core.services import StaleObjectError
from jinmu.enterprises.models import AnnualFigures, Enterprise, Qualification
from jinmu.enterprises.services import (
    create_enterprise,
    delete_qualification,
    save_annual_figures,
    save_qualification,
    update_enterprise,
)
from jinmu.enterprises.tests.factories import (
    AnnualFiguresFactory,
    EnterpriseFactory,
    QualificationFactory,
    QualificationKindFactory,
    make_uscc,
)


def audit_rows(obj: Any) -> list[AuditLog]:
    """Audit rows of one object, oldest first."""
    content_type = ContentType.objects.get_for_model(obj)
    return list(
        AuditLog.objects.filter(content_type=content_type, object_id=str(obj.pk)).order_by("id")
    )


def new_data(world: Any, **overrides: Any) -> dict[str, Any]:
    """Valid data for a new enterprise in town A."""
    data: dict[str, Any] = {
        "uscc": make_uscc(900001),
        "name": "宁津健身器材有限公司",
        "region": world.town_a,
        "scale": "above",
        "status": "operating",
    }
    data.update(overrides)
    return data


def test_create_is_audited_with_after_and_normalised_code(world: Any) -> None:
    # given
    code = make_uscc(900001)
    pasted = f" {code[:9]} {code[9:].lower()} "

    # when
    enterprise = create_enterprise(actor=world.user("industry"), data=new_data(world, uscc=pasted))

    # then
    assert enterprise.uscc == code
    assert enterprise.name_initials == "njjsqcyxgs"
    (row,) = audit_rows(enterprise)
    assert row.action == "create"
    assert row.before is None
    assert row.after["uscc"] == code
    assert row.after["region_id"] == world.town_a.code
    assert row.actor == world.user("industry")


def test_update_bumps_version_and_audits_before_and_after(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a, name="旧名称有限公司")

    # when
    updated = update_enterprise(
        actor=world.user("town_a"),
        enterprise=enterprise,
        data={"name": "新名称有限公司", "scale": "above"},
        expected_version=1,
    )

    # then
    assert updated.version == 2
    assert updated.former_names == ["旧名称有限公司"]  # a rename keeps the old name findable
    (row,) = audit_rows(enterprise)
    assert row.action == "update"
    assert row.before["name"] == "旧名称有限公司"
    assert row.after["name"] == "新名称有限公司"
    assert row.before["version"] == 1
    assert row.after["version"] == 2


def test_stale_update_is_refused_and_nothing_changes(world: Any) -> None:
    # given: someone saved after the form was opened on version 1
    enterprise = EnterpriseFactory(region=world.town_a, name="原名有限公司")
    update_enterprise(actor=world.user("admin"), enterprise=enterprise, data={"scale": "above"})

    # when
    with pytest.raises(StaleObjectError):
        update_enterprise(
            actor=world.user("town_a"),
            enterprise=enterprise,
            data={"name": "覆盖有限公司"},
            expected_version=1,
        )

    # then
    enterprise.refresh_from_db()
    assert enterprise.name == "原名有限公司"
    assert enterprise.version == 2
    assert len(audit_rows(enterprise)) == 1


@pytest.mark.parametrize("persona", ["leader", "department", "chain", "enterprise", "auditor"])
def test_read_only_roles_cannot_write(persona: str, world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)

    # when / then
    with pytest.raises(PermissionDenied):
        create_enterprise(actor=world.user(persona), data=new_data(world))
    with pytest.raises(PermissionDenied):
        update_enterprise(actor=world.user(persona), enterprise=enterprise, data={"name": "X"})
    assert not Enterprise.objects.filter(uscc=make_uscc(900001)).exists()
    assert AuditLog.objects.count() == 0


def test_town_creates_only_in_its_town(world: Any) -> None:
    # when
    with pytest.raises(ValidationError) as info:
        create_enterprise(actor=world.user("town_a"), data=new_data(world, region=world.town_b))

    # then
    assert "region" in info.value.message_dict
    assert not Enterprise.objects.exists()
    assert AuditLog.objects.count() == 0


def test_town_cannot_edit_another_towns_enterprise(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_b, name="保店企业")

    # when
    with pytest.raises(PermissionDenied):
        update_enterprise(actor=world.user("town_a"), enterprise=enterprise, data={"name": "X"})

    # then
    enterprise.refresh_from_db()
    assert enterprise.name == "保店企业"


def test_town_cannot_move_its_enterprise_to_another_town(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)

    # when
    with pytest.raises(ValidationError):
        update_enterprise(
            actor=world.user("town_a"), enterprise=enterprise, data={"region": world.town_b}
        )

    # then
    enterprise.refresh_from_db()
    assert enterprise.region_id == world.town_a.code


def test_park_records_in_its_park_and_the_town_follows(world: Any) -> None:
    # when: the park only names itself; the county is given as the place
    enterprise = create_enterprise(
        actor=world.user("park"), data=new_data(world, region=world.county, park=world.park)
    )

    # then
    assert enterprise.park == world.park
    assert enterprise.region_id == world.town_a.code


def test_park_cannot_record_outside_its_park(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        create_enterprise(actor=world.user("park"), data=new_data(world))
    assert "park" in info.value.message_dict


def test_park_in_another_town_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        create_enterprise(
            actor=world.user("admin"), data=new_data(world, region=world.town_b, park=world.park)
        )
    assert "park" in info.value.message_dict


def test_bad_credit_code_names_the_expected_check_character(world: Any) -> None:
    # given
    good = make_uscc(900001)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")

    # when
    with pytest.raises(ValidationError) as info:
        create_enterprise(actor=world.user("admin"), data=new_data(world, uscc=wrong))

    # then
    assert good[17] in info.value.message_dict["uscc"][0]


def test_duplicate_credit_code_is_refused(world: Any) -> None:
    # given
    existing = EnterpriseFactory(region=world.town_b)

    # when
    with pytest.raises(ValidationError) as info:
        create_enterprise(actor=world.user("town_a"), data=new_data(world, uscc=existing.uscc))

    # then
    assert "uscc" in info.value.message_dict


def test_moving_an_enterprise_moves_its_child_rows(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    figures = AnnualFiguresFactory(enterprise=enterprise)
    qualification = QualificationFactory(enterprise=enterprise)
    link = EnterpriseNodeFactory(enterprise=enterprise)

    # when
    update_enterprise(
        actor=world.user("industry"), enterprise=enterprise, data={"region": world.town_b}
    )

    # then
    for row in (figures, qualification, link):
        row.refresh_from_db()
        assert row.region_id == world.town_b.code
    assert AnnualFigures.objects.for_user(world.user("town_b")).filter(pk=figures.pk).exists()


def test_save_annual_figures_creates_then_updates_with_audit(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    actor = world.user("town_a")

    # when
    figures = save_annual_figures(
        actor=actor,
        enterprise=enterprise,
        data={"year": 2024, "operating_revenue": Decimal("25000000.00"), "employees": 80},
    )
    figures = save_annual_figures(
        actor=actor,
        enterprise=enterprise,
        figures=figures,
        data={"operating_revenue": Decimal("26000000.00")},
        expected_version=1,
    )

    # then
    assert figures.region_id == world.town_a.code
    assert figures.version == 2
    created, updated = audit_rows(figures)
    assert (created.action, updated.action) == ("create", "update")
    assert updated.before["operating_revenue"] == "25000000.00"
    assert updated.after["operating_revenue"] == "26000000.00"


def test_figures_for_the_same_year_twice_are_refused(world: Any) -> None:
    # given
    existing = AnnualFiguresFactory(enterprise=EnterpriseFactory(region=world.town_a), year=2024)

    # when / then
    with pytest.raises(ValidationError):
        save_annual_figures(
            actor=world.user("admin"), enterprise=existing.enterprise, data={"year": 2024}
        )
    assert AnnualFigures.objects.count() == 1


def test_stale_figures_update_changes_nothing(world: Any) -> None:
    # given
    figures = AnnualFiguresFactory(enterprise=EnterpriseFactory(region=world.town_a), version=3)

    # when
    with pytest.raises(StaleObjectError):
        save_annual_figures(
            actor=world.user("admin"),
            enterprise=figures.enterprise,
            figures=figures,
            data={"employees": 1},
            expected_version=2,
        )

    # then
    figures.refresh_from_db()
    assert figures.employees == 120
    assert AuditLog.objects.count() == 0


def test_save_and_delete_qualification_are_audited(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_a)
    kind = QualificationKindFactory()
    actor = world.user("town_a")

    # when
    qualification = save_qualification(
        actor=actor,
        enterprise=enterprise,
        data={
            "kind": kind,
            "granted_on": dt.date(2024, 1, 1),
            "valid_until": dt.date(2026, 12, 31),
        },
    )
    pk = qualification.pk
    delete_qualification(actor=actor, qualification=qualification, expected_version=1)

    # then
    assert not Qualification.objects.filter(pk=pk).exists()
    content_type = ContentType.objects.get_for_model(Qualification)
    rows = list(AuditLog.objects.filter(content_type=content_type, object_id=str(pk)))
    assert sorted(r.action for r in rows) == ["create", "delete"]
    deleted = next(r for r in rows if r.action == "delete")
    assert deleted.before["kind_id"] == kind.pk
    assert deleted.after is None
    assert qualification.level == "national"  # taken from the kind's default level


def test_qualification_validity_cannot_end_before_grant(world: Any) -> None:
    with pytest.raises(ValidationError) as info:
        save_qualification(
            actor=world.user("admin"),
            enterprise=EnterpriseFactory(region=world.town_a),
            data={
                "kind": QualificationKindFactory(),
                "granted_on": dt.date(2025, 1, 1),
                "valid_until": dt.date(2024, 1, 1),
            },
        )
    assert "valid_until" in info.value.message_dict


def test_child_rows_of_another_town_are_refused(world: Any) -> None:
    # given
    enterprise = EnterpriseFactory(region=world.town_b)

    # when / then
    with pytest.raises(PermissionDenied):
        save_annual_figures(actor=world.user("town_a"), enterprise=enterprise, data={"year": 2024})
    assert AnnualFigures.objects.count() == 0
