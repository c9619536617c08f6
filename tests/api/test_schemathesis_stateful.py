"""Stateful schemathesis: sequences of API calls chained by the links schemathesis infers from the
schema (a case listed or created, then its comments, events, actions; an escalation listed, then
acknowledged; a store created, then changed), sent with one key per role and tenant.

Every answer: no server error, inside the schema. Every key sees only what its principal may:
a merchant only its account's cases, staff only their tenant's; a marker in each account's case
must never reach another principal. `make test` runs a short derandomised run with two keys;
`make test-fuzz` a long randomised one with a key per role and tenant (SCHEMATHESIS_KEYS,
SCHEMATHESIS_STATEFUL_EXAMPLES)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from helpdesk.services import api_key_create
from tests.api import request_count
from tests.api.test_schemathesis import CHECKS, DERANDOMIZE, _load_schema, keep_the_test_connection  # noqa: F401
from tickets.services import comment_add
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "8"))
STEPS = int(os.environ.get("SCHEMATHESIS_STATEFUL_STEPS", "10"))
KEYS = os.environ.get("SCHEMATHESIS_STATEFUL_KEYS", os.environ.get("SCHEMATHESIS_KEYS", "merchant_a1,manager_a"))
KEYS_LIST = KEYS.split(",")
# Valid inputs only: a sequence goes on from a call that succeeded (invalid inputs are the
# stateless test's job), so the chains reach cases, comments and actions.
schema = _load_schema()
schema.config.generation.update(modes=["positive"])
MARKERS = {"a1": "FUZZ-STATE-A1", "a2": "FUZZ-STATE-A2", "b1": "FUZZ-STATE-B1"}


def _forbidden(principal: str) -> list[str]:
    """Markers a principal must never see: merchants see their own account's, staff their tenant's."""
    role, _, where = principal.partition("_")
    if role == "merchant":
        return [marker for key, marker in MARKERS.items() if key != where]
    return [marker for key, marker in MARKERS.items() if key[0] != where[0]]


@pytest.fixture
def estate(world, setup_a, setup_b) -> None:
    for key, account, setup in (
        ("a1", world.account_a1, setup_a),
        ("a2", world.account_a2, setup_a),
        ("b1", world.account_b1, setup_b),
    ):
        case = open_case(account, setup.normal, subject=f"Checkout fails {MARKERS[key]}")
        comment_add(case=case, actor=account.technical_contact, body=f"Details {MARKERS[key]}")


@pytest.mark.slow
@pytest.mark.parametrize("principal", KEYS_LIST)
def test_call_sequences_keep_to_the_schema_and_to_the_principal(world, estate, principal):
    _, raw = api_key_create(user=getattr(world, principal), name="stateful schemathesis")
    forbidden = _forbidden(principal)
    leaks: list[str] = []
    linked: set[str] = set()  # operations on a real case reached through a link (answered 2xx)

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {raw}"}}

        def after_call(self, response, case):
            request_count.add(1)
            text = response.content.decode(errors="replace") if response.content else ""
            leaks.extend(f"{case.method} {case.formatted_path}: {m}" for m in forbidden if m in text)
            if "{number}" in case.path and response.status_code < 300:
                linked.add(f"{case.method} {case.path}")

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=DERANDOMIZE,
        )
    )
    assert leaks == []
    assert linked, "no call sequence reached a case through a link"
