"""What every case service shares: locking the case, checking actors, writing events."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone

from helpdesk.errors import Conflict, IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import User
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from helpdesk.tenancy import customer_account_ids
from helpdesk.validators import validate_email_list
from tickets import notifications, webhook_events
from tickets.models import Case, CaseEvent, Escalation, EscalationState, Priority, Status, work_rank

# What each status allows, for error messages that say what can be done instead.
ALLOWED_ACTIONS = {
    Status.NEW: "assign it, reply, ask for information, change its priority or propose a resolution",
    Status.OPEN: "reply, ask for information, reassign it, change its priority or propose a resolution",
    Status.WAITING: "wait for the merchant's reply, reply again, or propose a resolution",
    Status.REOPENED: "assign or reply to it, ask for information, or propose a resolution",
    Status.RESOLVED: "the merchant confirms (closing it) or reopens it; staff can close it by agreement",
    Status.CLOSED: "reopen it",
}


def now_or(at: datetime | None) -> datetime:
    return at or timezone.now()


# What services and the mail they cause read from a locked case, loaded with it in one query.
LOCKED_CASE_RELATED = (
    "tenant",
    "priority",
    "plan",
    "sla_policy",
    "account",
    "account__technical_contact",
    "requester",
    "assignee",
    "assignee__staff_profile",  # whether the owner wants notification mail (tickets.staff_notifications)
)


def lock_case(case: Case, *, expected_version: int | None = None, closing: bool = False) -> Case:
    """Re-read the case under a row lock, so concurrent changes queue instead of overwriting.

    With `expected_version`, refuse when someone changed the case since the caller read it. With
    `closing`, the read also says whether the case has unresolved escalations (`open_escalations`),
    so that a closing step reads them only when there are some.
    """
    # Lock the bare row first: PostgreSQL rechecks a locked row's joins against the rows it saw
    # before waiting, so a join on a foreign key that the other transaction changed would lose
    # the row. Once the lock is held, a fresh read sees the committed state.
    cases = Case.objects.filter(tenant_id=case.tenant_id, pk=case.pk)
    cases.select_for_update().values_list("pk", flat=True).get()
    related = cases.select_related(*LOCKED_CASE_RELATED)
    if closing:
        escalations = Escalation.objects.filter(tenant_id=OuterRef("tenant_id"), case=OuterRef("pk"))
        unresolved = Exists(escalations.exclude(state=EscalationState.RESOLVED))
        locked: Case = related.annotate(open_escalations=unresolved).get()
    else:
        locked = related.get()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            f"Case {locked.number} was changed by someone else since you opened it. "
            "Reload it to see their change, then try again."
        )
    return locked


def save_case(case: Case, fields: Iterable[str], *, at: datetime) -> None:
    """Save the changed fields, bump the version, and keep the case's place in the work order
    (its status or priority may have changed)."""
    case.version += 1
    case.updated_at = at
    case.work_rank = work_rank(status=case.status, priority=case.priority)
    stale = ["rollup_stale"] if case.rollup_stale else []  # tickets.account_rollup.account_sla_mark
    case.save(update_fields=[*fields, "version", "updated_at", "work_rank", *stale])


def record(
    case: Case,
    code: str,
    *,
    actor: User | None,
    at: datetime,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    note: str = "",
    notify: bool = True,
    escalation: Escalation | None = None,
) -> CaseEvent:
    """Append an event to the case history and queue the mail and webhook deliveries it causes.

    Every event of every service is recorded here, inside the step's transaction: this is the one
    place where "an event was recorded" is handled, so whatever an event should cause (mail,
    webhooks, staff notifications) is called from here. `escalation`: the one the event is about,
    as the service holds it, so its staff mail (which shows its notes) does not read it again."""
    event = CaseEvent.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        code=code,
        actor=actor,
        created_at=at,
        old=old or {},
        new=new or {},
        note=note,
    )
    if escalation is not None:
        event.held_escalation = escalation
    if notify:
        notifications.notify(event)
    webhook_events.emit(event)
    return event


def illegal(case: Case, action: str) -> IllegalTransition:
    return IllegalTransition(
        f"Case {case.number} is {case.get_status_display().lower()}: it cannot be {action}. "
        f"From here you can {ALLOWED_ACTIONS[Status(case.status)]}."
    )


def check_actor(case: Case, actor: User) -> None:
    """The actor must belong to the case's tenant (and, for merchants and partners, its account)."""
    if actor.tenant_id != case.tenant_id:
        raise NotFound("No such case.")
    accounts = customer_account_ids(actor)
    if accounts is not None and case.account_id not in accounts:
        raise NotFound("No such case.")


def require_staff(case: Case, actor: User, what: str) -> None:
    check_actor(case, actor)
    if not actor.is_support_staff:
        raise PermissionDenied(f"Only support staff can {what}.")


def require_merchant(case: Case, actor: User, what: str) -> None:
    check_actor(case, actor)
    if actor.role not in MERCHANT_ROLES:
        raise PermissionDenied(f"Only the merchant can {what}.")


def check_staff_user(case: Case, user: User) -> None:
    if user.tenant_id != case.tenant_id or user.role not in STAFF_ROLES:
        raise NotFound("No such analyst in this support team.")


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, errors={field: [message]})
    return value


def check_cc_emails(emails: object) -> list[str]:
    """A list of e-mail addresses to copy on case mail, or a ValidationFailed naming the bad one."""
    try:
        validate_email_list(emails)
    except DjangoValidationError as error:
        raise ValidationFailed(str(error.messages[0]), errors={"cc_emails": list(error.messages)}) from None
    return list(cast("list[str]", emails))  # validated above: a list of addresses


def refuse_retired_priority(priority: Priority) -> None:
    """A retired priority is not chosen anew: not for a new case, not as a case's new priority.
    Cases already at it keep it (nothing here touches them)."""
    if priority.retired:
        raise ValidationFailed(
            f"Priority {priority.name} is retired: choose another priority.",
            errors={"priority": ["Retired: choose another priority."]},
        )
