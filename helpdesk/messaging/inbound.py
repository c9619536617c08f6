"""django-anymail webhook receivers: delivery tracking onto the outbox, and inbound mail handed to
the handlers apps register (tickets turns replies into case comments). The platform imports no app:
an app calls `register_inbound_handler` from its AppConfig.ready."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from anymail.signals import inbound, tracking
from django.dispatch import receiver
from django.utils import timezone

from helpdesk.messaging.outbox import outbox_record_delivery

log = logging.getLogger(__name__)

# A handler takes the inbound message (anymail's AnymailInboundMessage) and returns whether it
# took the mail; mail that no handler takes is logged and dropped.
InboundHandler = Callable[[Any], bool]
_inbound_handlers: list[InboundHandler] = []


def register_inbound_handler(handler: InboundHandler) -> None:
    """Have `handler` offered every inbound mail (registering the same one twice is harmless)."""
    if handler not in _inbound_handlers:
        _inbound_handlers.append(handler)


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
    message = event.message
    if not any(handler(message) for handler in _inbound_handlers):
        sender_address = message.from_email.addr_spec if message.from_email else ""
        log.warning("inbound mail from %s via %s taken by no handler", sender_address, esp_name)
