"""The published schema is one a client generator can use as it is: each operation offers the one
body type it parses, has a readable operationId and a tag, documents the Idempotency-Key it
honours and every error answer in the one error schema, and every enum is a named component."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

UPLOADS = {("post", "/api/v1/cases/{number}/attachments/")}
ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def schema(client) -> dict[str, Any]:
    return client.get("/api/v1/schema/?format=json").json()


def operations(schema: dict[str, Any]):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_each_body_is_offered_in_exactly_the_type_the_operation_parses(schema):
    bodies = {(m, p): list(op["requestBody"]["content"]) for m, p, op in operations(schema) if "requestBody" in op}
    assert bodies, "no operation takes a body"
    for where, types in bodies.items():
        expected = ["multipart/form-data"] if where in UPLOADS else ["application/json"]
        assert types == expected, where


def test_operation_ids_are_unique_readable_and_tagged(schema):
    ids = [op.get("operationId") for _, _, op in operations(schema)]
    assert len(ids) == len(set(ids)), "operationIds repeat"
    for method, path, operation in operations(schema):
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", operation.get("operationId") or ""), (method, path)
        assert len(operation.get("tags", [])) == 1, (method, path)
    assert {"cases_create", "cases_list", "cases_attachments_create", "cases_sla", "alerts_create"} <= set(ids)


def test_every_error_answer_has_the_error_schema_and_a_description(schema):
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        shared = {"400", "401", "403", "406", "429"} | ({"409", "422"} if method == "post" else set())
        assert shared <= set(responses), (method, path, sorted(shared - set(responses)))
        for code, response in responses.items():
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR_REF, (method, path, code)
                assert response["description"], (method, path, code)
        assert "Retry-After" in responses["429"]["headers"], (method, path)


def test_every_post_documents_the_idempotency_key_header(schema):
    posts = [(path, op) for method, path, op in operations(schema) if method == "post"]
    assert posts
    for path, operation in posts:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], path
        assert headers[0]["required"] is False and headers[0]["schema"]["maxLength"] == 200


def test_enums_are_named_components_not_inline(schema):
    inline: list[str] = []

    def walk(node: Any, where: str, top: bool) -> None:
        if isinstance(node, dict):
            if "enum" in node and not top:
                inline.append(where)
            for key, value in node.items():
                walk(value, f"{where}/{key}", False)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}", False)

    for name, component in schema["components"]["schemas"].items():
        walk(component, name, True)
    walk(schema["paths"], "paths", False)
    assert inline == []
    assert {"CaseStatusEnum", "CategoryEnum", "KindEnum", "SeverityEnum"} <= set(schema["components"]["schemas"])


def test_a_download_comes_back_in_a_type_the_schema_documents(schema, api, world, case):
    """The API's download is octet-stream whatever the file (the stateful schemathesis run of
    `make test-fuzz` found an image/png answer against a documented octet-stream); the file's own
    type is in the case's attachment list."""
    from django.core.files.base import ContentFile
    from schemathesis.core import media_types

    from tickets.services import attachment_add

    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
    attachment = attachment_add(case=case, actor=world.merchant_a1, file=ContentFile(png, name="checkout.png"))
    answer = api(world.merchant_a1).get(f"/api/v1/attachments/{attachment.token}/")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/octet-stream"
    assert 'filename="checkout.png"' in answer["Content-Disposition"]
    assert b"".join(answer.streaming_content) == png
    [listed] = api(world.merchant_a1).get(f"/api/v1/cases/{case.number}/attachments/").json()
    assert listed["content_type"] == "image/png"
    documented = schema["paths"]["/api/v1/attachments/{token}/"]["get"]["responses"]["200"]["content"]
    received = media_types.parse(answer["Content-Type"])
    assert any(media_types.matches_parts(media_types.parse(option), received) for option in documented), documented
