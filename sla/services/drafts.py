"""Writes of the SLA targets draft: the next version as the admin edits it, before publishing.
A draft is not a live setting, so saving one records nothing in the settings history; publishing
it does (`policy_publish`)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from helpdesk.models import Tenant, User
from sla.models import SlaDraft, SlaPolicy


@transaction.atomic
def draft_save(*, tenant: Tenant, values: dict[str, str], based_on: SlaPolicy | None, actor: User | None) -> SlaDraft:
    """Keep the grid as the admin left it (the form's data, already validated by the page)."""
    draft, _ = SlaDraft.objects.update_or_create(
        tenant=tenant,
        defaults={"values": values, "based_on": based_on, "updated_at": timezone.now(), "updated_by": actor},
    )
    return draft


@transaction.atomic
def draft_discard(*, tenant: Tenant) -> None:
    SlaDraft.objects.filter(tenant=tenant).delete()
