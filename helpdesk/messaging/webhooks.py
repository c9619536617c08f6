"""Outbound webhooks: signed event deliveries to tenants' URLs, retried with backoff, replayable.

Each delivery is a row written in the transaction of the change it reports and posted by a
worker after commit. The body is JSON; `X-Helpdesk-Timestamp` is the Unix time of sending and
`X-Helpdesk-Signature` is `sha256=` + HMAC-SHA256(secret, timestamp + "." + body), so that a
receiver can check both origin and freshness. Requests go through `outbound_http`: only to public
addresses, as resolved once, following no redirects.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from helpdesk.messaging import delivery as delivery_queue
from helpdesk.messaging import outbound_http
from helpdesk.messaging.delivery import Outcome
from helpdesk.models import DeliveryStatus, Tenant, WebhookDelivery, WebhookEndpoint

QUEUE = delivery_queue.Queue(
    model=WebhookDelivery,
    task="helpdesk.tasks.webhook_deliver",
    label="webhooks: delivery",
    done=DeliveryStatus.DELIVERED,
)
MAX_ATTEMPTS = QUEUE.max_attempts
TIMEOUT_SECONDS = 10
NOTE_LENGTH = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_endpoints(*, tenant: Tenant) -> list[WebhookEndpoint]:
    """The tenant's active endpoints: read once per change, for every event it emits."""
    return list(WebhookEndpoint.objects.for_tenant(tenant).filter(is_active=True))


def webhook_emit(
    *, tenant: Tenant, event: str, payload: dict, endpoints: list[WebhookEndpoint] | None = None
) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint of the tenant that wants it (call inside the change's
    transaction); a worker posts them after commit. A change emitting several events passes the
    `endpoints` it read once (`webhook_endpoints`)."""
    if endpoints is None:
        endpoints = webhook_endpoints(tenant=tenant)
    deliveries = webhook_build(tenant=tenant, event=event, payload=payload, endpoints=endpoints)
    for row in deliveries:
        row.save(force_insert=True)
        delivery_queue.send_after_commit(QUEUE, row.pk)
    return deliveries


def webhook_build(
    *, tenant: Tenant, event: str, payload: dict, endpoints: list[WebhookEndpoint]
) -> list[WebhookDelivery]:
    """The unsaved deliveries of `event` to the endpoints that want it."""
    return [
        WebhookDelivery(tenant=tenant, endpoint=endpoint, event=event, payload=payload)
        for endpoint in endpoints
        if event in endpoint.events and endpoint.tenant_id == tenant.pk
    ]


def webhook_enqueue_many(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    """Queue built deliveries with one INSERT and one hand-over to the workers after commit."""
    created = WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
    delivery_queue.send_many_after_commit(QUEUE, [d.pk for d in created])
    return created


def webhook_replay(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery's event again, as a new delivery (the original keeps its record)."""
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            tenant_id=delivery.tenant_id,
            endpoint_id=delivery.endpoint_id,
            event=delivery.event,
            payload=delivery.payload,
            replay_of=delivery,
        )
        delivery_queue.send_after_commit(QUEUE, again.pk)
    return again


def deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    return delivery_queue.due_ids(QUEUE, now=now, limit=limit)


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Post one delivery; returns delivered, retry, failed or skipped.

    The record keeps the answer's status and a short note (its standard phrase, where a redirect
    pointed, or why it was not sent), never the answer's body: a body on the page would let a
    URL read whatever answers it."""
    now = now or timezone.now()
    return delivery_queue.attempt(
        QUEUE,
        delivery_id,
        now=now,
        load=lambda pk: WebhookDelivery.objects.select_related("endpoint").get(pk=pk),
        send=lambda row: _post(row, now),
    )


def _post(delivery: WebhookDelivery, now: datetime) -> delivery_queue.Result:
    body = json.dumps({"event": delivery.event, "delivery": delivery.pk, **delivery.payload}).encode()
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "helpdesk-webhooks/1",
        "X-Helpdesk-Event": delivery.event,
        "X-Helpdesk-Delivery": str(delivery.pk),
        "X-Helpdesk-Timestamp": str(timestamp),
        "X-Helpdesk-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    try:
        answer = outbound_http.post(delivery.endpoint.url, body=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except outbound_http.RefusedURL as refusal:
        return _result(Outcome.FAILED, None, f"Not sent: {refusal.message}")
    except (OSError, http.client.HTTPException) as error:
        return _result(Outcome.RETRY, None, f"No answer: {str(error) or type(error).__name__}")
    code = answer.status
    if 200 <= code < 300:
        return delivery_queue.Result(
            Outcome.DONE, {"response_status": code, "note": answer.phrase[:NOTE_LENGTH], "delivered_at": now}
        )
    if 300 <= code < 400:
        # Following it would reach an address nobody judged; the receiver should be given its new URL.
        note = f"Redirect not followed (webhooks follow no redirects) to: {answer.location or '(no Location)'}"
        return _result(Outcome.FAILED, code, note)
    if 400 <= code < 500 and code not in (408, 429):
        return _result(Outcome.FAILED, code, answer.phrase)
    return _result(Outcome.RETRY, code, answer.phrase)


def _result(outcome: Outcome, code: int | None, note: str) -> delivery_queue.Result:
    return delivery_queue.Result(outcome, {"response_status": code, "note": note[:NOTE_LENGTH]}, reason=note)
