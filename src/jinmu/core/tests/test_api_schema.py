"""The OpenAPI document is valid OpenAPI 3 and the docs page loads without a CDN."""

from __future__ import annotations

from typing import Any

import yaml
from openapi_spec_validator import validate


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
