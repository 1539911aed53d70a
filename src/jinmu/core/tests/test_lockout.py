"""Sign-in lockout (issue 9): per account on the login page and the token endpoint alike, a
higher ceiling per client address, and X-Forwarded-For believed only from trusted proxies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from jinmu.core.choices import AuditAction
from jinmu.core.clientip import client_ip
from jinmu.core.models import AuditLog
from jinmu.core.tests.factories import PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


def login_attempt(client: Client, username: str, password: str, **extra: Any) -> Any:
    """POST the sign-in form."""
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def token_attempt(client: Client, username: str, password: str, **extra: Any) -> Any:
    """POST the token endpoint."""
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused(
    client: Client, world: Any
) -> None:
    # given four wrong passwords: still the usual message
    for _ in range(4):
        response = login_attempt(client, "t-leader", "wrong-password")
        assert response.status_code == 200
    # when the fifth is wrong too
    fifth = login_attempt(client, "t-leader", "wrong-password")
    # then the account is locked, said in Chinese
    assert fifth.status_code == 429
    assert "账号已被锁定" in fifth.content.decode()
    # and the right password is refused while locked
    right = login_attempt(client, "t-leader", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_login_page_and_token_endpoint_share_one_counter(client: Client, world: Any) -> None:
    # given three failures on the page and two on the token endpoint
    for _ in range(3):
        login_attempt(client, "t-industry", "wrong-password")
    for _ in range(2):
        token_attempt(client, "t-industry", "wrong-password")
    # when the right password is sent to the token endpoint
    response = token_attempt(client, "t-industry", PASSWORD)
    # then it is refused with a message (API: 429 JSON)
    assert response.status_code == 429
    assert "账号已被锁定" in response.json()["detail"]
    # and on the page too
    assert login_attempt(client, "t-industry", PASSWORD).status_code == 429


def test_a_new_forwarded_for_header_per_request_does_not_escape_the_lockout(
    client: Client, world: Any
) -> None:
    # given a direct client (no trusted proxy) that invents X-Forwarded-For values
    for i in range(5):
        token_attempt(client, "t-industry", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1")
    # when it tries the right password with yet another header value
    response = token_attempt(client, "t-industry", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.99.1")
    # then it is locked out all the same
    assert response.status_code == 429


def test_the_old_forwarded_for_throttle_is_gone(client: Client, world: Any) -> None:
    # given 40 good token requests in a row (the old limit was 30/min per header value)
    for _ in range(40):
        response = token_attempt(client, "t-industry", PASSWORD)
        # then none is throttled: good sign-ins are not what the lockout counts
        assert response.status_code == 200


def test_a_good_sign_in_clears_the_account_failures(client: Client, world: Any) -> None:
    # given four failures, then the right password
    for _ in range(4):
        login_attempt(client, "t-town-a", "wrong-password")
    assert login_attempt(client, "t-town-a", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # when the user mistypes once more
    response = login_attempt(client, "t-town-a", "wrong-password")
    # then they are not locked (the counter started again)
    assert response.status_code == 200


def test_one_colleague_cannot_lock_out_the_whole_office(
    client: Client, world: Any, settings: Any
) -> None:
    # given one address (the office NAT) where a colleague locked their own account
    for _ in range(6):
        login_attempt(client, "t-town-a", "wrong-password")
    assert login_attempt(client, "t-town-a", PASSWORD).status_code == 429
    # when another user signs in from the same address
    response = login_attempt(Client(), "t-town-b", PASSWORD)
    # then they get in
    assert response.status_code == 302


def test_many_failures_from_one_address_pause_it(client: Client, world: Any, settings: Any) -> None:
    # given a lower address ceiling, sprayed over many accounts from one address
    settings.JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    for name in ["t-leader", "t-industry", "t-chain", "t-dept"]:
        for _ in range(3):
            login_attempt(client, name, "wrong-password")
    # when a user whose account has no failures signs in from that address
    from_there = login_attempt(Client(REMOTE_ADDR="127.0.0.1"), "t-town-b", PASSWORD)
    elsewhere = login_attempt(Client(REMOTE_ADDR="192.0.2.7"), "t-town-b", PASSWORD)
    # then the address is paused, but the account is not locked elsewhere
    assert from_there.status_code == 429
    assert "网络地址" in from_there.content.decode()
    assert elsewhere.status_code == 302


def test_failures_and_the_lockout_are_audited(client: Client, world: Any) -> None:
    # when someone tries six wrong passwords for t-leader and one for an unknown name
    for _ in range(6):
        login_attempt(client, "t-leader", "wrong-password")
    login_attempt(client, "nobody-here", "wrong-password")
    # then each failure is recorded under the name tried, and the lockout once
    failed = AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failed.filter(actor_name="t-leader").count() == 6
    assert failed.filter(actor_name="nobody-here").count() == 1
    assert failed.filter(actor_name="t-leader").first().region_id == world.county.code
    assert failed.first().remote_addr == "127.0.0.1"
    lockouts = AuditLog.objects.filter(action=AuditAction.LOCKOUT, actor_name="t-leader")
    assert lockouts.count() == 1
    assert lockouts.get().detail == {"by": "account"}


def test_good_sign_in_is_audited(client: Client, world: Any) -> None:
    # when
    login_attempt(client, "t-leader", PASSWORD)
    # then
    entry = AuditLog.objects.get(action=AuditAction.LOGIN)
    assert entry.actor == world.user("leader")
    assert entry.detail["method"] == "password"


# ------------------------------------------------------------------ the real client address


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        ("203.0.113.5", "10.0.0.1", [], "203.0.113.5"),  # not from a proxy: header ignored
        ("10.0.0.2", "198.51.100.9", ["10.0.0.2"], "198.51.100.9"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.9", ["10.0.0.0/24"], "198.51.100.9"),  # spoofed left
        ("10.0.0.2", "198.51.100.9, 10.0.0.3", ["10.0.0.0/24"], "198.51.100.9"),  # two proxies
        ("10.0.0.2", "not-an-address", ["10.0.0.2"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.2"], "10.0.0.2"),
    ],
)
def test_client_address(
    settings: Any, remote: str, forwarded: str, trusted: list[str], expected: str
) -> None:
    # given
    settings.JINMU_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    # then
    assert client_ip(request) == expected


def test_behind_a_trusted_proxy_each_client_has_its_own_address(
    client: Client, world: Any, settings: Any
) -> None:
    # given the proxy at 10.0.0.2 is trusted, and one client behind it failed 12 times
    settings.JINMU_TRUSTED_PROXIES = ["10.0.0.2"]
    settings.JINMU_LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for name in ["t-leader", "t-industry", "t-chain", "t-dept"]:
        for _ in range(3):
            login_attempt(client, name, "wrong", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    # when another client behind the same proxy signs in
    other = login_attempt(
        Client(), "t-town-b", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy
    )
    same = login_attempt(
        Client(), "t-town-b", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy
    )
    # then only the failing client's address is paused, and the audit names real addresses
    assert other.status_code == 302
    assert same.status_code == 429
    assert AuditLog.objects.filter(action=AuditAction.LOGIN_FAILED).first().remote_addr == (
        "198.51.100.1"
    )


def test_the_security_admin_unlocks_an_account_of_the_region(client: Client, world: Any) -> None:
    # given a locked town user
    for _ in range(5):
        login_attempt(Client(), "t-town-a", "wrong-password")
    assert login_attempt(Client(), "t-town-a", PASSWORD).status_code == 429
    # when a town user looks, they are refused; the security administrator sees and unlocks
    client.force_login(world.user("town_b"))
    assert client.get(reverse("lockout_admin")).status_code == 403
    client.force_login(world.user("security"))
    page = client.get(reverse("lockout_admin")).content.decode()
    unlock = client.post(reverse("lockout_admin_unlock", args=[world.user("town_a").pk]))
    again = client.post(reverse("lockout_admin_unlock", args=[world.user("town_a").pk]))
    # then
    assert "t-town-a" in page
    assert unlock.status_code == 302
    assert again.status_code == 404  # no longer locked
    assert login_attempt(Client(), "t-town-a", PASSWORD).status_code == 302
    entry = AuditLog.objects.get(action=AuditAction.UNLOCK)
    assert entry.actor == world.user("security")
