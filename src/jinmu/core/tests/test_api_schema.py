"""The OpenAPI document is valid OpenAPI 3, for signed-in users only; the docs need no CDN."""

from __future__ import annotations

import re
from typing import Any

import yaml
from openapi_spec_validator import validate

from jinmu.core.tests.factories import PASSWORD


def test_schema_is_valid_openapi3(client: Any, world: Any) -> None:
    # given
    client.force_login(world.user("industry"))
    # when
    response = client.get("/api/schema/")
    # then
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    validate(document)
    assert "/api/v1/auth/token/" in document["paths"]


def test_docs_page_uses_local_assets_only(client: Any, world: Any) -> None:
    client.force_login(world.user("industry"))
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in body
    for host in ("cdn.", "unpkg", "jsdelivr"):
        assert host not in body


def test_anonymous_gets_neither_schema_nor_docs(client: Any, world: Any) -> None:
    # given nobody signed in
    # when
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    # then the schema is refused and the docs page sends the browser to the login page
    assert schema.status_code == 401
    assert "paths" not in schema.content.decode()
    assert docs.status_code == 302
    assert docs["Location"].startswith("/login/")


def test_token_holder_gets_the_schema(client: Any, world: Any) -> None:
    # given an API token of the industry office
    token = client.post(
        "/api/v1/auth/token/",
        {"username": world.user("industry").username, "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    # when
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}")
    # then
    assert response.status_code == 200
    assert "/api/v1/enterprises/" in yaml.safe_load(response.content)["paths"]


def test_docs_page_has_no_inline_script_or_style(client: Any, world: Any) -> None:
    # given
    client.force_login(world.user("industry"))
    # when
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/", {"script": ""})
    # then every script and style is a file of our own origin
    assert re.findall(r"<script>|<style", page) == []
    assert re.findall(r"<script src=\"([^\"]+)\"", page)[-1] == "/api/docs/?script="
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
