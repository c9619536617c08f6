"""What the case page tests share: a filled-in new-case form, and posting an action from a case page."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tickets.models import Case
from tickets.tests.factories import CaseSetup

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(setup: CaseSetup, **overrides: Any) -> dict[str, Any]:
    data = {
        "subject": "Orders stopped syncing",
        "priority": setup.normal.pk,
        "category": "incident",
        "description": "No orders since 10:00.",
        "steps_to_reproduce": "Place an order; look in the back office.",
        "recent_changes": "Upgraded the payment plug-in yesterday.",
        "business_impact": "Orders ship late.",
    }
    return {**data, **overrides}


def act(client: Client, case: Case, action: str, **data: Any) -> Any:
    """Post the action from the case page at the case's current version."""
    case.refresh_from_db()
    return client.post(f"/cases/{case.number}/do/{action}/", {"version": case.version, **data})
