"""Requests that must count once, claimed in one place for pages and the API.

A page's form (the same form sent twice: a double click, Back and send) and an API POST with an
`Idempotency-Key` both claim a key per user inside the transaction of the change they make, then
store the answer the first request got. A repeat within the window gets that answer back instead
of making the change again. Records older than the window are forgotten (`idempotency_purge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.models import IdempotencyRecord, Tenant, User

# How long an API Idempotency-Key or a form's submission is remembered.
IDEMPOTENCY_WINDOW = timedelta(hours=24)
KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length


@dataclass(frozen=True)
class Claim:
    """The record of a key; `first` when this request claimed it (it runs), False for a repeat
    (its `record` holds the first request's body hash and, once that one finished, its answer)."""

    record: IdempotencyRecord
    first: bool


def idempotency_claim(
    *,
    tenant: Tenant,
    user: User,
    key: str,
    request_hash: str,
    window: timedelta = IDEMPOTENCY_WINDOW,
    now: datetime | None = None,
) -> Claim:
    """Claim `key` for `user` inside the caller's transaction. A concurrent repeat waits on the
    unique key until the first commits (then it is a repeat) or rolls back (then it goes ahead);
    a claim older than `window` is taken over as a new request."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                tenant=tenant, user=user, key=key, request_hash=request_hash, created_at=now
            )
        return Claim(record, first=True)
    except IntegrityError:
        record = IdempotencyRecord.objects.for_tenant(tenant).select_for_update().get(user=user, key=key)
    if record.created_at >= now - window:
        return Claim(record, first=False)
    record.created_at, record.request_hash, record.status_code, record.response = now, request_hash, None, None
    record.save(update_fields=["created_at", "request_hash", "status_code", "response"])
    return Claim(record, first=True)


def idempotency_complete(*, record: IdempotencyRecord, status_code: int, response: Any) -> None:
    """Store the first request's answer, for repeats to get back."""
    record.status_code, record.response = status_code, response
    record.save(update_fields=["status_code", "response"])


def idempotency_records_purge(*, now: datetime) -> int:
    """Forget API idempotency keys and form submissions older than the window (run hourly)."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - IDEMPOTENCY_WINDOW).delete()
    return deleted
