"""Which webhook event each case event is, and what its delivery says."""

from __future__ import annotations

from helpdesk.messaging.webhooks import webhook_emit, webhook_endpoints
from helpdesk.models import WebhookEndpoint
from tickets.models import Case, CaseEvent
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
            "assignee": case.assignee.email if case.assignee_id else None,
        },
        "change": {"code": event.code, "old": event.old, "new": event.new},
    }
    webhook_emit(tenant=case.tenant, event=name, payload=payload, endpoints=_endpoints(case))


def _endpoints(case: Case) -> list[WebhookEndpoint]:
    """The tenant's endpoints, read once per case instance. Services record all the events of one
    step on the case they locked (a fresh instance per step), so a step reads them once however
    many events it emits."""
    cache = vars(case)  # on the instance, so it lives exactly as long as the step's locked case
    if "_webhook_endpoints" not in cache:
        cache["_webhook_endpoints"] = webhook_endpoints(tenant=case.tenant)
    endpoints: list[WebhookEndpoint] = cache["_webhook_endpoints"]
    return endpoints
