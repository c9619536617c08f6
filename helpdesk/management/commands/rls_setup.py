"""`manage.py rls_setup [--app-role NAME] [--create-role]`: row-level security policies on every
tenant-owned table, and the application role's grants (run as the tables' owner, after migrate)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk import rls


class Command(BaseCommand):
    help = "Install the tenant policies and grant the application role the data (PostgreSQL only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app-role", default=rls.DEFAULT_APP_ROLE, help="The role web and workers connect as.")
        parser.add_argument(
            "--create-role",
            action="store_true",
            help="Create the role (NOLOGIN, no BYPASSRLS) when missing; give it a password and LOGIN yourself.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not rls.active():
            raise CommandError("Row-level security needs PostgreSQL; this database has none.", returncode=2)
        role = options["app_role"]
        if not rls.role_exists(role):
            if not options["create_role"]:
                raise CommandError(f"No role “{role}”: create it, or pass --create-role.", returncode=2)
            rls.create_role(role)
        tables = rls.install(app_role=role)
        self.stdout.write(f"{len(tables)} tables under row-level security; role {role} granted their rows.")
