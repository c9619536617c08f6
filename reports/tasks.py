"""Beat keeps the daily roll-ups current: the dashboard's and the customer SLA report's today and
yesterday of every tenant, and, every minute, the customer SLA report's days marked changed."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from helpdesk.models import Tenant
from reports.services import rollup_recent
from tickets.account_rollup import account_rollup_recent, rollup_marked


@shared_task(name="reports.rollup_recent", acks_late=True, ignore_result=True)
def rollup_recent_days() -> int:
    """Recount today and yesterday (each tenant's own days): yesterday too, so the clocks decided
    in its last minutes, after the previous run, are counted. Idempotent: a rerun writes the same rows."""
    now = timezone.now()
    tenants = Tenant.objects.only("pk", "time_zone", "created_at")
    recounted = 0
    for tenant in tenants:
        recounted += len(rollup_recent(tenant=tenant, now=now))
        account_rollup_recent(tenant=tenant, now=now)
    return recounted


@shared_task(name="reports.rollup_account_marks", acks_late=True, ignore_result=True)
def rollup_account_marks() -> int:
    """Recount the customer SLA report's days that a case change marked (tickets.account_rollup):
    until this runs the report counts those days live, so this keeps the report fast, not right."""
    return sum(rollup_marked(tenant=tenant) for tenant in Tenant.objects.only("pk"))
