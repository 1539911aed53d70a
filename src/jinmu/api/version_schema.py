"""drf-spectacular hook: every PUT/PATCH body requires `expected_version` (answered with 409)."""

from __future__ import annotations

from typing import Any

_UPDATES = ("put", "patch")
_VERSION = "expected_version"
_VERSION_NOTE = (
    "Required on every update: the `version` you last read. A missing or older one is refused "
    "with 409 so that nobody silently overwrites someone else's change."
)


def _component(result: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any] | None:
    ref = schema.get("$ref", "")
    if not ref.startswith("#/components/schemas/"):
        return None
    found: dict[str, Any] | None = result["components"]["schemas"].get(ref.rsplit("/", 1)[-1])
    return found


def require_expected_version(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Mark `expected_version` required in the body of every PUT and PATCH that takes it (the
    serializers keep it optional because a create shares their shape), and answer 409."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in _UPDATES:
                continue
            contents = operation.get("requestBody", {}).get("content", {})
            takes_version = False
            for media in contents.values():
                component = _component(result, media.get("schema", {}))
                if component is None or _VERSION not in component.get("properties", {}):
                    continue
                takes_version = True
                media["schema"] = {
                    "allOf": [media["schema"], {"type": "object", "required": [_VERSION]}]
                }
            if takes_version:
                operation.setdefault("responses", {}).setdefault(
                    "409", {"description": _VERSION_NOTE}
                )
                operation["description"] = (
                    f"{operation.get('description', '')}\n\n{_VERSION_NOTE}".strip()
                )
    return result
