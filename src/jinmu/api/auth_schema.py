"""OpenAPI extensions: how the schema describes Jinmu's own authentication."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` from POST /api/v1/auth/token/."""

    target_class = "jinmu.core.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        """An API-key style header whose value starts with the keyword `Token`."""
        from jinmu.core.tokens import KEYWORD

        return dict(
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)
        )
