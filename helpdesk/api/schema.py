"""OpenAPI schema hooks: answers every operation can give that no single view declares."""

from __future__ import annotations

from typing import Any

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NOT_ACCEPTABLE = {"content": ERROR, "description": "The Accept header does not allow application/json."}
UNSUPPORTED_MEDIA_TYPE = {"content": ERROR, "description": "The body's Content-Type is missing or not supported."}


def document_content_negotiation(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation answers 406 (in the one error format) when the Accept header rules out
    JSON, and every operation that reads a body answers 415 when its Content-Type is missing or
    is not JSON, multipart or form data."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            operation["responses"].setdefault("406", NOT_ACCEPTABLE)
            if "requestBody" in operation:
                operation["responses"].setdefault("415", UNSUPPORTED_MEDIA_TYPE)
    return result
