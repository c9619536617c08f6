"""The claim-and-retry queue shared by the mail outbox and webhook deliveries.

Rows have `status` (pending → sending → done or failed), `next_attempt_at`, `claimed_at` and
`attempts`. A sender claims a row with a conditional UPDATE and acts only when it won; a row left
"sending" by a worker that died is claimable again after STALE_CLAIM.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q

PENDING, SENDING = "pending", "sending"
STALE_CLAIM = timedelta(minutes=10)


def _claimable(now: datetime) -> Q:
    return Q(status=PENDING, next_attempt_at__lte=now) | Q(status=SENDING, claimed_at__lte=now - STALE_CLAIM)


def due_ids(model: type[models.Model], *, now: datetime, limit: int = 500) -> list[int]:
    """Rows to send now: pending and due, or abandoned mid-send."""
    rows = model._default_manager.filter(_claimable(now)).order_by("next_attempt_at")
    return list(rows.values_list("pk", flat=True)[:limit])


def claim(model: type[models.Model], pk: int, *, now: datetime) -> bool:
    """Take one row for sending; True only for the one caller whose UPDATE changed it."""
    updated = model._default_manager.filter(_claimable(now), pk=pk).update(
        status=SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return updated == 1


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))
