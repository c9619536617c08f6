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
import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone

from helpdesk.messaging import delivery as delivery_queue
from helpdesk.messaging import outbound_http
from helpdesk.models import DeliveryStatus, Tenant, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10
NOTE_LENGTH = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_emit(*, tenant: Tenant, event: str, payload: dict) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint of the tenant that wants it (call inside the change's
    transaction); a worker posts them after commit."""
    endpoints = WebhookEndpoint.objects.for_tenant(tenant).filter(is_active=True)
    deliveries = [
        WebhookDelivery.objects.create(tenant=tenant, endpoint=endpoint, event=event, payload=payload)
        for endpoint in endpoints
        if event in endpoint.events
    ]
    for delivery in deliveries:
        transaction.on_commit(partial(_hand_to_worker, delivery.pk), robust=True)
    return deliveries


def _hand_to_worker(delivery_id: int) -> None:
    from helpdesk.tasks import webhook_deliver

    try:
        webhook_deliver.apply_async(args=[delivery_id], retry=False)
    except Exception:
        log.warning("webhooks: could not queue delivery %s; the drain will send it", delivery_id, exc_info=True)


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
        transaction.on_commit(lambda: _hand_to_worker(again.pk), robust=True)
    return again


def deliveries_due(*, now: datetime, limit: int = 500) -> list[int]:
    return delivery_queue.due_ids(WebhookDelivery, now=now, limit=limit)


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Post one delivery; returns delivered, retry, failed or skipped.

    The record keeps the answer's status and a short note (its standard phrase, where a redirect
    pointed, or why it was not sent), never the answer's body: a body on the page would let a
    URL read whatever answers it."""
    now = now or timezone.now()
    if not delivery_queue.claim(WebhookDelivery, delivery_id, now=now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
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
        return _finish(delivery, DeliveryStatus.FAILED, None, f"Not sent: {refusal.message}", now)
    except (OSError, http.client.HTTPException) as error:
        return _retry(delivery, None, f"No answer: {str(error) or type(error).__name__}", now)
    code = answer.status
    if 200 <= code < 300:
        return _finish(delivery, DeliveryStatus.DELIVERED, code, answer.phrase, now)
    if 300 <= code < 400:
        # Following it would reach an address nobody judged; the receiver should be given its new URL.
        note = f"Redirect not followed (webhooks follow no redirects) to: {answer.location or '(no Location)'}"
        return _finish(delivery, DeliveryStatus.FAILED, code, note, now)
    if 400 <= code < 500 and code not in (408, 429):
        return _finish(delivery, DeliveryStatus.FAILED, code, answer.phrase, now)
    return _retry(delivery, code, answer.phrase, now)


def _retry(delivery: WebhookDelivery, code: int | None, note: str, now: datetime) -> str:
    if delivery.attempts >= MAX_ATTEMPTS:
        return _finish(delivery, DeliveryStatus.FAILED, code, note, now)
    delay = delivery_queue.backoff(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now + delay, response_status=code, note=note[:NOTE_LENGTH]
    )
    return "retry"


def _finish(delivery: WebhookDelivery, status: str, code: int | None, note: str, now: datetime) -> str:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        response_status=code,
        note=note[:NOTE_LENGTH],
        delivered_at=now if status == DeliveryStatus.DELIVERED else None,
    )
    return "delivered" if status == DeliveryStatus.DELIVERED else "failed"
