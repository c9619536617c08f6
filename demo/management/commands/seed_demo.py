"""`manage.py seed_demo`: load both seed presets as the two demo tenants. Idempotent."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.seed import DEMO_PASSWORD, demo_logins, seed_demo, seed_demo_history


class Command(BaseCommand):
    help = "Load the demo tenants (storeconnect, magento-oms) with staff, accounts and stores. Safe to run again."
    # `make demo` runs it right after `migrate`, which ran the system checks (a second or so).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history", action="store_true", help="Also add about 90 days of past cases per tenant (once)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        seed_demo()
        if options["history"]:
            for slug, seconds in seed_demo_history().items():
                done = "present already, nothing added" if seconds is None else f"written in {seconds:.1f} s"
                self.stdout.write(f"History of {slug}: {done}.")
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        self.stdout.write(f"Demo data ready in {wall:.1f} s ({cpu:.1f} s CPU). Every demo password is {DEMO_PASSWORD}.")
        if options["verbosity"] > 1:
            for email, what in demo_logins():
                self.stdout.write(f"  {email:42} {what}")
