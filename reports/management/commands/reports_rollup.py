"""`manage.py reports_rollup [--days N] [--tenant SLUG]`: recount the dashboard's and the customer
SLA report's daily roll-ups of the last N days (after an import, a restore, or when first deploying
the reports; the customer SLA report reaches 36 months back, so `--days 1100` fills all of it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from helpdesk.models import Tenant
from reports.services import rollup_recent
from tickets.account_rollup import account_rollup_recent


class Command(BaseCommand):
    help = "Recount the dashboard's and the customer SLA report's daily roll-ups of the last N days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=400, help="How many days back, today included (400).")
        parser.add_argument("--tenant", help="Only this tenant (its slug).")

    def handle(self, *args: Any, days: int, tenant: str | None, **options: Any) -> None:
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        tenants = Tenant.objects.all()
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"No tenant “{tenant}”.")
        now = timezone.now()
        for each in tenants:
            rollup_recent(tenant=each, now=now, days=days)
            account_rollup_recent(tenant=each, now=now, days=days)
            self.stdout.write(f"{each.slug}: {days} days recounted")
