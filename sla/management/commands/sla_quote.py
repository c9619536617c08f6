"""`manage.py sla_quote`: the committed SLA times for a plan and priority opened at a given time."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.errors import DomainError
from helpdesk.models import Tenant
from sla.selectors import quote_as_json, sla_quote
from tickets.selectors import plan_by_name, priority_by_name


def parse_opened_at(text: str, tenant: Tenant) -> datetime:
    """ISO 8601; a time without an offset is read in the tenant's time zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"--opened-at “{text}” is not an ISO 8601 time such as 2026-11-24T14:00:00+11:00.", returncode=2
        ) from None
    if not 1900 <= moment.year <= 9000:
        raise CommandError("--opened-at must lie between the years 1900 and 9000.", returncode=2)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tenant.time_zone))


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
        opened_at = parse_opened_at(options["opened_at"], tenant)
        try:
            plan = plan_by_name(tenant=tenant, name=options["plan"])
            priority = priority_by_name(tenant=tenant, name=options["priority"])
        except DomainError as error:
            raise CommandError(error.message, returncode=2) from None
        quotes = sla_quote(tenant=tenant, plan=plan, priority=priority, opened_at=opened_at)
        self.stdout.write(json.dumps(quote_as_json(quotes)))
