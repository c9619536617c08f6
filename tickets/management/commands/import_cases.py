"""`manage.py import_cases FILE --tenant SLUG [--dry-run]`: cases from another helpdesk (CSV or JSON lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.models import Tenant
from tickets.imports import check_rows, import_cases, read_rows


class Command(BaseCommand):
    help = (
        "Import cases (CSV with a header, or JSON lines). Columns: number, account (slug), subject, description, "
        "priority (name), opened_at (ISO 8601 with offset); optional requester (e-mail), status (default closed), "
        "category, resolved_at, closed_at, source. Nothing is written when any row is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row and report; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant “{options['tenant']}”.", returncode=2)
        path: Path = options["file"]
        try:
            rows = list(read_rows(path))
        except (OSError, ValueError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}", returncode=2) from None
        checked = check_rows(tenant=tenant, rows=rows, source="jsonl" if path.suffix.lower() != ".csv" else "csv")
        for problem in checked.errors:
            self.stderr.write(str(problem))
        if checked.errors:
            raise CommandError(f"{len(checked.errors)} problem(s) in {path}; nothing was imported.", returncode=2)
        if options["dry_run"]:
            self.stdout.write(f"{len(checked.cases)} case(s) would be imported; nothing was written (dry run).")
            return
        total = len(checked.cases)

        def progress(done: int) -> None:
            width = 30
            filled = width * done // max(total, 1)
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            if done == total:
                self.stderr.write("")

        imported = import_cases(cases=checked.cases, progress=progress)
        self.stdout.write(f"Imported {imported} case(s) into {tenant.slug}.")
