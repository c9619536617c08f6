"""Beat keeps the dashboard's daily roll-ups current: today and yesterday of every tenant."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from helpdesk.models import Tenant
from reports.services import rollup_recent


@shared_task(name="reports.rollup_recent", acks_late=True, ignore_result=True)
def rollup_recent_days() -> int:
    """Recount today and yesterday (each tenant's own days): yesterday too, so the clocks decided
    in its last minutes, after the previous run, are counted. Idempotent: a rerun writes the same rows."""
    now = timezone.now()
    tenants = Tenant.objects.only("pk", "time_zone", "created_at")
    return sum(len(rollup_recent(tenant=tenant, now=now)) for tenant in tenants)
