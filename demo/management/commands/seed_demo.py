"""`manage.py seed_demo`: load both seed presets as the two demo tenants. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.seed import DEMO_PASSWORD, demo_logins, seed_demo, seed_demo_history


class Command(BaseCommand):
    help = "Load the demo tenants (storeconnect, magento-oms) with staff, accounts and stores. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history", action="store_true", help="Also add about 90 days of past cases per tenant (once)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo()
        if options["history"]:
            seed_demo_history()
        self.stdout.write(f"Demo data ready. Every demo password is {DEMO_PASSWORD}.")
        if options["verbosity"] > 1:
            for email, what in demo_logins():
                self.stdout.write(f"  {email:42} {what}")
