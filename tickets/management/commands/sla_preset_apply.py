"""`manage.py sla_preset_apply`: give a tenant a ready-made priority scheme, plans, calendars and targets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.models import Tenant
from sla.presets import PRESETS
from tickets.services import preset_apply


class Command(BaseCommand):
    help = "Apply a seed preset (storeconnect or magento-oms) to a tenant. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="Tenant slug.")
        parser.add_argument("--preset", required=True, choices=sorted(PRESETS), help="Preset name.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant “{options['tenant']}”.", returncode=2)
        policy = preset_apply(tenant=tenant, preset=PRESETS[options["preset"]])
        self.stdout.write(f"{tenant.slug}: preset {options['preset']} applied; SLA policy is v{policy.version}.")
