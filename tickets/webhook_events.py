"""Which webhook event each case event is, and what its delivery says."""

from __future__ import annotations

from helpdesk.messaging.webhooks import webhook_emit
from tickets.models import CaseEvent
from tickets.visibility import STAFF_ONLY_EVENTS

DIRECT = {
    "case.opened": "case.created",
    "case.commented": "case.commented",
    "case.customer_replied": "case.commented",
    "case.closed": "case.closed",
    "sla.at_risk": "sla.at_risk",
    "sla.breached": "sla.breached",
    "escalation.raised": "escalation.raised",
}
# Internal notes stay inside the product (tickets.visibility); files and met targets are no webhook events.
NOT_SENT = STAFF_ONLY_EVENTS | {"sla.met", "attachment.added"}


def webhook_event_name(code: str) -> str | None:
    if code in NOT_SENT:
        return None
    return DIRECT.get(code, "case.updated")


def emit(event: CaseEvent) -> None:
    name = webhook_event_name(event.code)
    if name is None:
        return
    case = event.case
    payload = {
        "occurred_at": event.created_at.isoformat(),
        "case": {
            "number": case.number,
            "subject": case.subject,
            "status": case.status,
            "priority": case.priority.name,
            "account": case.account.slug,
            "assignee": case.assignee.email if case.assignee is not None else None,
        },
        "change": {"code": event.code, "old": event.old, "new": event.new},
    }
    webhook_emit(tenant=case.tenant, event=name, payload=payload)
