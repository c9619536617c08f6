"""Outbound webhooks: signed event deliveries to tenants' URLs, retried with backoff, replayable.

Each delivery is a row written in the transaction of the change it reports and posted by a
worker after commit. The body is JSON; `X-Helpdesk-Timestamp` is the Unix time of sending and
`X-Helpdesk-Signature` is `sha256=` + HMAC-SHA256(secret, timestamp + "." + body), so that a
receiver can check both origin and freshness.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk import delivery as delivery_queue
from helpdesk.models import DeliveryStatus, Tenant, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 10


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
        transaction.on_commit(lambda pk=delivery.pk: _hand_to_worker(pk), robust=True)
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


def _refused_address(url: str) -> str | None:
    """Why a URL may not be called (private networks are refused unless settings allow them)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "only http and https URLs can receive webhooks"
    if settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except OSError as error:
        return f"cannot resolve {parts.hostname}: {error}"
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
            return f"{parts.hostname} resolves to a private address ({ip})"
    return None


def webhook_deliver(*, delivery_id: int, now: datetime | None = None) -> str:
    """Post one delivery; returns delivered, retry, failed or skipped."""
    now = now or timezone.now()
    if not delivery_queue.claim(WebhookDelivery, delivery_id, now=now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    refusal = _refused_address(delivery.endpoint.url)
    if refusal:
        return _finish(delivery, DeliveryStatus.FAILED, None, refusal, now)
    body = json.dumps({"event": delivery.event, "delivery": delivery.pk, **delivery.payload}).encode()
    timestamp = int(now.timestamp())
    request = urllib.request.Request(  # noqa: S310 - _refused_address allows http and https only
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "helpdesk-webhooks/1",
            "X-Helpdesk-Event": delivery.event,
            "X-Helpdesk-Delivery": str(delivery.pk),
            "X-Helpdesk-Timestamp": str(timestamp),
            "X-Helpdesk-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
            return _finish(
                delivery, DeliveryStatus.DELIVERED, response.status, response.read(2000).decode(errors="replace"), now
            )
    except urllib.error.HTTPError as error:
        answer = error.read(2000).decode(errors="replace")
        if 400 <= error.code < 500 and error.code not in (408, 429):
            return _finish(delivery, DeliveryStatus.FAILED, error.code, answer, now)
        return _retry(delivery, error.code, answer, now)
    except (urllib.error.URLError, OSError) as error:
        return _retry(delivery, None, str(error), now)


def _retry(delivery: WebhookDelivery, code: int | None, answer: str, now: datetime) -> str:
    if delivery.attempts >= MAX_ATTEMPTS:
        return _finish(delivery, DeliveryStatus.FAILED, code, answer, now)
    delay = delivery_queue.backoff(delivery.attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now + delay, response_status=code, response_body=answer[:2000]
    )
    return "retry"


def _finish(delivery: WebhookDelivery, status: str, code: int | None, answer: str, now: datetime) -> str:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        response_status=code,
        response_body=answer[:2000],
        delivered_at=now if status == DeliveryStatus.DELIVERED else None,
    )
    return "delivered" if status == DeliveryStatus.DELIVERED else "failed"
