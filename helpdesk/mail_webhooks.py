"""django-anymail webhook receivers: delivery tracking onto the outbox, inbound replies onto cases."""

from __future__ import annotations

import logging
from typing import Any

from anymail.signals import inbound, tracking
from django.dispatch import receiver
from django.utils import timezone

from helpdesk.outbox import outbox_record_delivery

log = logging.getLogger(__name__)


@receiver(tracking, dispatch_uid="helpdesk.tracking")
def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    detail = event.description or event.mta_response or event.reject_reason or ""
    updated = outbox_record_delivery(
        message_id=event.message_id or "",
        event_type=event.event_type,
        detail=detail,
        at=event.timestamp or timezone.now(),
    )
    if not updated:
        log.info("tracking event %s from %s for unknown message %s", event.event_type, esp_name, event.message_id)


@receiver(inbound, dispatch_uid="helpdesk.inbound")
def on_inbound(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    from tickets.notifications import case_from_reply_address
    from tickets.services import comment_from_email

    message = event.message
    recipients = [address.addr_spec for address in (message.to or []) + (message.cc or [])]
    case_ids = {case_from_reply_address(address) for address in recipients} - {None}
    sender_address = message.from_email.addr_spec if message.from_email else ""
    if len(case_ids) != 1:
        log.warning("inbound mail from %s refused: no valid case reply address among %s", sender_address, recipients)
        return
    comment_from_email(case_id=case_ids.pop(), sender=sender_address, text=message.text or "")
