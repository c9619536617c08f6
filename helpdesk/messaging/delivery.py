"""The one delivery mechanism of the mail outbox and webhook deliveries: hand a row to a worker
after commit, claim it, send it, retry with backoff, give up and record why.

Rows have `status` (pending → sending → done or failed), `next_attempt_at`, `claimed_at` and
`attempts`. A sender claims a row with a conditional UPDATE and acts only when it won, so two
workers (or a task and the drain) never send one row at once; a row left "sending" by a worker
that died is claimable again after STALE_CLAIM (sending is at least once). What a row is and how it
is sent is the caller's (`outbox`, `webhooks`): `attempt` takes a `send` function that reports a
`Result`, and records it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F, Q
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

PENDING, SENDING, FAILED = "pending", "sending", "failed"
STALE_CLAIM = timedelta(minutes=10)
MAX_ATTEMPTS = 8

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class Queue:
    """A table of rows to send, the worker task that sends one, and what "done" is called there."""

    model: type[models.Model]
    task: str  # import path of the Celery task taking the row's id, imported when first needed
    label: str  # for logs: "outbox: message 7 …"
    done: str  # the row's status, and `attempt`'s answer, once sent (e.g. "sent", "delivered")
    max_attempts: int = MAX_ATTEMPTS


class Outcome(Enum):
    DONE = "done"
    RETRY = "retry"  # a temporary failure: try again after the backoff, until max_attempts
    FAILED = "failed"  # permanent: give up now


@dataclass(frozen=True)
class Result:
    """What one attempt came to, the fields to record on the row, and why (for the log)."""

    outcome: Outcome
    fields: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def send_after_commit(queue: Queue, pk: int) -> None:
    """Ask a worker to send the row once the caller's transaction commits. If the broker is down
    the row simply waits for the periodic drain (`due_ids`)."""
    transaction.on_commit(lambda: _hand_to_worker(queue, pk), robust=True)


def send_many_after_commit(queue: Queue, pks: list[int]) -> None:
    """`send_after_commit` for many rows: one callback, one broker connection for all of them."""
    if pks:
        transaction.on_commit(lambda: _hand_many_to_worker(queue, pks), robust=True)


def _hand_many_to_worker(queue: Queue, pks: list[int]) -> None:
    task = import_string(queue.task)
    try:
        with task.app.producer_or_acquire() as producer:
            for pk in pks:
                task.apply_async(args=[pk], retry=False, producer=producer)
    except Exception:  # the broker is down: the periodic drain sends the rest later
        log.warning("%s: could not queue %d rows; the drain will send them", queue.label, len(pks), exc_info=True)


def _hand_to_worker(queue: Queue, pk: int) -> None:
    try:
        import_string(queue.task).apply_async(args=[pk], retry=False)
    except Exception:  # the broker is down: the periodic drain sends it later
        log.warning("%s %s: could not queue it; the drain will send it", queue.label, pk, exc_info=True)


def _claimable(now: datetime) -> Q:
    return Q(status=PENDING, next_attempt_at__lte=now) | Q(status=SENDING, claimed_at__lte=now - STALE_CLAIM)


def due_ids(queue: Queue, *, now: datetime, limit: int = 500) -> list[int]:
    """Rows to send now: pending and due, or abandoned mid-send."""
    rows = queue.model._default_manager.filter(_claimable(now)).order_by("next_attempt_at")
    return list(rows.values_list("pk", flat=True)[:limit])


def claim(queue: Queue, pk: int, *, now: datetime) -> bool:
    """Take one row for sending; True only for the one caller whose UPDATE changed it."""
    updated = queue.model._default_manager.filter(_claimable(now), pk=pk).update(
        status=SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return updated == 1


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return min(timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), timedelta(hours=1))


def attempt(queue: Queue, pk: int, *, now: datetime, load: Callable[[int], Row], send: Callable[[Row], Result]) -> str:
    """Claim the row, send it once and record the outcome: `queue.done`, "retry", "failed", or
    "skipped" when another sender has it (or it is not due)."""
    if not claim(queue, pk, now=now):
        return "skipped"
    row = load(pk)
    return _record(queue, row, send(row), now)


def _record(queue: Queue, row: models.Model, result: Result, now: datetime) -> str:
    rows = queue.model._default_manager.filter(pk=row.pk)
    attempts = getattr(row, "attempts", 0)
    if result.outcome is Outcome.DONE:
        rows.update(status=queue.done, **result.fields)
        return queue.done
    if result.outcome is Outcome.RETRY and attempts < queue.max_attempts:
        delay = backoff(attempts)
        rows.update(status=PENDING, next_attempt_at=now + delay, **result.fields)
        log.warning(
            "%s %s failed (attempt %s), retrying in %s: %s", queue.label, row.pk, attempts, delay, result.reason
        )
        return "retry"
    rows.update(status=FAILED, **result.fields)
    log.error("%s %s failed for good after %s attempts: %s", queue.label, row.pk, attempts, result.reason)
    return "failed"
