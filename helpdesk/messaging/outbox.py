"""The transactional mail outbox: queue mail with the change that causes it, send it after commit.

- `mail_enqueue` renders a message and stores it in the caller's transaction, then asks a worker
  to send it once that transaction commits. If the broker is down, the row simply waits.
- `outbox_send` claims one row with a conditional UPDATE, sends it through Django's mail API
  (django-anymail in production) and records the outcome; temporary failures are retried with
  backoff, permanent ones are recorded for staff to see.
- `outbox_due` lists what a periodic drain must (re)send: rows whose send task was lost, and rows
  left half-sent by a worker that died, which are sent again (at least once: the stable
  Message-ID header lets providers and mail clients drop the rare duplicate).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from helpdesk.messaging import delivery
from helpdesk.models import OutboxMessage, OutboxStatus, Tenant

if TYPE_CHECKING:
    from tickets.models import Case

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
PERMANENT_ERRORS = (AnymailRecipientsRefused, AnymailInvalidAddress, smtplib.SMTPRecipientsRefused)


def _unique(addresses: Iterable[str], *, skip: Iterable[str] = ()) -> list[str]:
    seen = {a.lower() for a in skip}
    result = []
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def mail_enqueue(
    *,
    tenant: Tenant,
    kind: str,
    to: Iterable[str],
    context: dict,
    cc: Iterable[str] = (),
    case: Case | None = None,
    reply_to: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Render templates/emails/<kind>.{txt,html} (the first line of the text is the subject; the
    text is rendered without HTML escaping, the HTML with it) and queue the message. Returns None
    when nothing is to be sent (no recipient, or a message with the same dedupe key exists)."""
    recipients = _unique(to)
    copies = _unique(cc, skip=recipients)
    if not recipients:
        return None
    context = {**context, "tenant": tenant, "site_url": settings.SITE_URL}
    text = render_to_string(f"emails/{kind}.txt", context, using="mail_text")  # not HTML: no escaping
    subject, _, body = text.strip().partition("\n")
    message = OutboxMessage(
        tenant=tenant,
        kind=kind,
        dedupe_key=dedupe_key,
        case=case,
        to=recipients,
        cc=copies,
        reply_to=reply_to,
        subject=subject.removeprefix("Subject:").strip()[:250],
        body_text=body.strip() + "\n",
        body_html=render_to_string(f"emails/{kind}.html", context),
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        if dedupe_key and OutboxMessage.objects.for_tenant(tenant).filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    transaction.on_commit(lambda: _hand_to_worker(message.pk), robust=True)
    return message


def _hand_to_worker(message_id: int) -> None:
    from helpdesk.tasks import outbox_send

    try:
        outbox_send.apply_async(args=[message_id], retry=False)
    except Exception:  # the broker is down: the periodic drain sends it later
        log.warning("outbox: could not queue message %s; the drain will send it", message_id, exc_info=True)


def outbox_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids of messages a drain should send now."""
    return delivery.due_ids(OutboxMessage, now=now, limit=limit)


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.to,
        cc=message.cc,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Message-ID": f"<outbox-{message.pk}@{settings.MAIL_DOMAIN}>", "X-Outbox-Id": str(message.pk)},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def outbox_send(*, message_id: int, now: datetime | None = None) -> str:
    """Send one queued message; returns what happened (sent, skipped, retry, failed)."""
    now = now or timezone.now()
    if not delivery.claim(OutboxMessage, message_id, now=now):
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    email = _email(message)
    try:
        email.send()
    except PERMANENT_ERRORS as error:
        return _failed(message, error, now)
    except (TimeoutError, AnymailAPIError, smtplib.SMTPException, OSError) as error:
        if message.attempts >= MAX_ATTEMPTS or _is_permanent_api_error(error):
            return _failed(message, error, now)
        delay = delivery.backoff(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.PENDING, next_attempt_at=now + delay, last_error=str(error)[:2000]
        )
        log.warning("outbox: message %s failed (attempt %s), retrying in %s", message.pk, message.attempts, delay)
        return "retry"
    status = getattr(email, "anymail_status", None)  # set by django-anymail backends
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENT,
        sent_at=now,
        last_error="",
        provider_message_id=str(status.message_id) if status and status.message_id is not None else "",
        delivery_status=",".join(sorted(status.status)) if status and status.status else "sent",
        delivery_updated_at=now,
    )
    return "sent"


def _is_permanent_api_error(error: Exception) -> bool:
    code = getattr(error, "status_code", None)
    return isinstance(error, AnymailAPIError) and code is not None and 400 <= code < 500 and code != 429


def _failed(message: OutboxMessage, error: Exception, now: datetime) -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.FAILED, last_error=str(error)[:2000])
    log.error("outbox: message %s failed for good: %s", message.pk, error)
    return "failed"


def outbox_record_delivery(*, message_id: str, event_type: str, detail: str, at: datetime) -> int:
    """Record a provider tracking event on the message it is about; returns rows updated."""
    if not message_id:
        return 0
    return OutboxMessage.objects.filter(provider_message_id=message_id).update(
        delivery_status=event_type, delivery_detail=detail[:2000], delivery_updated_at=at
    )
