"""Organisation services: 三员分立, scope, self-protection, versions and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jinmu.conftest import World
from jinmu.core.choices import AuditAction, Role, UnitKind
from jinmu.core.models import ApiToken, AuditLog, Region, Unit, User
from jinmu.core.services import StaleObjectError
from jinmu.core.tests.factories import UnitFactory, town
from jinmu.organisation import services

GOOD_PASSWORD = "Initial#Pass2026"
PREFIX = "371422"


def _create(world: World, username: str, roles: list[str], **data: Any) -> User:
    return services.create_user(
        actor=world.user("security"),
        prefix=PREFIX,
        username=username,
        password=GOOD_PASSWORD,
        data={"roles": roles, **data},
    )


@pytest.mark.parametrize(
    "roles",
    [
        [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN],
        [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN],
        [Role.AUDIT_ADMIN, Role.COUNTY_LEADER],
        [Role.SYSTEM_ADMIN, Role.INDUSTRY_OFFICE],
    ],
)
def test_administrator_roles_stand_alone(world: World, roles: list[str]) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        _create(world, "two-hats", roles)
    # then
    assert "三员分立" in " ".join(caught.value.message_dict["roles"])
    assert not User.objects.filter(username="two-hats").exists()


def test_nobody_changes_their_own_roles(world: World) -> None:
    # given
    me = world.user("security")
    # when
    with pytest.raises(ValidationError) as caught:
        services.update_user(
            actor=me,
            user=me,
            prefix=PREFIX,
            data={"roles": [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]},
            expected_fingerprint=services.fingerprint(me),
        )
    # then
    assert "不能修改本人的角色" in " ".join(caught.value.message_dict["roles"])
    me.refresh_from_db()
    assert me.roles == [Role.SECURITY_ADMIN]


def test_nobody_moves_themselves_to_a_wider_region(world: World) -> None:
    # given
    me = world.user("security")
    province = Region.objects.get(code="370000")
    # when
    with pytest.raises(ValidationError):
        services.update_user(
            actor=me,
            user=me,
            prefix="37",
            data={"region": province},
            expected_fingerprint=services.fingerprint(me),
        )
    # then
    me.refresh_from_db()
    assert me.region_id == "371422"


def test_nobody_deactivates_themselves(world: World) -> None:
    # when
    with pytest.raises(ValidationError):
        services.set_user_active(
            actor=world.user("security"), user=world.user("security"), active=False
        )
    # then
    assert User.objects.get(pk=world.user("security").pk).is_active


def test_no_access_is_granted_above_the_administrators_region(world: World) -> None:
    # given a county administrator and the province
    province = Region.objects.get(code="370000")
    # when
    with pytest.raises(ValidationError) as caught:
        _create(world, "province-leader", [Role.COUNTY_LEADER], region=province)
    # then
    assert "所管辖的区划" in " ".join(caught.value.message_dict["region"])


def test_a_unit_of_another_county_cannot_be_given(world: World) -> None:
    # given
    other = Region.objects.create(code="371423", name="庆云县", level="county", parent_id="371400")
    foreign = UnitFactory(region=other, name="庆云县产业办", kind=UnitKind.INDUSTRY_OFFICE)
    # when
    with pytest.raises(ValidationError) as caught:
        _create(world, "spy", [Role.INDUSTRY_OFFICE], unit=foreign)
    # then
    assert "unit" in caught.value.message_dict


def test_a_town_user_needs_a_town_or_park_unit(world: World) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        _create(world, "town-x", [Role.TOWN], unit=world.industry_office)
    # then
    assert "unit" in caught.value.message_dict


def test_password_rules_of_the_settings_apply(world: World) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        services.create_user(
            actor=world.user("security"),
            prefix=PREFIX,
            username="weak",
            password="12345678",
            data={"roles": [Role.DEPARTMENT]},
        )
    # then
    assert caught.value.message_dict["password"]


def test_a_new_user_is_audited_with_their_roles(world: World) -> None:
    # when
    user = _create(world, "town-new", [Role.TOWN], unit=world.town_a_unit, display_name="张三")
    # then the region follows from the town unit, the password must be changed, all audited
    assert user.region_id == world.town_a.code
    assert user.password_changed_at is None
    assert user.check_password(GOOD_PASSWORD)
    created = AuditLog.objects.get(action=AuditAction.CREATE, object_id=str(user.pk))
    assert "password" not in created.after
    event = AuditLog.objects.get(action=AuditAction.PERMISSION_CHANGE, object_id=str(user.pk))
    assert event.detail["after"]["roles"] == [Role.TOWN]
    assert event.actor == world.user("security")


def test_a_role_change_records_before_and_after(world: World) -> None:
    # given
    target = world.user("department")
    # when
    services.update_user(
        actor=world.user("security"),
        user=target,
        prefix=PREFIX,
        data={"roles": [Role.COUNTY_LEADER], "unit": None},
        expected_fingerprint=services.fingerprint(target),
    )
    # then
    event = AuditLog.objects.get(action=AuditAction.PERMISSION_CHANGE, object_id=str(target.pk))
    assert event.detail["before"]["roles"] == [Role.DEPARTMENT]
    assert event.detail["after"]["roles"] == [Role.COUNTY_LEADER]


def test_a_stale_user_form_is_refused(world: World) -> None:
    # given two administrators open the same account
    target = world.user("department")
    opened = services.fingerprint(target)
    services.update_user(
        actor=world.user("security"),
        user=target,
        prefix=PREFIX,
        data={"display_name": "first"},
        expected_fingerprint=opened,
    )
    # when the second saves the form they opened before
    with pytest.raises(StaleObjectError):
        services.update_user(
            actor=world.user("security"),
            user=target,
            prefix=PREFIX,
            data={"display_name": "second"},
            expected_fingerprint=opened,
        )
    # then
    assert User.objects.get(pk=target.pk).display_name == "first"


def test_deactivation_revokes_api_tokens(world: World) -> None:
    # given
    target = world.user("industry")
    token = ApiToken.objects.create(
        user=target,
        digest="d" * 64,
        prefix="abcd",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    # when
    services.set_user_active(actor=world.user("security"), user=target, active=False)
    # then
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by == world.user("security")
    assert not User.objects.get(pk=target.pk).is_active


def test_a_password_reset_forces_a_change_and_revokes_tokens(world: World) -> None:
    # given
    target = world.user("industry")
    target.password_changed_at = timezone.now()
    target.save()
    ApiToken.objects.create(
        user=target,
        digest="e" * 64,
        prefix="abce",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    # when
    services.reset_password(actor=world.user("security"), user=target, password="Another#Pass2026")
    # then
    target.refresh_from_db()
    assert target.check_password("Another#Pass2026")
    assert target.password_changed_at is None
    assert not ApiToken.objects.filter(user=target, revoked_at__isnull=True).exists()
    assert AuditLog.objects.filter(
        action=AuditAction.PASSWORD_CHANGE, object_id=str(target.pk)
    ).exists()


def test_a_town_unit_governs_a_town_of_its_county(world: World) -> None:
    # when a town unit names no town
    with pytest.raises(ValidationError) as caught:
        services.create_unit(
            actor=world.user("security"),
            prefix=PREFIX,
            data={"region": world.county, "name": "某镇人民政府", "kind": UnitKind.TOWN},
        )
    # then
    assert "town_region" in caught.value.message_dict


def test_a_town_keeps_one_governing_unit(world: World) -> None:
    # when a second unit claims 大曹镇
    with pytest.raises(ValidationError) as caught:
        services.create_unit(
            actor=world.user("security"),
            prefix=PREFIX,
            data={
                "region": world.county,
                "name": "大曹镇政府（重复）",
                "kind": UnitKind.TOWN,
                "town_region": world.town_a,
            },
        )
    # then
    assert "town_region" in caught.value.message_dict


def test_a_court_is_a_unit_kind(world: World) -> None:
    # when
    court = services.create_unit(
        actor=world.user("security"),
        prefix=PREFIX,
        data={"region": world.county, "name": "宁津县人民法院", "kind": UnitKind.COURT},
    )
    # then
    assert court.get_kind_display()
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_id=str(court.pk)).exists()


def test_a_unit_in_use_is_deactivated_instead_of_deleted(world: World) -> None:
    # given the industry office has a user
    unit = world.industry_office
    # when
    deleted = services.remove_unit(
        actor=world.user("security"), unit=unit, expected_version=unit.version
    )
    # then
    assert deleted is False
    unit.refresh_from_db()
    assert unit.is_active is False


def test_an_unused_unit_is_deleted(world: World) -> None:
    # given
    unit = UnitFactory(name="临时专班")
    # when
    deleted = services.remove_unit(
        actor=world.user("security"), unit=unit, expected_version=unit.version
    )
    # then
    assert deleted is True
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(unit.pk)).exists()


def test_a_stale_unit_write_is_refused(world: World) -> None:
    # given
    unit = world.industry_office
    # when
    with pytest.raises(StaleObjectError):
        services.update_unit(
            actor=world.user("security"),
            unit=unit,
            prefix=PREFIX,
            data={"short_name": "产业办"},
            expected_version=unit.version + 5,
        )


def test_a_region_code_must_nest_in_a_known_region(world: World) -> None:
    # when a town of an unknown county is added
    with pytest.raises(ValidationError) as caught:
        services.create_region(
            actor=world.user("security"), code="371499101", name="某镇", prefix="3714"
        )
    # then
    assert "371499" in caught.value.message_dict["code"][0]


def test_a_region_outside_the_administrators_is_refused(world: World) -> None:
    # when
    with pytest.raises(ValidationError) as caught:
        services.create_region(
            actor=world.user("security"), code="371423", name="庆云县", prefix=PREFIX
        )
    # then
    assert "不在您所管辖的区划内" in caught.value.message_dict["code"][0]


def test_a_town_is_created_under_its_county(world: World) -> None:
    # when
    region = services.create_region(
        actor=world.user("security"), code="371422106000", name="大柳镇", prefix=PREFIX
    )
    # then
    assert (region.code, region.level, region.parent_id) == ("371422106", "town", "371422")


def test_a_region_in_use_is_not_deleted(world: World) -> None:
    # given
    town("371422109", "张大庄镇")
    # when
    with pytest.raises(ValidationError):
        services.delete_region(actor=world.user("security"), region=world.town_a)
    # then
    assert Region.objects.filter(code=world.town_a.code).exists()
    services.delete_region(
        actor=world.user("security"), region=Region.objects.get(code="371422109")
    )
    assert not Region.objects.filter(code="371422109").exists()


def test_control_characters_are_refused_in_names(world: World) -> None:
    # when
    with pytest.raises(ValidationError) as user_error:
        _create(world, "ctl", [Role.DEPARTMENT], region=world.county, display_name="张\x01三")
    with pytest.raises(ValidationError) as unit_error:
        services.create_unit(
            actor=world.user("security"),
            prefix=PREFIX,
            data={"region": world.county, "name": "统计\x0b局", "kind": UnitKind.DEPARTMENT},
        )
    with pytest.raises(ValidationError) as region_error:
        services.rename_region(actor=world.user("security"), region=world.town_a, name="大曹\x01镇")
    # then
    assert "display_name" in user_error.value.message_dict
    assert "name" in unit_error.value.message_dict
    assert "name" in region_error.value.message_dict
    assert not User.objects.filter(username="ctl").exists()
