"""Store monitoring, the platform's part: calling a store's health URL under the webhook address
rules, claiming due stores and each running check, and keeping the results on the store.

Acting on an outage (an availability alert that opens one case) is the tickets app's part
(`tickets/store_monitoring.py`), which calls these in order: `stores_claim_due` (beat's sweep),
`store_check_claim`, `check_health`, `store_check_record`.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from helpdesk.messaging import outbound_http
from helpdesk.metrics import record_store_check
from helpdesk.models import Store

CHECK_HISTORY_LENGTH = 20
USER_AGENT = "helpdesk-monitoring/1"
# Transitions store_check_record reports, for the caller to act on.
OUTAGE, RECOVERY = "outage", "recovery"


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    status: int | None  # the HTTP status, None when there was no answer
    latency_ms: int
    error: str  # why it failed, empty when it did not

    def as_history(self, at: datetime) -> dict[str, object]:
        return {"at": at.isoformat(), "ok": self.ok, "status": self.status, "ms": self.latency_ms, "error": self.error}


def check_health(url: str, *, timeout: float) -> CheckResult:
    """GET the health URL once: healthy is a 2xx answer within `timeout` seconds (connecting and
    waiting for the answer each). Redirects are not followed and count as failures."""
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        answer = outbound_http.get(url, headers={"User-Agent": USER_AGENT}, timeout=timeout)
        status = answer.status
        if not 200 <= status < 300:
            error = f"answered {status} {answer.phrase}".strip()
    except outbound_http.RefusedURL as refused:
        error = refused.message
    except TimeoutError:
        error = f"no answer within {timeout:g} s"
    except (OSError, http.client.HTTPException) as failure:
        error = str(failure) or type(failure).__name__
    latency_ms = round((time.monotonic() - started) * 1000)
    return CheckResult(ok=not error, status=status, latency_ms=latency_ms, error=error[:200])


def stores_claim_due(*, now: datetime, limit: int = 500) -> list[int]:
    """Monitored stores whose check is due, each claimed by moving its next check on by its
    interval with a conditional UPDATE: two sweeps at once queue each store once."""
    # Monitoring spans every tenant, like the SLA sweeps: no request scope is bound here.
    due = (
        Store.objects.exclude(health_url="")
        .filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
        .order_by("next_check_at")
        .values_list("pk", "next_check_at", "check_interval_seconds")[:limit]
    )
    claimed = []
    for pk, next_check_at, interval in due:
        unchanged = Q(next_check_at__isnull=True) if next_check_at is None else Q(next_check_at=next_check_at)
        moved = Store.objects.filter(unchanged, pk=pk).update(next_check_at=now + timedelta(seconds=interval))
        if moved == 1:
            claimed.append(pk)
    return claimed


def store_check_claim(*, store_id: int, now: datetime, lease: timedelta) -> Store | None:
    """The store, leased for one check until now + lease; None when another check holds it (or the
    store is gone or no longer monitored)."""
    free = Q(checking_until__isnull=True) | Q(checking_until__lte=now)
    claimed = Store.objects.filter(free, pk=store_id).exclude(health_url="").update(checking_until=now + lease)
    if claimed != 1:
        return None
    return Store.objects.select_related("account__technical_contact", "tenant").get(pk=store_id)


@transaction.atomic
def store_check_record(*, store_id: int, result: CheckResult, at: datetime) -> tuple[Store, str]:
    """Keep one result on the store and release its lease. Returns the store and OUTAGE when this
    failure reaches the threshold (once per outage), RECOVERY on the first success after one,
    else an empty string."""
    store = (
        Store.objects.select_for_update(of=("self",))
        .select_related("account__technical_contact", "tenant")
        .get(pk=store_id)
    )
    transition = ""
    if result.ok:
        store.consecutive_failures = 0
        if store.outage_open:
            store.outage_open, transition = False, RECOVERY
    else:
        store.consecutive_failures += 1
        if store.consecutive_failures >= store.failure_threshold and not store.outage_open:
            store.outage_open, transition = True, OUTAGE
    store.last_status = "up" if result.ok else "down"
    store.last_latency_ms = result.latency_ms
    store.last_checked_at = at
    store.checking_until = None
    store.check_history = [result.as_history(at), *store.check_history][:CHECK_HISTORY_LENGTH]
    store.save(
        update_fields=[
            "consecutive_failures",
            "outage_open",
            "last_status",
            "last_latency_ms",
            "last_checked_at",
            "checking_until",
            "check_history",
        ]
    )
    transaction.on_commit(lambda: record_store_check(ok=result.ok, latency_ms=result.latency_ms))
    return store, transition
