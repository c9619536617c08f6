"""`manage.py sla_quote`: the committed SLA times for a plan and priority opened at a given time."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.errors import DomainError
from helpdesk.models import Tenant
from sla.selectors import opening_instant, quote_as_json, sla_quote
from tickets.selectors import plan_by_name, priority_by_name


class Command(BaseCommand):
    help = "Print the SLA due times (JSON) for a case of a plan and priority opened at a time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="Tenant slug, e.g. storeconnect.")
        parser.add_argument("--plan", required=True, help="Plan name, any case.")
        parser.add_argument("--priority", required=True, help="Priority name, any case.")
        parser.add_argument("--opened-at", required=True, help="ISO 8601 time, e.g. 2026-11-24T14:00:00+11:00.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant “{options['tenant']}”.", returncode=2)
        try:
            opened_at = opening_instant(options["opened_at"], tenant=tenant)
        except DomainError as error:
            raise CommandError(f"--{error.message.replace('_', '-', 1)}", returncode=2) from None
        try:
            plan = plan_by_name(tenant=tenant, name=options["plan"])
            priority = priority_by_name(tenant=tenant, name=options["priority"])
        except DomainError as error:
            raise CommandError(error.message, returncode=2) from None
        quotes = sla_quote(tenant=tenant, plan=plan, priority=priority, opened_at=opened_at)
        self.stdout.write(json.dumps(quote_as_json(quotes)))
