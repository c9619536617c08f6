"""Which webhook event each case event is, and what its delivery says."""

from __future__ import annotations

from typing import Any

from helpdesk.messaging.webhooks import webhook_build, webhook_emit, webhook_endpoints
from helpdesk.models import WebhookDelivery, WebhookEndpoint
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
    if name is not None:
        webhook_emit(tenant=event.case.tenant, event=name, payload=payload(event), endpoints=_endpoints(event.case))


def build(event: CaseEvent) -> list[WebhookDelivery]:
    """The unsaved deliveries `emit` would queue, for a set-based step that inserts them in bulk."""
    name = webhook_event_name(event.code)
    if name is None:
        return []
    return webhook_build(tenant=event.case.tenant, event=name, payload=payload(event), endpoints=_endpoints(event.case))


def payload(event: CaseEvent) -> dict[str, Any]:
    case = event.case
    return {
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


def _endpoints(case: Case) -> list[WebhookEndpoint]:
    """The tenant's endpoints, read once per case instance. Services record all the events of one
    step on the case they locked (a fresh instance per step), so a step reads them once however
    many events it emits. A set-based step puts each tenant's endpoints there (`endpoints_preload`)."""
    cache = vars(case)  # on the instance, so it lives exactly as long as the step's locked case
    if "_webhook_endpoints" not in cache:
        cache["_webhook_endpoints"] = webhook_endpoints(tenant=case.tenant)
    endpoints: list[WebhookEndpoint] = cache["_webhook_endpoints"]
    return endpoints


def endpoints_preload(case: Case, endpoints: list[WebhookEndpoint]) -> None:
    """Give `_endpoints` the case's tenant's endpoints, read once for many cases."""
    vars(case)["_webhook_endpoints"] = endpoints
