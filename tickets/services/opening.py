"""Opening a case, from any channel, with its number, SLA clocks and any automatic escalation."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import F

from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import Account, Role, Store, Tenant, User
from sla.selectors import policy_current
from sla.services import clocks_plan, clocks_start, earliest_due
from tickets.models import (
    Case,
    CaseSequence,
    Category,
    Channel,
    EscalationLevel,
    EscalationReason,
    Plan,
    Priority,
    QueueSettings,
    RaisedBy,
    work_rank,
)
from tickets.services._common import check_cc_emails, now_or, record, require_text, save_case
from tickets.services.escalations import escalation_write


def next_case_number(tenant: Tenant) -> str:
    """The tenant's next case number. The sequence row stays locked until the transaction ends,
    so concurrent openings queue here and numbers are never handed out twice."""
    CaseSequence.objects.bulk_create([CaseSequence(tenant=tenant)], ignore_conflicts=True)
    sequence = CaseSequence.objects.for_tenant(tenant)
    while True:  # skip numbers that imported cases already hold
        sequence.update(last_number=F("last_number") + 1)
        number = f"{tenant.case_number_prefix}-{sequence.values_list('last_number', flat=True).get()}"
        if not Case.objects.for_tenant(tenant).filter(number=number).exists():
            return number


def _check_opening(
    *,
    tenant: Tenant,
    account: Account,
    requester: User,
    priority: Priority,
    store: Store | None,
    opened_by: User,
    channel: str,
) -> None:
    if account.tenant_id != tenant.pk or priority.tenant_id != tenant.pk:
        raise NotFound("No such account or priority.")
    if requester.account_id != account.pk:
        raise ValidationFailed(
            "The requester must be a user of the case's account.", errors={"requester": ["Not a user of this account."]}
        )
    if store is not None and store.account_id != account.pk:
        raise ValidationFailed(
            "That store belongs to another account.", errors={"store": ["Not this account's store."]}
        )
    if opened_by.tenant_id != tenant.pk:
        raise NotFound("No such account or priority.")
    if opened_by.role == Role.MERCHANT and (
        opened_by.pk != requester.pk or channel not in (Channel.PORTAL, Channel.API, Channel.EMAIL, Channel.MONITORING)
    ):
        raise PermissionDenied("Merchants open cases for themselves, from the portal, by e-mail or through the API.")
    if channel not in Channel.values:
        raise ValidationFailed(f"Unknown channel “{channel}”.", errors={"channel": ["Unknown channel."]})


def _plan(tenant: Tenant, account: Account) -> Plan | None:
    """The account's plan, read through the tenant (its mail and webhooks show it)."""
    if account.plan_id is None:
        return None
    return Plan.objects.for_tenant(tenant).get(pk=account.plan_id)


@transaction.atomic
def case_open(
    *,
    tenant: Tenant,
    account: Account,
    requester: User,
    subject: str,
    description: str,
    priority: Priority,
    opened_by: User | None = None,
    channel: str = Channel.PORTAL,
    category: str = Category.INCIDENT,
    store: Store | None = None,
    recent_changes: str = "",
    business_impact: str = "",
    steps_to_reproduce: str = "",
    cc_emails: list[str] | None = None,
    at: datetime | None = None,
) -> Case:
    """Open a case for a merchant user. `opened_by` is the analyst logging a phone call (or the
    requester, by default). The case locks the SLA policy version in force now."""
    # In UTC, as the database gives it back: an ambiguous local time (a DST fold) compares unequal
    # to the same instant in another zone.
    at = now_or(at).astimezone(UTC)
    opened_by = opened_by or requester
    _check_opening(
        tenant=tenant,
        account=account,
        requester=requester,
        priority=priority,
        store=store,
        opened_by=opened_by,
        channel=channel,
    )
    subject = require_text(subject, "subject", "Give the case a subject.")[:200]
    description = require_text(description, "description", "Describe the problem.")
    if category not in Category.values:
        raise ValidationFailed(f"Unknown category “{category}”.", errors={"category": ["Unknown category."]})
    cc_emails = check_cc_emails(list(cc_emails or []))
    # The clocks are planned before the case exists so that it is written once, with its deadline.
    case = Case(
        tenant=tenant,
        account=account,
        store=store,
        requester=requester,
        number=next_case_number(tenant),
        subject=subject,
        description=description,
        category=category,
        priority=priority,
        plan=_plan(tenant, account),
        sla_policy=policy_current(tenant=tenant),
        channel=channel,
        cc_emails=cc_emails,
        recent_changes=recent_changes.strip(),
        business_impact=business_impact.strip(),
        steps_to_reproduce=steps_to_reproduce.strip(),
        opened_at=at,
        updated_at=at,
    )
    case.work_rank = work_rank(status=case.status, priority=priority)
    clocks = clocks_plan(case=case)
    case.sla_due_at = earliest_due(clocks)
    # No lock: nobody else sees the row before this transaction commits. The relations its mail
    # reads are the checked objects given (all of this tenant), not a second read.
    case.save(force_insert=True)
    clocks_start(clocks=clocks)
    record(
        case,
        "case.opened",
        actor=opened_by,
        at=at,
        new={"number": case.number, "priority": priority.name, "channel": channel, "status": case.status},
        note=f"Logged by {opened_by.get_full_name()} on the merchant's behalf" if opened_by != requester else "",
    )
    if priority.escalate_on_open:
        escalation_write(
            case,
            actor=None,
            reason=EscalationReason.TOP_PRIORITY,
            level=EscalationLevel.SENIOR_MANAGEMENT,
            notes=f"{priority.name} opened: escalated to senior management as the priority requires.",
            raised_by=RaisedBy.SYSTEM,
            at=at,
        )
    transaction.on_commit(lambda: _assign_when_committed(case.pk, tenant.pk), robust=True)
    return case


def _assign_when_committed(case_id: int, tenant_id: int) -> None:
    """Tenants that assign automatically give the new case to an analyst on shift, in a task
    (read after the commit, so opening itself pays nothing for it)."""
    from tickets.tasks import auto_assign

    if QueueSettings.objects.filter(tenant_id=tenant_id, auto_assign=True).exists():
        auto_assign.delay(case_id)


__all__ = ["case_open", "next_case_number", "save_case"]
