"""Sessions and passwords (issue 9): idle timeout and a shorter absolute lifetime, every user
changes their own password, expiry sends the user to the change page; all audited."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jinmu.core.account import AUTH_AT, SEEN_AT
from jinmu.core.choices import AuditAction
from jinmu.core.models import AuditLog
from jinmu.core.tests.factories import PASSWORD

NEW = "Xin@mima2026ab"


def age_session(client: Client, *, seen_minutes_ago: float, started_hours_ago: float = 0) -> None:
    """Move the session's clocks back."""
    session = client.session
    now = int(time.time())
    session[SEEN_AT] = now - int(seen_minutes_ago * 60)
    session[AUTH_AT] = now - int(started_hours_ago * 3600)
    session.save()


def test_thirty_idle_minutes_sign_the_user_out(client: Client, world: Any) -> None:
    # given a session last used 31 minutes ago
    client.force_login(world.user("leader"))
    age_session(client, seen_minutes_ago=31)
    # when
    response = client.get(reverse("home"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "30 分钟无操作" in page
    logout = AuditLog.objects.get(action=AuditAction.LOGOUT)
    assert logout.detail["reason"] == "idle"


def test_activity_within_the_idle_limit_keeps_the_session(client: Client, world: Any) -> None:
    # given
    client.force_login(world.user("leader"))
    age_session(client, seen_minutes_ago=29)
    # when
    response = client.get(reverse("home"))
    # then the user stays in and the last-seen stamp moves on
    assert response.status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5


def test_last_activity_is_written_at_most_once_a_minute(client: Client, world: Any) -> None:
    # given a session stamped 10 seconds ago
    client.force_login(world.user("leader"))
    age_session(client, seen_minutes_ago=10 / 60)
    stamped = client.session[SEEN_AT]
    # when
    client.get(reverse("home"))
    # then the session was not rewritten
    assert client.session[SEEN_AT] == stamped


def test_idle_timeout_is_configurable(client: Client, world: Any, settings: Any) -> None:
    settings.JINMU_IDLE_TIMEOUT_MINUTES = 5
    client.force_login(world.user("leader"))
    age_session(client, seen_minutes_ago=6)
    assert client.get(reverse("home")).status_code == 302


def test_a_session_ends_after_its_maximum_length(client: Client, world: Any) -> None:
    # given a busy session started 13 hours ago (default maximum 12)
    client.force_login(world.user("leader"))
    age_session(client, seen_minutes_ago=0.5, started_hours_ago=13)
    # when
    response = client.get(reverse("home"))
    # then
    assert response["Location"].startswith(reverse("login"))
    assert AuditLog.objects.get(action=AuditAction.LOGOUT).detail["reason"] == "lifetime"


def test_the_session_cookie_no_longer_lasts_two_weeks(settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_every_user_changes_their_own_password(client: Client, world: Any) -> None:
    # given a town user (no staff flag) signed in
    user = world.user("town_a")
    assert not user.is_staff
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("account_password") in home
    # when
    response = client.post(
        reverse("account_password"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    # then the new password works, the session stays, and it is audited
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert user.password_changed_at is not None
    assert client.get(reverse("home")).status_code == 200
    entry = AuditLog.objects.get(action=AuditAction.PASSWORD_CHANGE)
    assert entry.actor == user
    assert "password" not in str(entry.detail)


def test_a_wrong_old_password_or_weak_new_one_is_refused(client: Client, world: Any) -> None:
    client.force_login(world.user("town_a"))
    wrong = client.post(
        reverse("account_password"),
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    weak = client.post(
        reverse("account_password"),
        {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"},
    )
    assert wrong.status_code == 200
    assert "旧密码不正确" in wrong.content.decode()
    assert weak.status_code == 200
    assert not AuditLog.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


def test_an_expired_password_must_be_changed_first(
    client: Client, world: Any, settings: Any
) -> None:
    # given a 90-day rule and a password changed 91 days ago
    settings.JINMU_PASSWORD_MAX_AGE_DAYS = 90
    user = world.user("industry")
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save()
    client.force_login(user)
    # when
    response = client.get(reverse("enterprises:list"))
    # then the user is sent to the change page, which says why
    assert response["Location"].startswith(reverse("account_password"))
    assert "密码已过期" in client.get(response["Location"]).content.decode()
    # and after the change the site opens again
    client.post(
        reverse("account_password"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_passwords_never_expire_when_the_rule_is_zero(
    client: Client, world: Any, settings: Any
) -> None:
    settings.JINMU_PASSWORD_MAX_AGE_DAYS = 0
    user = world.user("industry")
    user.password_changed_at = timezone.now() - dt.timedelta(days=1000)
    user.save()
    client.force_login(user)
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_an_htmx_request_after_the_timeout_leaves_the_page(client: Client, world: Any) -> None:
    # given
    client.force_login(world.user("leader"))
    age_session(client, seen_minutes_ago=45)
    # when a fragment is requested
    response = client.get(reverse("home"), HTTP_HX_REQUEST="true")
    # then htmx is told to load the sign-in page
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_a_password_an_administrator_gave_is_changed_at_first_sign_in(
    client: Client, world: Any, settings: Any
) -> None:
    # given an account whose password the security administrator set (never changed by its owner)
    settings.JINMU_PASSWORD_MAX_AGE_DAYS = 0
    user = world.user("town_a")
    user.password_changed_at = None
    user.save()
    # when its owner signs in
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    page = client.get(reverse("enterprises:list"))
    # then they must choose their own password first, and are told why
    assert response.status_code == 302
    assert page["Location"].startswith(reverse("account_password"))
    assert "由管理员设置" in client.get(page["Location"]).content.decode()
    client.post(
        reverse("account_password"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert client.get(reverse("enterprises:list")).status_code == 200


def test_the_first_sign_in_rule_can_be_turned_off(
    client: Client, world: Any, settings: Any
) -> None:
    settings.JINMU_PASSWORD_CHANGE_AT_FIRST_SIGN_IN = False
    user = world.user("town_a")
    user.password_changed_at = None
    user.save()
    client.force_login(user)
    assert client.get(reverse("enterprises:list")).status_code == 200
