"""Platform tasks: send one mail or webhook delivery after its transaction commits, drain what is
left, and forget old idempotency records."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from helpdesk.idempotency import idempotency_records_purge
from helpdesk.messaging import outbox, webhooks


@shared_task(name="helpdesk.outbox_send", acks_late=True, ignore_result=True)
def outbox_send(message_id: int) -> str:
    return outbox.outbox_send(message_id=message_id)


@shared_task(name="helpdesk.outbox_drain", acks_late=True, ignore_result=True)
def outbox_drain() -> int:
    """Send whatever a crash, a lost task or a broker outage left pending (run every minute)."""
    now = timezone.now()
    return sum(outbox.outbox_send(message_id=pk, now=now) == "sent" for pk in outbox.outbox_due(now=now))


@shared_task(name="helpdesk.webhook_deliver", acks_late=True, ignore_result=True)
def webhook_deliver(delivery_id: int) -> str:
    return webhooks.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="helpdesk.webhook_drain", acks_late=True, ignore_result=True)
def webhook_drain() -> int:
    """Post whatever a crash, a lost task or a broker outage left pending, and due retries."""
    now = timezone.now()
    return sum(
        webhooks.webhook_deliver(delivery_id=pk, now=now) == "delivered" for pk in webhooks.deliveries_due(now=now)
    )


@shared_task(name="helpdesk.idempotency_purge", acks_late=True, ignore_result=True)
def idempotency_purge() -> int:
    return idempotency_records_purge(now=timezone.now())
