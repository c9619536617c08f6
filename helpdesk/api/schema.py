"""OpenAPI schema hooks: what every operation shares that no single view declares.

A client generated from the schema (e.g. by openapi-python-client) should run unchanged, so each
operation lists exactly the body types it parses, the Idempotency-Key header it honours, and
every error answer the base view can give, each with the one error schema and a description.
"""

from __future__ import annotations

from typing import Any

ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

# What ScopedAPIView answers on any operation, whatever the view: a NUL character in a query or
# path (400), no or a bad key (401), a role the view refuses (403), an Accept without JSON (406)
# and the key's rate limit (429).
SHARED_ERRORS = {
    "400": "The request is not valid: `message` says why and `errors` names each field.",
    "401": "No API key, or an unknown, revoked or expired one.",
    "403": "The key's role may not do this.",
    "406": "The Accept header does not allow application/json.",
    "429": "Too many requests for this key: retry after `Retry-After` seconds.",
}
# Only where a POST honours an Idempotency-Key, or reads a body.
POST_ERRORS = {
    "409": "The case changed under the request, the step is not allowed in its state, "
    "or a request with this Idempotency-Key is still being processed.",
    "422": "This Idempotency-Key was used with a different request.",
}
BODY_ERRORS = {"415": "The body's Content-Type is missing or not one this operation takes."}
DESCRIPTIONS = {
    **SHARED_ERRORS,
    **POST_ERRORS,
    **BODY_ERRORS,
    "404": "Not found (another tenant's or account's data answers the same).",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}
IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": (
        "Send a unique key (e.g. your order or event id) to retry safely: the same key and body within "
        "24 hours return the first answer (with `Idempotent-Replayed: true`); another body is refused (422)."
    ),
}


def document_shared_answers(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = {**SHARED_ERRORS}
            if method == "post":
                codes.update(POST_ERRORS)
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == "Idempotency-Key" for p in parameters):
                    parameters.append(IDEMPOTENCY_KEY)
            if "requestBody" in operation:
                codes.update(BODY_ERRORS)
            for code in codes:
                responses.setdefault(code, {"content": ERROR})
            for code, response in responses.items():
                if code.startswith("4") and not response.get("description"):
                    response["description"] = DESCRIPTIONS.get(code, "The request was refused; see `message`.")
            if "429" in responses:
                responses["429"].setdefault("headers", RETRY_AFTER)
    return result
