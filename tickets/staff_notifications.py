"""Staff notifications: who on the support team is told of a case event, in the product and by mail.

Called from `tickets.notifications.notify` for every case event, inside the event's transaction,
so a notification exists exactly when its change does. Each (recipient, event) gets at most one
notification (a unique constraint; a manager who also owns a breached case is told once), and
nobody is told of what they did themselves. Mail goes through the outbox to the recipients who
have not turned that kind off (`NotificationMailOff`), one message per event and kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk.messaging.outbox import mail_build, mail_enqueue
from helpdesk.models import OutboxMessage, Role, User
from helpdesk.roles import STAFF_ROLES
from sla.models import SlaClock
from tickets import visibility
from tickets.models import (
    Case,
    CaseEvent,
    Escalation,
    EscalationLevel,
    EscalationReason,
    Notification,
    NotificationKind,
    QueueSettings,
    RaisedBy,
    StaffProfile,
)

Kind = NotificationKind
Notices = list[tuple[str, list[User]]]

# The mail each kind sends: its template under templates/emails/ (staff_notification: generic).
MAIL_TEMPLATES = {Kind.AT_RISK: "sla_at_risk", Kind.BREACHED: "sla_breached"}


def _staff(case: Case, *roles: str) -> list[User]:
    """The tenant's active staff in these roles, read once per step (an opening that escalates
    tells the analysts and the managers) or once per sweep chunk (`staff_preload`)."""
    directory: dict[str, list[User]] | None = vars(case).get("_staff_directory")
    if directory is not None:  # a set-based step read the tenant's staff once
        return [u for role in roles for u in directory.get(role, [])]
    if case.active_staff is None:
        users = User.objects.for_tenant(case.tenant).filter(role__in=STAFF_ROLES, is_active=True)
        case.active_staff = list(users.select_related("staff_profile").order_by("pk"))
    return [user for user in case.active_staff if user.role in roles]


def _owner_or_analysts(case: Case) -> list[User]:
    """A case's owner; the tenant's analysts while nobody owns it."""
    return [case.assignee] if case.assignee is not None else _staff(case, Role.ANALYST)


def _owner(case: Case) -> list[User]:
    return [case.assignee] if case.assignee is not None else []


def _by_merchant(event: CaseEvent) -> bool:
    return event.actor_id is not None and event.actor is not None and event.actor.role == Role.MERCHANT


def _on_escalation(event: CaseEvent) -> Notices:
    if event.new.get("reason") == EscalationReason.SLA_BREACHED:
        return []  # the breach notification says it all
    notices: Notices = []
    if event.new.get("raised_by") == RaisedBy.MERCHANT:
        notices.append((Kind.ESCALATED, _owner(event.case)))
    return [*notices, (Kind.ESCALATION_RAISED, _staff(event.case, Role.MANAGER))]


def _on_breach(event: CaseEvent) -> Notices:
    return [(Kind.BREACHED, [*_owner_or_analysts(event.case), *_staff(event.case, Role.MANAGER)])]


def _merchant_only(kind: str) -> Callable[[CaseEvent], Notices]:
    return lambda event: [(kind, _owner_or_analysts(event.case))] if _by_merchant(event) else []


RULES: dict[str, Callable[[CaseEvent], Notices]] = {
    "case.opened": lambda e: [] if e.case.assignee_id else [(Kind.NEW_CASE, _staff(e.case, Role.ANALYST))],
    "case.assigned": lambda e: [(Kind.ASSIGNED, _owner(e.case))],
    "case.reassigned": lambda e: [(Kind.REASSIGNED, _owner(e.case))],
    "case.customer_replied": lambda e: [(Kind.CUSTOMER_REPLIED, _owner_or_analysts(e.case))],
    "attachment.added": _merchant_only(Kind.FILE_ADDED),
    "case.reopened": _merchant_only(Kind.REOPENED),
    "case.closure_requested": lambda e: [(Kind.CLOSURE_REQUESTED, _owner_or_analysts(e.case))],
    "escalation.raised": _on_escalation,
    "sla.at_risk": lambda e: [(Kind.AT_RISK, _owner_or_analysts(e.case))],
    "sla.breached": _on_breach,
}


def recipients(event: CaseEvent) -> Notices:
    """Who is told of this event, by kind: each person once (under the first kind that names
    them), never its actor, only active staff of the case's tenant."""
    rule = RULES.get(event.code)
    if rule is None:
        return []
    seen = {event.actor_id}
    notices: Notices = []
    for kind, users in rule(event):
        chosen = [
            u
            for u in users
            if u.pk not in seen and u.is_active and u.tenant_id == event.tenant_id and u.is_support_staff
        ]
        seen.update(u.pk for u in chosen)
        if chosen:
            notices.append((kind, chosen))
    return notices


def _may_be_told(user: User, event: CaseEvent) -> bool:
    return user.is_active and user.tenant_id == event.tenant_id and user.is_support_staff


def notify_staff(event: CaseEvent) -> list[Notification]:
    """Record the event's notifications and queue their mail (inside the caller's transaction)."""
    notices = recipients(event)
    if not notices and not _to_senior_management(event):
        return []
    created = Notification.objects.bulk_create(
        _notifications(event, notices),
        ignore_conflicts=True,  # a redelivered event notifies nobody twice
    )
    for kind, to in _mails(event, notices).items():
        mail_enqueue(**_mail_args(event, kind, to))
    return created


def staff_notices(event: CaseEvent, *, clock: SlaClock | None = None) -> tuple[list[Notification], list[OutboxMessage]]:
    """What `notify_staff` records for a new event, unsaved, for a set-based step that inserts
    many events' notifications and mail in bulk (preload the staff with `staff_preload`)."""
    notices = recipients(event)
    messages = [_mail_message(event, kind, to, clock) for kind, to in _mails(event, notices).items()]
    return _notifications(event, notices), [m for m in messages if m is not None]


def _mail_message(event: CaseEvent, kind: str, to: list[str], clock: SlaClock | None) -> OutboxMessage | None:
    return mail_build(**_mail_args(event, kind, to, clock=clock))


def staff_preload(case: Case, staff: list[User]) -> None:
    """Give `_staff` the case's tenant's active staff (with their profiles), read once for many cases."""
    directory: dict[str, list[User]] = {}
    for user in staff:
        directory.setdefault(user.role, []).append(user)
    vars(case)["_staff_directory"] = directory


def _notifications(event: CaseEvent, notices: Notices) -> list[Notification]:
    return [
        Notification(
            tenant_id=event.tenant_id,
            recipient=user,
            kind=kind,
            case=event.case,
            event=event,
            created_at=event.created_at,
        )
        for kind, users in notices
        for user in users
    ]


def _mails(event: CaseEvent, notices: Notices) -> dict[str, list[str]]:
    off = _mail_off(event, [u for _, users in notices for u in users])
    mails = {kind: [u.email for u in users if kind not in off.get(u.pk, ())] for kind, users in notices}
    if _to_senior_management(event):
        mails[Kind.ESCALATION_RAISED] = [
            event.case.tenant.senior_management_email,
            *mails.get(Kind.ESCALATION_RAISED, []),
        ]
    return mails


def _to_senior_management(event: CaseEvent) -> bool:
    return event.code == "escalation.raised" and event.new.get("level") == EscalationLevel.SENIOR_MANAGEMENT


def _mail_off(event: CaseEvent, users: list[User]) -> dict[int, list[str]]:
    """Each user's kinds not to mail: from the profile loaded with the user where it was (the
    analysts' and managers' query, the locked case's owner), else read in one scoped query."""
    off: dict[int, list[str]] = {}
    unread = []
    for user in users:
        if not User.staff_profile.is_cached(user):
            unread.append(user.pk)
            continue
        try:
            off[user.pk] = user.staff_profile.mail_off
        except StaffProfile.DoesNotExist:
            off[user.pk] = []
    if unread:
        profiles = StaffProfile.objects.for_tenant(event.case.tenant).filter(user__in=unread)
        off.update(profiles.values_list("user_id", "mail_off"))
    return off


def _mail_args(event: CaseEvent, kind: str, to: list[str], *, clock: SlaClock | None = None) -> dict[str, Any]:
    case = event.case
    context: dict[str, object] = {"case": case, "event": event, "zone": ZoneInfo(case.tenant.time_zone)}
    template = MAIL_TEMPLATES.get(Kind(kind), "staff_notification")
    if kind in (Kind.AT_RISK, Kind.BREACHED):
        context["clock"] = clock or SlaClock.objects.for_tenant(case.tenant).get(pk=event.new["clock"])
    elif kind == Kind.ESCALATION_RAISED:
        escalation = event.held_escalation
        if escalation is None or escalation.pk != event.new["escalation"]:
            escalations = Escalation.objects.for_tenant(case.tenant).select_related("owner", "raised_by_user")
            escalation = visibility.escalations_for(escalations, customer=False).get(pk=event.new["escalation"])
        context["escalation"] = escalation
        template = "escalation_raised_staff"
        if escalation.level == EscalationLevel.SENIOR_MANAGEMENT:
            template = "senior_management_alert"
    elif kind == Kind.NEW_CASE:
        team = QueueSettings.objects.for_tenant(case.tenant).values_list("team_email", flat=True).first()
        to = [team] if team else to
    context["headline"] = Kind(kind).label
    return {
        "tenant": case.tenant,
        "kind": template,
        "to": to,
        "case": case,
        "dedupe_key": f"event:{event.pk}:staff:{kind}",
        "context": context,
    }
