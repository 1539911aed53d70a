"""API tokens (issue 9): expiry, revocation by the owner and the security administrator, revoked
on password change and web sign-out; only the digest is stored; every issue and revoke audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinmu.core.choices import AuditAction, Role
from jinmu.core.models import ApiToken, AuditLog, Region
from jinmu.core.tests.factories import PASSWORD, UserFactory, user_with
from jinmu.core.tokens import issue_token

TOKENS = "/api/v1/auth/tokens/"
NEW = "Xin@mima2026ab"


def api_with(key: str) -> APIClient:
    """An API client sending the token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(client: Any, username: str, **extra: Any) -> Any:
    """POST the token endpoint with the right password."""
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": PASSWORD, **extra},
        content_type="application/json",
    )


def test_issued_token_expires_and_only_its_digest_is_stored(
    client: Client, world: Any, settings: Any
) -> None:
    # given a 2-hour lifetime
    settings.JINMU_TOKEN_TTL_HOURS = 2
    # when
    response = obtain(client, "t-industry", name="报表脚本")
    # then
    body = response.json()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in str(ApiToken.objects.values().get())
    assert token.name == "报表脚本"
    expected = timezone.now() + dt.timedelta(hours=2)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert dt.datetime.fromisoformat(body["expires_at"]) == token.expires_at
    # and the issue is audited without the key
    entry = AuditLog.objects.get(action=AuditAction.TOKEN_ISSUE)
    assert entry.actor == world.user("industry")
    assert body["token"] not in str(entry.detail)


def test_an_expired_token_is_refused_in_chinese(world: Any) -> None:
    # given
    token, key = issue_token(user=world.user("industry"))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # when
    response = api_with(key).get(TOKENS)
    # then
    assert response.status_code == 401
    assert response.json()["detail"] == "该令牌已过期，请重新申请。"


def test_an_unknown_token_is_refused(world: Any) -> None:
    assert api_with("not-a-token").get(TOKENS).status_code == 401


def test_the_owner_lists_and_revokes_a_token_over_the_api(world: Any) -> None:
    # given two tokens of the industry user and one of someone else
    _first, key = issue_token(user=world.user("industry"), name="a")
    second, _key = issue_token(user=world.user("industry"), name="b")
    issue_token(user=world.user("leader"))
    client = api_with(key)
    # when
    listed = client.get(TOKENS).json()["results"]
    deleted = client.delete(f"{TOKENS}{second.pk}/")
    # then only their own are listed, newest first, without the key
    assert [row["name"] for row in listed] == ["b", "a"]
    assert "digest" not in listed[0]
    assert deleted.status_code == 204
    assert api_with(_key).get(TOKENS).status_code == 401
    assert api_with(_key).get(TOKENS).json()["detail"] == "该令牌已被吊销。"
    second.refresh_from_db()
    assert second.revoked_by == world.user("industry")
    assert AuditLog.objects.filter(action=AuditAction.TOKEN_REVOKE, object_id=str(second.pk))


def test_another_users_token_is_404(world: Any) -> None:
    # given
    _mine, key = issue_token(user=world.user("industry"))
    theirs, _theirs_key = issue_token(user=world.user("leader"))
    # when
    response = api_with(key).delete(f"{TOKENS}{theirs.pk}/")
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_security_admin_revokes_tokens_in_their_region_only(world: Any) -> None:
    # given a token in the county and one of a user of another county
    in_region, _key = issue_token(user=world.user("town_a"))
    elsewhere = Region.objects.create(code="371423", name="庆云县", level="county")
    outsider = UserFactory(username="other-county", region=elsewhere)
    out_of_region, _other = issue_token(user=outsider)
    client = APIClient()
    client.force_authenticate(world.user("security"))
    # when / then
    assert client.delete(f"{TOKENS}{out_of_region.pk}/").status_code == 404
    assert client.delete(f"{TOKENS}{in_region.pk}/").status_code == 204
    in_region.refresh_from_db()
    assert in_region.revoked_by == world.user("security")


def test_password_change_revokes_tokens(client: Client, world: Any) -> None:
    # given a token, and the same user signed in on the web
    user = world.user("town_a")
    _token, key = issue_token(user=user)
    client.force_login(user)
    # when they change their password
    response = client.post(
        reverse("account_password"),
        {
            "old_password": PASSWORD,
            "new_password1": "Xin@mima2026ab",
            "new_password2": "Xin@mima2026ab",
        },
    )
    # then the token no longer works
    assert response.status_code == 302
    assert api_with(key).get(TOKENS).status_code == 401


def test_web_sign_out_revokes_tokens(client: Client, world: Any) -> None:
    # given
    user = world.user("town_a")
    _token, key = issue_token(user=user)
    client.force_login(user)
    # when
    client.post(reverse("logout"))
    # then
    assert api_with(key).get(TOKENS).status_code == 401
    logout = AuditLog.objects.get(action=AuditAction.LOGOUT)
    assert logout.actor == user
    assert logout.detail["tokens_revoked"] == 1


def test_last_used_is_written_at_most_once_a_minute(world: Any) -> None:
    # given
    token, key = issue_token(user=world.user("industry"))
    client = api_with(key)
    # when
    client.get(TOKENS)
    token.refresh_from_db()
    first = token.last_used_at
    client.get(TOKENS)
    token.refresh_from_db()
    # then
    assert first is not None
    assert token.last_used_at == first
    # and a minute later it moves
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get(TOKENS)
    token.refresh_from_db()
    assert token.last_used_at > first - dt.timedelta(minutes=1)


def test_token_page_lists_and_revokes_own_tokens(client: Client, world: Any) -> None:
    # given
    user = world.user("town_a")
    token, _key = issue_token(user=user, name="周报上传")
    other, _other_key = issue_token(user=world.user("town_b"), name="别人的")
    client.force_login(user)
    # when
    page = client.get(reverse("account_tokens")).content.decode()
    revoked = client.post(reverse("account_token_revoke", args=[token.pk]))
    foreign = client.post(reverse("account_token_revoke", args=[other.pk]))
    # then
    assert "周报上传" in page
    assert token.prefix in page
    assert "别人的" not in page
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert foreign.status_code == 404


def test_token_admin_page_is_for_the_security_admin(client: Client, world: Any) -> None:
    # given
    token, _key = issue_token(user=world.user("town_a"), name="镇里的脚本")
    # when
    client.force_login(world.user("town_a"))
    refused = client.get(reverse("token_admin"))
    client.force_login(world.user("security"))
    page = client.get(reverse("token_admin")).content.decode()
    revoked = client.post(reverse("token_admin_revoke", args=[token.pk]))
    # then
    assert refused.status_code == 403
    assert "镇里的脚本" in page
    assert "t-town-a" in page
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == world.user("security")


@pytest.mark.parametrize("role", [Role.TOWN, Role.ENTERPRISE])
def test_every_user_gets_tokens(client: Client, world: Any, role: Role) -> None:
    user_with(role, username=f"tok-{role.value}")
    assert obtain(client, f"tok-{role.value}").status_code == 200
