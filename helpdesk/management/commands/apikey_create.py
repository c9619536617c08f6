"""`manage.py apikey_create --user EMAIL`: print a new API key for a user, and nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from helpdesk.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key acting as a user; prints the key (shown once) on stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The user's e-mail address.")
        parser.add_argument("--name", default="", help="What will use the key.")
        parser.add_argument("--expires-days", type=int, default=None, help="Days until the key stops working.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"No user “{options['user']}”.", returncode=2)
        days = options["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be at least 1.", returncode=2)
        try:
            _, raw = api_key_create(
                user=user, name=options["name"], expires_at=timezone.now() + timedelta(days=days) if days else None
            )
        except ValidationFailed as error:
            raise CommandError(error.message, returncode=2) from None
        self.stdout.write(raw)
