"""Schemathesis against the live OpenAPI schema: for every operation, generated requests (valid
and invalid) never cause a server error and every answer matches the schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.services import api_key_create
from tests.api import request_count
from tickets.tests.factories import open_case

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))
# make test runs a fixed set; SCHEMATHESIS_RANDOM=1 explores new inputs each run.
DERANDOMIZE = os.environ.get("SCHEMATHESIS_RANDOM") != "1"
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
]


def _load_schema() -> schemathesis.BaseSchema:
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())


schema = _load_schema()


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Like Django's test client: keep the test's connection (and transaction) across requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Whose key sends the requests: one in `make test`; `make test-fuzz` sends each role's of tenant A
# and a key of tenant B, whose every request names tenant A's case and must never succeed.
LEAK_MARKER = "FUZZ-LEAK-A"
KEY_USERS = os.environ.get("SCHEMATHESIS_KEYS", "manager_a").split(",")


@pytest.fixture(params=KEY_USERS)
def analyst_key(request, world, setup_a):
    from sla.presets import STORECONNECT
    from tickets.services import preset_apply

    preset_apply(tenant=world.tenant_b, preset=STORECONNECT)
    case = open_case(world.account_a1, setup_a.normal, subject=f"Checkout fails {LEAK_MARKER}")
    user = getattr(world, request.param)
    _, raw = api_key_create(user=user, name="schemathesis")
    return raw, case.number, user.tenant_id != world.tenant_a.pk


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE)
@pytest.mark.slow
def test_no_server_errors_and_no_responses_that_break_the_schema(case, analyst_key):
    raw, number, other_tenant = analyst_key
    named = bool(case.path_parameters and "number" in case.path_parameters)
    if named:
        case.path_parameters["number"] = number  # a real case, so that its operations run
    response = case.call(headers={"Authorization": f"Bearer {raw}"})
    request_count.add(1)
    case.validate_response(response, checks=CHECKS)
    if other_tenant:
        assert LEAK_MARKER not in response.content.decode(errors="replace"), f"{case.method} {case.path} leaked"
        if named and case.method.upper() not in ("OPTIONS", "HEAD", "TRACE"):  # DRF's metadata: no data
            assert response.status_code >= 400, f"another tenant's key reached {case.method} {case.path}"
