"""API keys, the error format, rate limits and idempotency."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk.models import ApiKey
from tickets.models import Case
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


def test_apikey_create_prints_only_the_key_and_stores_a_hash(world):
    out = StringIO()
    call_command("apikey_create", "--user", world.merchant_a1.email, stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("hk_") and "\n" not in raw
    key = ApiKey.objects.get(user=world.merchant_a1)
    assert raw not in (key.key_hash, key.prefix) and raw.startswith(f"hk_{key.prefix}_")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/cases/").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_apikey_create_for_an_unknown_user_is_one_clear_line(db):
    with pytest.raises(CommandError, match=r"No user “nobody@x\.test”") as raised:
        call_command("apikey_create", "--user", "nobody@x.test")
    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer hk_deadbeef_nope", "Unknown API key."),
        ("Bearer something", "Send the key as: Authorization: Bearer hk_"),
        (None, "Sign in, or send an API key"),
    ],
)
def test_bad_credentials_answer_401_in_the_error_format(db, header, message):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "errors"} and message in response.json()["message"]


def test_revoked_and_expired_keys_stop_working(world, api):
    client = api(world.analyst_a)
    key = ApiKey.objects.get(user=world.analyst_a)
    key.revoked_at = timezone.now()
    key.save()
    assert client.get("/api/v1/cases/").json()["message"] == "This API key is revoked or expired."
    key.revoked_at, key.expires_at = None, timezone.now() - timedelta(seconds=1)
    key.save()
    assert client.get("/api/v1/cases/").status_code == 401


def test_validation_errors_name_the_fields(world, setup_a, api):
    response = api(world.merchant_a1).post("/api/v1/cases/", {"subject": "", "priority": "Normal"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "The request is not valid; see errors."
    assert set(body["errors"]) == {"subject", "description"}


def test_malformed_json_is_a_400_not_a_500(world, api):
    response = api(world.merchant_a1).post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400 and "JSON parse error" in response.json()["message"]


@pytest.mark.parametrize(
    "content_type",
    ["", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_body_of_an_unsupported_type_is_a_documented_415(world, setup_a, api, client, content_type):
    # JSON only: a form or multipart body is refused rather than read, so the schema offers one type.
    response = api(world.merchant_a1).generic("POST", "/api/v1/cases/", b"subject=x", content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {
        "message": f"Unsupported body type ({content_type or 'no Content-Type'}): send application/json.",
        "errors": {},
    }
    assert not Case.objects.exists()
    schema = client.get("/api/v1/schema/?format=json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if "requestBody" in operation:
                assert "415" in operation["responses"], f"{method.upper()} {path} does not document 415"


def test_an_upload_takes_multipart_only_and_says_so(world, setup_a, api):
    case = open_case(world.account_a1, setup_a.normal)
    response = api(world.merchant_a1).post(f"/api/v1/cases/{case.number}/attachments/", {"file": "x"}, format="json")
    assert response.status_code == 415
    assert response.json() == {
        "message": "Unsupported body type (application/json): send multipart/form-data.",
        "errors": {},
    }


def test_an_accept_header_without_json_is_a_documented_406(world, api, client):
    response = api(world.merchant_a1).get("/api/v1/cases/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json() == {
        "message": "This API answers in JSON only: send Accept: application/json, or no Accept.",
        "errors": {},
    }
    schema = client.get("/api/v1/schema/?format=json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "406" in operation["responses"], f"{method.upper()} {path} does not document 406"


def test_unknown_api_paths_answer_json_404(world, api):
    response = api(world.analyst_a).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"message": "Not found.", "errors": {}}


@override_settings(API_RATE_LIMIT="3/minute")
def test_rate_limits_per_key_answer_429_with_retry_after(world, api):
    client, other = api(world.analyst_a), api(world.analyst_a)
    for _ in range(3):
        assert client.get("/api/v1/priorities/").status_code == 200
    limited = client.get("/api/v1/priorities/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["message"].startswith("Too many requests: try again in")
    assert other.get("/api/v1/priorities/").status_code == 200  # counted per key


def test_the_same_idempotency_key_and_body_returns_the_first_answer(world, setup_a, api):
    client = api(world.merchant_a1)
    body = {"subject": "Checkout down", "description": "500 on pay", "priority": "normal"}
    first = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")
    again = client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="order-42")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Case.objects.filter(subject="Checkout down").count() == 1
    different = client.post(
        "/api/v1/cases/", {**body, "subject": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="order-42"
    )
    assert different.status_code == 422
    assert "used with a different request" in different.json()["message"]
    assert Case.objects.count() == 1


def test_a_refused_request_does_not_use_up_its_idempotency_key(world, setup_a, api):
    client = api(world.merchant_a1)
    bad = client.post(
        "/api/v1/cases/",
        {"subject": "x", "description": "y", "priority": "nope"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert bad.status_code == 400 and "priority" in bad.json()["errors"]
    good = {"subject": "x", "description": "y", "priority": "normal"}
    # The same key, now with a body that works: the refused request did not take it.
    assert client.post("/api/v1/cases/", good, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 201


def test_idempotency_keys_are_per_user(world, setup_a, api):
    body = {"subject": "Same key", "description": "d", "priority": "normal"}
    api(world.merchant_a1).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = api(world.merchant_a2).post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert other.status_code == 201 and other.json()["account"] == "alpha-two"


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert {"/api/v1/cases/", "/api/v1/cases/{number}/", "/api/v1/sla/quote", "/api/v1/alerts/"} <= set(paths)
    assert client.get("/api/v1/docs/").status_code == 200


def test_nul_characters_are_refused_not_a_500(world, api):
    client = api(world.analyst_a)
    response = client.get("/api/v1/cases/", {"search": "a\x00b"})
    assert response.status_code == 400 and response.json()["errors"] == {
        "query: search": ["NUL characters are not allowed."]
    }
    assert client.get("/api/v1/cases/TA%00-1/").status_code == 400


@pytest.mark.parametrize(
    "value", ["0437-04-01T00:00:00+05:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
)
def test_times_out_of_range_are_400s(world, api, value):
    response = api(world.analyst_a).get("/api/v1/export/events/", {"updated_since": value})
    assert response.status_code == 400 and "updated_since" in response.json()["errors"]


def test_idempotency_records_are_forgotten_after_the_window(world, setup_a, api):
    from helpdesk.idempotency import IDEMPOTENCY_WINDOW
    from helpdesk.models import IdempotencyRecord
    from helpdesk.tasks import idempotency_purge

    client = api(world.merchant_a1)
    body = {"subject": "Old", "description": "x", "priority": "Normal"}
    client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - IDEMPOTENCY_WINDOW - timedelta(minutes=1)
    )
    assert idempotency_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
