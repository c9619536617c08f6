"""Beat-driven SLA sweeps over cases. Each is short and idempotent: rows are claimed with
conditional UPDATEs. The task names keep their `sla.` prefix: beat's schedule and queued tasks
name them so."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tickets import sla_sweeps as sweeps


@shared_task(name="sla.sweep_warnings", acks_late=True, ignore_result=True)
def sweep_warnings() -> int:
    return sweeps.sweep_warnings(now=timezone.now())


@shared_task(name="sla.sweep_breaches", acks_late=True, ignore_result=True)
def sweep_breaches() -> int:
    return sweeps.sweep_breaches(now=timezone.now())


@shared_task(name="sla.sweep_auto_close", acks_late=True, ignore_result=True)
def sweep_auto_close() -> int:
    return sweeps.sweep_auto_close(now=timezone.now())


@shared_task(name="monitoring.sweep_stores", acks_late=True, ignore_result=True)
def sweep_stores() -> int:
    """Queue one check per store whose check is due (each claimed once, however many sweeps run)."""
    from helpdesk.monitoring import stores_claim_due

    claimed = stores_claim_due(now=timezone.now())
    for store_id in claimed:
        check_store.delay(store_id)
    return len(claimed)


@shared_task(name="monitoring.check_store", acks_late=True, ignore_result=True)
def check_store(store_id: int) -> str:
    from tickets.store_monitoring import store_check

    return store_check(store_id=store_id)


@shared_task(name="tickets.auto_assign", acks_late=True, ignore_result=True)
def auto_assign(case_id: int) -> bool:
    """Give a just-opened case to an analyst on shift (tickets.services.case_auto_assign)."""
    from tickets.models import Case
    from tickets.services import case_auto_assign

    case = Case.objects.filter(pk=case_id).first()
    return case is not None and case_auto_assign(case=case) is not None
