"""Sign-in page, password rules and API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from jinmu.core.tests.factories import PASSWORD


def test_login_page_is_in_chinese(client: Any, db: Any) -> None:
    # when
    response = client.get(reverse("login"))
    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录" in body
    assert 'lang="zh-hans"' in body


def test_wrong_password_says_so_in_chinese(client: Any, world: Any) -> None:
    # when
    response = client.post(reverse("login"), {"username": "t-leader", "password": "nope"})
    # then
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_login_then_home(client: Any, world: Any) -> None:
    # when
    response = client.post(
        reverse("login"), {"username": "t-leader", "password": PASSWORD}, follow=True
    )
    # then
    assert response.status_code == 200
    assert response.context["user"].username == "t-leader"


def test_pages_need_a_login(client: Any, db: Any) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "password",
    [
        "Short@1a",  # too short
        "alllowercaseletters",  # one class only
        "lowercase12345678",  # two classes
        "123456789012345",  # digits only
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_passes() -> None:
    validate_password("Jinmu@demo2026")


def test_token_for_good_credentials(client: Any, world: Any) -> None:
    # when
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "t-industry", "password": PASSWORD},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) >= 40
    assert response.json()["expires_at"]
    # and the token authenticates API calls
    follow = client.get("/api/v1/auth/tokens/", HTTP_AUTHORIZATION=f"Token {token}")
    assert follow.status_code == 200


def test_token_refused_for_bad_credentials(client: Any, world: Any) -> None:
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "t-industry", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_request_missing_fields_is_400_per_field(client: Any, db: Any) -> None:
    response = client.post("/api/v1/auth/token/", {}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}
