"""Run inside the peer's environment (bench/peer/run.py): one staff user with a DRF token, one
queue and one ticket to copy. Prints them as JSON on its last line."""

from __future__ import annotations

import json
import os
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

PASSWORD = os.environ["PEER_PASSWORD"]
# By name at run time: these are the peer's models (our type checker knows only our own).
MODELS = {"drf_key": "authtoken.Token", "queue": "helpdesk.Queue", "ticket": "helpdesk.Ticket"}


def main() -> None:
    user_model: Any = get_user_model()
    staff = user_model.objects.filter(username="staff").first()
    if staff is None:
        staff = user_model.objects.create_superuser("staff", "staff@peer.test", PASSWORD)
    staff.set_password(PASSWORD)  # each run signs in with a password of its own
    staff.save(update_fields=["password"])
    token_model, queue_model = apps.get_model(MODELS["drf_key"]), apps.get_model(MODELS["queue"])
    ticket_model: Any = apps.get_model(MODELS["ticket"])
    token, _ = token_model.objects.get_or_create(user=staff)
    queue, _ = queue_model.objects.get_or_create(
        slug="support", defaults={"title": "Support", "email_address": "support@peer.test"}
    )
    template = ticket_model.objects.order_by("pk").first()
    if template is None:
        template = ticket_model.objects.create(
            title="Checkout error at store 1",
            queue=queue,
            submitter_email="merchant@peer.test",
            description="Orders stopped syncing at 10:00.",
            priority=3,
        )
    print(json.dumps({"token": token.key, "queue": queue.pk, "template": template.pk, "staff": staff.pk}))


main()
