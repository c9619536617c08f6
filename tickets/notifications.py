"""Which mail each case event causes, to whom. Called for every event, inside its transaction.

Case mail goes to the requester and the account's technical contact, copied to the account's and
the case's CC addresses, with a signed reply address that turns replies into comments. Staff
mail goes to the assignee (or the tenant's analysts), the managers, or senior management.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.crypto import constant_time_compare

from helpdesk.messaging.outbox import mail_enqueue
from helpdesk.models import Account, User
from sla.models import SlaClock, Unit
from tickets import staff_notifications, visibility
from tickets.models import Case, CaseEvent, Comment, Escalation, RaisedBy
from tickets.public_policy import service_hours


def reply_address(case: Case) -> str:
    """reply+<case id>.<signature>@<domain>: replies come back to this case and no other."""
    return f"reply+{case.pk}.{_signature(case.pk)}@{settings.MAIL_DOMAIN}"


def case_from_reply_address(address: str) -> int | None:
    """The case id a reply address names, when its signature is right."""
    local = address.split("@", 1)[0].lower()
    if not local.startswith("reply+") or "." not in local:
        return None
    case_id, _, signature = local.removeprefix("reply+").partition(".")
    if not case_id.isdigit() or not constant_time_compare(signature, _signature(int(case_id))):
        return None
    return int(case_id)


def _signature(case_id: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"case-reply:{case_id}".encode(), hashlib.sha256).hexdigest()[:20]


def merchant_zone(case: Case) -> ZoneInfo:
    return ZoneInfo(case.requester.time_zone or case.account.time_zone or case.tenant.time_zone)


def _case_mail(event: CaseEvent, kind: str, **context: object) -> None:
    case = event.case
    account = case.account
    mail_enqueue(
        tenant=case.tenant,
        kind=kind,
        to=[case.requester.email, _contact_email(case)],
        cc=[*account.cc_addresses, *case.cc_emails],
        case=case,
        reply_to=reply_address(case),
        dedupe_key=f"event:{event.pk}:{kind}",
        context={"case": case, "event": event, "zone": merchant_zone(case), **context},
    )


def _contact_email(case: Case) -> str:
    account = case.account
    if account.technical_contact_id is None:
        return ""
    # lock_case loads the contact with the case; read it again (through the tenant) only otherwise.
    if Account.technical_contact.is_cached(account):
        contact = account.technical_contact
        return contact.email if contact is not None and contact.tenant_id == case.tenant_id else ""
    emails = (
        User.objects.for_tenant(case.tenant).filter(pk=account.technical_contact_id).values_list("email", flat=True)
    )
    return emails.first() or ""


def _comment(event: CaseEvent) -> Comment | None:
    return (
        Comment.objects.for_tenant(event.case.tenant)
        .select_related("author")
        .filter(pk=event.new.get("comment"))
        .first()
    )


def _escalation(event: CaseEvent, *, customer: bool) -> Escalation:
    """The event's escalation with its text as the mail's readers may see it (tickets.visibility)."""
    escalations = Escalation.objects.for_tenant(event.case.tenant).select_related("owner", "raised_by_user")
    return visibility.escalations_for(escalations, customer=customer).get(pk=event.new["escalation"])


def on_opened(event: CaseEvent) -> None:
    started = event.case.opening_clocks  # case_open's, when it is the step that queues this mail
    if started is None:
        rows = SlaClock.objects.for_tenant(event.case.tenant).filter(case=event.case)
        started = list(rows.select_related("calendar"))
    clocks = {c.metric: c for c in started}
    business = [c.calendar for c in clocks.values() if Unit.is_business(c.unit)]
    _case_mail(event, "case_acknowledgement", clocks=clocks, service_hours=service_hours(business))


def on_commented(event: CaseEvent) -> None:
    _case_mail(event, "case_comment", comment=_comment(event))


def on_information_requested(event: CaseEvent) -> None:
    _case_mail(event, "case_information_requested", comment=_comment(event))


def on_resolution_proposed(event: CaseEvent) -> None:
    _case_mail(event, "case_resolution_proposed", comment=_comment(event))


# What apps above tickets do when a case closes (surveys invites the merchant), registered from
# their AppConfig.ready so that tickets imports none of them. Each runs in the closing transaction.
CaseClosedHandler = Callable[..., object]
_case_closed_handlers: list[CaseClosedHandler] = []


def register_case_closed_handler(handler: CaseClosedHandler) -> None:
    """Call `handler(case=..., at=...)` whenever a case closes (registering twice is harmless)."""
    if handler not in _case_closed_handlers:
        _case_closed_handlers.append(handler)


def on_closed(event: CaseEvent) -> None:
    _case_mail(event, "case_closed")
    for handler in _case_closed_handlers:
        handler(case=event.case, at=event.created_at)


def on_engineering_changed(event: CaseEvent) -> None:
    _case_mail(event, "case_engineering_changed")


def on_reassigned(event: CaseEvent) -> None:
    _case_mail(event, "case_reassigned")  # who owns it now; the reassignment note stays staff-only


def on_priority_changed(event: CaseEvent) -> None:
    _case_mail(event, "case_priority_changed")  # with its reason: the merchant sees why


def on_escalation_raised(event: CaseEvent) -> None:
    # Staff hear of it through tickets.staff_notifications; the merchant gets the confirmation.
    if event.new.get("raised_by") == RaisedBy.MERCHANT:
        _case_mail(event, "escalation_raised", escalation=_escalation(event, customer=True))


def on_escalation_acknowledged(event: CaseEvent) -> None:
    _case_mail(event, "escalation_acknowledged", escalation=_escalation(event, customer=True))


def on_escalation_resolved(event: CaseEvent) -> None:
    _case_mail(event, "escalation_resolved", escalation=_escalation(event, customer=True))


HANDLERS: dict[str, Callable[[CaseEvent], None]] = {
    "case.opened": on_opened,
    "case.commented": on_commented,
    "case.information_requested": on_information_requested,
    "case.resolution_proposed": on_resolution_proposed,
    "case.closed": on_closed,
    "case.engineering_changed": on_engineering_changed,
    "case.priority_changed": on_priority_changed,
    "case.reassigned": on_reassigned,
    "escalation.raised": on_escalation_raised,
    "escalation.acknowledged": on_escalation_acknowledged,
    "escalation.resolved": on_escalation_resolved,
}


def notify(event: CaseEvent) -> None:
    handler = HANDLERS.get(event.code)
    if handler is not None:
        handler(event)
    staff_notifications.notify_staff(event)
