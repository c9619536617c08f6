"""The transactional mail outbox: queue mail with the change that causes it, send it after commit.

- `mail_enqueue` renders a message and stores it in the caller's transaction, then asks a worker
  to send it once that transaction commits. If the broker is down, the row simply waits.
- `outbox_send` sends one row through Django's mail API (django-anymail in production) by the
  shared delivery mechanism (`delivery.attempt`: claim, send, retry with backoff, give up);
  permanent failures are recorded for staff to see.
- `outbox_due` lists what a periodic drain must (re)send: rows whose send task was lost, and rows
  left half-sent by a worker that died, which are sent again (at least once: the stable
  Message-ID header lets providers and mail clients drop the rare duplicate).
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models.constants import OnConflict
from django.template.loader import render_to_string
from django.utils import timezone

from helpdesk.messaging import delivery
from helpdesk.models import OutboxMessage, OutboxStatus, Tenant

if TYPE_CHECKING:
    from tickets.models import Case

QUEUE = delivery.Queue(
    model=OutboxMessage, task="helpdesk.tasks.outbox_send", label="outbox: message", done=OutboxStatus.SENT
)
MAX_ATTEMPTS = QUEUE.max_attempts
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
    message = mail_build(
        tenant=tenant, kind=kind, to=to, context=context, cc=cc, case=case, reply_to=reply_to, dedupe_key=dedupe_key
    )
    if message is None or not _insert_unless_duplicate(message):
        return None
    delivery.send_after_commit(QUEUE, message.pk)
    return message


def mail_build(
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
    """The rendered, unsaved message `mail_enqueue` would queue (None without a recipient)."""
    recipients = _unique(to)
    copies = _unique(cc, skip=recipients)
    if not recipients:
        return None
    context = {**context, "tenant": tenant, "site_url": settings.SITE_URL}
    text = render_to_string(f"emails/{kind}.txt", context, using="mail_text")  # not HTML: no escaping
    subject, _, body = text.strip().partition("\n")
    return OutboxMessage(
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


def mail_enqueue_many(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Queue built messages whose dedupe keys are new (a set-based step's own events): one INSERT,
    and one hand-over to the workers after commit."""
    created = OutboxMessage.objects.bulk_create(messages, batch_size=1000)
    delivery.send_many_after_commit(QUEUE, [m.pk for m in created])
    return created


def _insert_unless_duplicate(message: OutboxMessage) -> bool:
    """Insert the message unless one with its dedupe key exists: INSERT … ON CONFLICT DO NOTHING,
    one statement instead of an insert in a savepoint, and a duplicate cannot abort the caller's
    transaction. (Django's bulk_create(ignore_conflicts=True) would not return the new id.)"""
    meta = OutboxMessage._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    rows = OutboxMessage.objects._insert(  # type: ignore[attr-defined]  # private: see the docstring
        [message], fields=fields, returning_fields=meta.db_returning_fields, on_conflict=OnConflict.IGNORE
    )
    if not rows or rows[0] is None:
        return False
    for value, field in zip(rows[0], meta.db_returning_fields, strict=True):
        setattr(message, field.attname, value)
    message._state.adding = False
    return True


def outbox_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Ids of messages a drain should send now."""
    return delivery.due_ids(QUEUE, now=now, limit=limit)


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
    return delivery.attempt(
        QUEUE, message_id, now=now, load=lambda pk: OutboxMessage.objects.get(pk=pk), send=lambda m: _send(m, now)
    )


def _send(message: OutboxMessage, now: datetime) -> delivery.Result:
    email = _email(message)
    try:
        email.send()
    except PERMANENT_ERRORS as error:
        return _error(delivery.Outcome.FAILED, error)
    except (TimeoutError, AnymailAPIError, smtplib.SMTPException, OSError) as error:
        permanent = _is_permanent_api_error(error)
        return _error(delivery.Outcome.FAILED if permanent else delivery.Outcome.RETRY, error)
    status = getattr(email, "anymail_status", None)  # set by django-anymail backends
    return delivery.Result(
        delivery.Outcome.DONE,
        {
            "sent_at": now,
            "last_error": "",
            "provider_message_id": str(status.message_id) if status and status.message_id is not None else "",
            "delivery_status": ",".join(sorted(status.status)) if status and status.status else "sent",
            "delivery_updated_at": now,
        },
    )


def _error(outcome: delivery.Outcome, error: Exception) -> delivery.Result:
    return delivery.Result(outcome, {"last_error": str(error)[:2000]}, reason=str(error))


def _is_permanent_api_error(error: Exception) -> bool:
    code = getattr(error, "status_code", None)
    return isinstance(error, AnymailAPIError) and code is not None and 400 <= code < 500 and code != 429


def outbox_record_delivery(*, message_id: str, event_type: str, detail: str, at: datetime) -> int:
    """Record a provider tracking event on the message it is about; returns rows updated."""
    if not message_id:
        return 0
    return OutboxMessage.objects.filter(provider_message_id=message_id).update(
        delivery_status=event_type, delivery_detail=detail[:2000], delivery_updated_at=at
    )
