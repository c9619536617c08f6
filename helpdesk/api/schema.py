"""OpenAPI schema hooks: answers every operation can give that no single view declares."""

from __future__ import annotations

from typing import Any

UNSUPPORTED_MEDIA_TYPE = "415"


def document_unsupported_media_type(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation that reads a body answers 415 (in the one error format) when the
    Content-Type is missing or is not JSON, multipart or form data."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["responses"].setdefault(
                    UNSUPPORTED_MEDIA_TYPE,
                    {"content": error, "description": "The body's Content-Type is missing or not supported."},
                )
    return result
