"""`manage.py purge_tenant SLUG --confirm SLUG`: offboard a tenant, deleting all of its data for good.

The only way past the database's protection of case history (helpdesk/purge.py). The slug is given
twice so a slip of the shell history cannot do it; every purge is logged with what it deleted.
"""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.models import Tenant
from helpdesk.purge import log, tenant_purge


class Command(BaseCommand):
    help = "Delete a tenant and every row and stored file it owns. Irreversible: name the tenant twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The tenant's slug.")
        parser.add_argument("--confirm", default="", help="The same slug again, to confirm.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug, confirm = options["slug"], options["confirm"]
        if confirm != slug:
            raise CommandError(f"Refusing: repeat the slug to confirm, e.g. purge_tenant {slug} --confirm {slug}.")
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant “{slug}”.")
        log.warning("purge_tenant %s (id %s) started by %s", slug, tenant.pk, getpass.getuser())
        result = tenant_purge(tenant_id=tenant.pk)
        rows = sum(result.rows.values())
        detail = ", ".join(f"{table} {count}" for table, count in sorted(result.rows.items()) if count)
        log.warning("purge_tenant %s finished: %s rows (%s), %s stored files", slug, rows, detail, result.files)
        self.stdout.write(f"Purged tenant {slug}: {rows} rows, {result.files} stored files.")
