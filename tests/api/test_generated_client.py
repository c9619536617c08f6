"""A store integration as a new integrator builds it: a Python client generated from the live
`/api/v1/schema/` by a pinned openapi-python-client, untouched, runs the whole store journey
against the live test server, and the integration checks a webhook's signature with the recipe
the README documents."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace

import httpx
import pytest
from django.utils import timezone

from helpdesk.messaging.webhooks import deliveries_due, webhook_deliver
from helpdesk.services import api_key_create, webhook_endpoint_create
from tests.api.test_webhooks_and_settings import Receiver

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PACKAGE = "helpdesk_api_client"  # openapi-python-client's name for the schema's title, "Helpdesk API"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 16


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The client package generated from the live schema, imported as an integrator would."""
    folder = tmp_path_factory.mktemp("generated")
    tools = Path(sys.executable).parent  # the generator, and the ruff it formats its output with
    run = subprocess.run(
        [
            str(tools / "openapi-python-client"),
            "generate",
            "--url",
            f"{live_server.url}/api/v1/schema/",
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "Warning" not in output, output  # every operation and model generated, none skipped
    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)

        def operation(tag: str, name: str) -> ModuleType:
            return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")

        yield SimpleNamespace(
            package=package,
            models=importlib.import_module(f"{PACKAGE}.models"),
            types=importlib.import_module(f"{PACKAGE}.types"),
            op=operation,
        )
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def receiver():
    fake = Receiver()
    yield fake
    fake.server.shutdown()


def verify_signature(secret: str, headers: dict[str, str], body: bytes, *, tolerance: int = 300) -> bool:
    """The README's recipe: HMAC-SHA256 of "<X-Helpdesk-Timestamp>." + body, and a fresh timestamp."""
    timestamp = headers["X-Helpdesk-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(timestamp)) <= tolerance
    return fresh and hmac.compare_digest(expected, headers["X-Helpdesk-Signature"])


def test_a_generated_client_runs_the_store_journey(generated, live_server, world, setup_a, receiver):
    m, op = generated.models, generated.op
    endpoint = webhook_endpoint_create(
        tenant=world.tenant_a, url=receiver.url, events=["case.created", "case.commented", "case.closed"]
    )

    def client(user) -> object:
        _, raw = api_key_create(user=user, name="store integration")
        return generated.package.AuthenticatedClient(
            base_url=live_server.url, token=raw, timeout=httpx.Timeout(30.0), raise_on_unexpected_status=True
        )

    merchant, analyst, other_merchant = client(world.merchant_a1), client(world.analyst_a), client(world.merchant_a2)

    # Open a case; a retry with the same Idempotency-Key returns the first answer.
    body = m.CaseCreateRequest(
        subject="Checkout fails", description="Payments answer 500 since 09:00.", priority="normal"
    )
    opened = op("cases", "cases_create").sync_detailed(client=merchant, body=body, idempotency_key="order-1042")
    again = op("cases", "cases_create").sync_detailed(client=merchant, body=body, idempotency_key="order-1042")
    assert opened.status_code == again.status_code == 201
    case = opened.parsed
    assert isinstance(case, m.Case) and case.account == "alpha-one" and case.status == m.CaseStatusEnum.NEW
    assert again.parsed.number == case.number and again.headers["Idempotent-Replayed"] == "true"
    number = case.number

    upload = m.AttachmentUploadRequest(
        file=generated.types.File(payload=io.BytesIO(PNG), file_name="screen.png", mime_type="image/png")
    )
    attachment = op("cases", "cases_attachments_create").sync(number, client=merchant, body=upload)
    assert isinstance(attachment, m.Attachment) and attachment.content_type == "image/png" and attachment.size == 24

    comment = op("cases", "cases_comments_create").sync(
        number, client=merchant, body=m.CommentRequest(body="It started after the plug-in update.")
    )
    assert isinstance(comment, m.Comment) and comment.author == world.merchant_a1.email

    current = op("cases", "cases_retrieve").sync(number, client=merchant)
    assert current.sla.first_response.state == m.ClockStateEnum.RUNNING and current.sla.first_response.due
    explained = op("cases", "cases_sla").sync(number, client=merchant)
    assert [clock.metric for clock in explained] == ["first_response", "resolution"]
    assert explained[0].due == current.sla.first_response.due and explained[0].calendar

    # A monitoring alert opens a second case; the list pages through both with the cursor.
    alert = op("alerts", "alerts_create").sync(
        client=merchant,
        body=m.AlertRequest(
            dedup_key="store-down-1",
            kind=m.KindEnum.AVAILABILITY,
            severity=m.SeverityEnum.MAJOR,
            summary="Storefront answers 503",
            status=m.AlertStatusEnum.FIRING,
        ),
    )
    assert alert.action == m.ActionEnum.OPENED and alert.case.channel == m.CaseChannelEnum.MONITORING
    seen, cursor = [], generated.types.UNSET
    for _ in range(5):
        page = op("cases", "cases_list").sync(client=merchant, limit=1, cursor=cursor)
        seen += [row.number for row in page.results]
        if not page.next_:  # the generator names it next_ (next is a builtin)
            break
        cursor = page.next_
    assert sorted(seen) == sorted([number, alert.case.number])

    # Another account's key cannot see the case: a 404 in the error format.
    hidden = op("cases", "cases_retrieve").sync_detailed(number, client=other_merchant)
    assert hidden.status_code == 404 and isinstance(hidden.parsed, m.Error)

    # Staff work the case: assign, ask for information, propose the resolution.
    assigned = op("cases", "cases_assign").sync(
        number, client=analyst, body=m.AssignRequest(assignee=world.analyst_a.email)
    )
    assert assigned.assignee == world.analyst_a.email and assigned.status == m.CaseStatusEnum.OPEN
    waiting = op("cases", "cases_request_information").sync(
        number, client=analyst, body=m.MessageRequest(message="Which plug-in version?")
    )
    assert waiting.status == m.CaseStatusEnum.WAITING_ON_CUSTOMER
    op("cases", "cases_comments_create").sync(number, client=merchant, body=m.CommentRequest(body="Version 4.2."))
    resolved = op("cases", "cases_resolve").sync(
        number, client=analyst, body=m.SummaryRequest(summary="Rolled the plug-in back to 4.1.")
    )
    assert resolved.status == m.CaseStatusEnum.RESOLVED

    closed = op("cases", "cases_confirm").sync(number, client=merchant)
    assert closed.status == m.CaseStatusEnum.CLOSED and closed.closed_at

    # The webhook deliveries a worker would send, sent now, each checked as a receiver would.
    for delivery_id in deliveries_due(now=timezone.now()):
        webhook_deliver(delivery_id=delivery_id)
    events = [headers["X-Helpdesk-Event"] for headers, _ in receiver.received]
    assert sorted(set(events)) == ["case.closed", "case.commented", "case.created"]
    assert events.count("case.created") == 2  # the merchant's case and the alert's, not the replayed retry
    for headers, body_bytes in receiver.received:
        assert verify_signature(endpoint.secret, headers, body_bytes), headers
    headers, body_bytes = receiver.received[-1]
    assert not verify_signature(endpoint.secret, headers, body_bytes + b" ")  # the check can fail
