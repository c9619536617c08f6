"""Each case's earliest running deadline (`Case.sla_due_at`, the queue's order) stored again after
a calendar change rescheduled its clocks (sla.services.reschedule tells us which cases)."""

from __future__ import annotations

from django.db.models import Min, OuterRef, Subquery

from sla.models import SlaClock
from tickets.models import Case

CHUNK = 5000


def cases_due_refresh(*, tenant_id: int, case_ids: list[int]) -> int:
    """One UPDATE per CHUNK cases, each taking the minimum of its unmet clocks' deadlines (as
    `sla.services.clocks.earliest_due` does). The cases' versions stay: nobody edited them."""
    earliest = (
        SlaClock.objects.filter(tenant_id=tenant_id, case=OuterRef("pk"), met_at__isnull=True, due_at__isnull=False)
        .order_by()
        .values("case")
        .annotate(earliest=Min("due_at"))
        .values("earliest")
    )
    updated = 0
    for start in range(0, len(case_ids), CHUNK):
        cases = Case.objects.filter(tenant_id=tenant_id, pk__in=case_ids[start : start + CHUNK])
        updated += cases.update(sla_due_at=Subquery(earliest))
    return updated
