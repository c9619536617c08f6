"""Store monitoring, the cases' part: beat's sweep queues a check per due store; a check that
reaches the store's failure threshold fires an availability alert through the alert service
(the path of POST /api/v1/alerts/, so one case per outage, deduplicated by the store's key), and
the first success after it resolves the alert, which notes the recovery on the case."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk.models import Store
from helpdesk.monitoring import OUTAGE, CheckResult, check_health, store_check_claim, store_check_record
from tickets.models import AlertKind, AlertSeverity
from tickets.services.alerts import alert_receive

log = logging.getLogger(__name__)


def store_alert_key(store: Store) -> str:
    return f"store-health-{store.pk}"


def store_check(*, store_id: int) -> str:
    """Run one check of a store unless another is running; returns what happened: busy (another
    check holds the store), up, down, outage or recovery."""
    timeout = float(settings.STORE_CHECK_TIMEOUT_SECONDS)
    # The lease outlives the longest check (connect plus answer, each within the timeout).
    lease = timedelta(seconds=2 * timeout + 30)
    store = store_check_claim(store_id=store_id, now=timezone.now(), lease=lease)
    if store is None:
        return "busy"
    result = check_health(store.health_url, timeout=timeout)
    at = timezone.now()
    with transaction.atomic():
        store, transition = store_check_record(store_id=store_id, result=result, at=at)
        if transition:
            _alert(store, transition=transition, result=result, at=at)
    return transition or ("up" if result.ok else "down")


def _alert(store: Store, *, transition: str, result: CheckResult, at: datetime) -> None:
    contact = store.account.technical_contact
    if contact is None:
        log.warning("store %s: %s not reported, its account has no technical contact", store.pk, transition)
        return
    if transition == OUTAGE:
        summary = (
            f"{store.name} is down: {store.consecutive_failures} health checks in a row failed (last: {result.error})"
        )
    else:
        summary = f"{store.name} is up again: its health check answered {result.status} in {result.latency_ms} ms"
    alert_receive(
        account=store.account,
        store=store,
        actor=contact,
        dedup_key=store_alert_key(store),
        kind=AlertKind.AVAILABILITY,
        severity=AlertSeverity.CRITICAL,
        summary=summary,
        firing=transition == OUTAGE,
        at=at,
    )
