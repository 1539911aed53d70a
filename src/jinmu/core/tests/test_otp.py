"""TOTP second factor (issue 9): required for the three administrators, optional for others,
asked at every sign-in and by the token endpoint; enrolment and removal audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog, User
from jinmu.core.tests.factories import PASSWORD

ADMIN_ROLES = ["system_admin", "security_admin", "audit_admin"]


@pytest.fixture
def required(settings: Any) -> None:
    """The production rule: the three administrators must use TOTP."""
    settings.JINMU_OTP_REQUIRED_ROLES = ADMIN_ROLES


def code(device: TOTPDevice) -> str:
    """The device's current code (its replay guard reset, so a test may use it again)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user: User) -> TOTPDevice:
    """A confirmed TOTP device of the user."""
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def sign_in(client: Client, username: str) -> Any:
    """The password step."""
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_the_real_settings_require_totp_for_the_three_administrators() -> None:
    import jinmu.settings as production

    assert sorted(production.JINMU_OTP_REQUIRED_ROLES) == sorted(ADMIN_ROLES)


@pytest.mark.parametrize("persona", ["admin", "security", "auditor"])
def test_an_administrator_must_enrol_at_first_sign_in(
    client: Client, world: Any, required: None, persona: str
) -> None:
    # when the administrator has given the right password
    response = sign_in(client, world.user(persona).username)
    # then they are sent to enrol, and nothing else opens until they do
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_otp_setup"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("account_otp_setup"))
    assert client.get(reverse("audit_log")).status_code == 302
    assert client.get(reverse("account_password")).status_code == 302


def test_enrolment_page_draws_the_qr_code_without_inline_script_or_style(
    client: Client, world: Any, required: None
) -> None:
    # given
    sign_in(client, "t-admin")
    # when
    body = client.get(reverse("account_otp_setup")).content.decode()
    # then
    assert "<svg" in body
    assert "<script>" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "style=" not in body
    assert "设置双因素登录" in body


def test_enrolment_with_the_first_code_opens_the_site_and_is_audited(
    client: Client, world: Any, required: None
) -> None:
    # given the administrator on the enrolment page
    sign_in(client, "t-auditor")
    client.get(reverse("account_otp_setup"))
    device = TOTPDevice.objects.get(user=world.user("auditor"))
    assert not device.confirmed
    # when a wrong code, then the right one, is entered
    wrong = client.post(reverse("account_otp_setup"), {"otp": "000000"})
    right = client.post(reverse("account_otp_setup"), {"otp": code(device)})
    # then
    assert "验证码错误或已过期" in wrong.content.decode()
    assert right.status_code == 302
    assert client.get(reverse("audit_log")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditLog.objects.filter(action=AuditAction.OTP_ENROL, actor=world.user("auditor"))


def test_an_enrolled_administrator_gives_a_code_at_each_sign_in(
    client: Client, world: Any, required: None
) -> None:
    # given
    device = enrolled(world.user("security"))
    # when the password is right
    response = sign_in(client, "t-security")
    # then the code is asked for, and a wrong one is a failed sign-in
    assert response["Location"].startswith(reverse("account_otp_verify"))
    wrong = client.post(reverse("account_otp_verify"), {"otp": "123456"})
    assert "验证码错误或已过期" in wrong.content.decode()
    failed = AuditLog.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_name == "t-security"
    assert failed.detail["factor"] == "totp"
    # and the right one lets them in
    right = client.post(reverse("account_otp_verify") + "?next=/audit/", {"otp": code(device)})
    assert right.status_code == 302
    assert client.get(reverse("home")).status_code in (200, 302)
    assert client.get(reverse("account")).status_code == 200
    methods = list(
        AuditLog.objects.filter(action=AuditAction.LOGIN).values_list("detail__method", flat=True)
    )
    assert sorted(methods) == ["password", "totp"]


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    client: Client, world: Any, required: None
) -> None:
    # given a signed-in administrator at the code step
    enrolled(world.user("admin"))
    sign_in(client, "t-admin")
    # when five wrong codes are entered
    responses = [client.post(reverse("account_otp_verify"), {"otp": "111111"}) for _ in range(5)]
    # then the account is locked and the half-open session ended
    assert responses[-1].status_code == 429
    assert "账号已被锁定" in responses[-1].content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), "t-admin").status_code == 429


def test_token_endpoint_asks_administrators_for_a_code(
    client: Client, world: Any, required: None
) -> None:
    def obtain(username: str, **extra: Any) -> Any:
        return client.post(
            "/api/v1/auth/token/",
            {"username": username, "password": PASSWORD, **extra},
            content_type="application/json",
        )

    # given one administrator without a device and one with
    device = enrolled(world.user("security"))
    # then
    no_device = obtain("t-admin")
    assert no_device.status_code == 403
    assert "请先在网页端" in no_device.json()["otp"][0]
    assert "otp" in obtain("t-security").json()
    assert obtain("t-security", otp="000000").status_code == 400
    assert obtain("t-security", otp=code(device)).status_code == 200


def test_a_user_who_turned_totp_on_needs_it_for_tokens_too(client: Client, world: Any) -> None:
    # given an ordinary user with a device (second factor not required for their role)
    device = enrolled(world.user("town_a"))
    # when / then
    body = {"username": "t-town-a", "password": PASSWORD}
    assert (
        client.post("/api/v1/auth/token/", body, content_type="application/json").status_code == 400
    )
    body["otp"] = code(device)
    assert (
        client.post("/api/v1/auth/token/", body, content_type="application/json").status_code == 200
    )


def test_an_ordinary_user_turns_totp_on_and_off(client: Client, world: Any) -> None:
    # given an ordinary user, signed in with the password only
    assert sign_in(client, "t-town-a")["Location"] == reverse("home")
    assert "启用双因素登录" in client.get(reverse("account")).content.decode()
    # when they enrol
    client.get(reverse("account_otp_setup"))
    device = TOTPDevice.objects.get(user=world.user("town_a"))
    client.post(reverse("account_otp_setup"), {"otp": code(device)})
    # then the next sign-in asks for the code
    client.post(reverse("logout"))
    assert sign_in(client, "t-town-a")["Location"].startswith(reverse("account_otp_verify"))
    client.post(reverse("account_otp_verify"), {"otp": code(device)})
    # when they turn it off with a current code
    client.post(reverse("account_otp_remove"), {"otp": code(device)})
    # then it is gone, audited, and the next sign-in needs only the password
    assert not TOTPDevice.objects.filter(user=world.user("town_a")).exists()
    assert AuditLog.objects.filter(action=AuditAction.OTP_ENROL).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.OTP_REMOVE).count() == 1
    client.post(reverse("logout"))
    assert sign_in(client, "t-town-a")["Location"] == reverse("home")


def test_an_administrator_cannot_turn_totp_off(client: Client, world: Any, required: None) -> None:
    # given a verified administrator
    device = enrolled(world.user("auditor"))
    sign_in(client, "t-auditor")
    client.post(reverse("account_otp_verify"), {"otp": code(device)})
    # when
    response = client.post(reverse("account_otp_remove"), {"otp": code(device)}, follow=True)
    # then
    assert "不能停用" in response.content.decode()
    assert TOTPDevice.objects.filter(user=world.user("auditor")).exists()


def test_an_unverified_session_gets_403_from_the_api(
    client: Client, world: Any, required: None
) -> None:
    # given
    sign_in(client, "t-admin")
    # when
    response = client.get("/api/v1/auth/tokens/")
    # then
    assert response.status_code == 403


def test_demo_logins_say_the_administrators_need_a_totp_app(required: None) -> None:
    from jinmu.demo.build import totp_note

    note = totp_note()
    assert "admin" in note
    assert "auditor" in note
    assert "security" in note
    assert "身份验证器" in note


def test_the_security_admin_resets_a_lost_device(
    client: Client, world: Any, required: None
) -> None:
    from jinmu.core.account import reset_devices

    # given an administrator who lost their phone
    enrolled(world.user("auditor"))
    # when the security administrator resets it
    reset_devices(user=world.user("auditor"), by=world.user("security"))
    # then the next sign-in asks to enrol again, and the reset is audited
    assert sign_in(client, "t-auditor")["Location"].startswith(reverse("account_otp_setup"))
    entry = AuditLog.objects.get(action=AuditAction.OTP_REMOVE)
    assert entry.actor == world.user("security")
    assert entry.object_id == str(world.user("auditor").pk)


def test_a_superuser_without_roles_needs_totp_too(
    client: Client, world: Any, required: None
) -> None:
    # given a superuser made with createsuperuser (no roles yet)
    User.objects.create_superuser("root", password=PASSWORD)
    # when / then
    assert sign_in(client, "root")["Location"].startswith(reverse("account_otp_setup"))
    assert client.get("/django-admin/")["Location"].startswith(reverse("account_otp_setup"))
