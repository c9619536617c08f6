"""Opening a case, from any channel, with its number, SLA clocks and any automatic escalation."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection, transaction

from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import Account, Store, Tenant, User
from helpdesk.roles import MERCHANT_ROLES, STAFF_ROLES
from helpdesk.tenancy import customer_account_ids
from sla.models import MetBy
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
    Status,
    work_rank,
)
from tickets.services._clock_steps import meet_first_response, record_met
from tickets.services._common import (
    check_cc_emails,
    now_or,
    record,
    refuse_retired_priority,
    require_text,
    save_case,
)
from tickets.services.escalations import escalation_write

# One statement takes the next number: it creates the tenant's sequence at its first case (the
# model's default, plus one) or bumps it, and gives the new number back.
_NEXT_NUMBER_SQL = """
    INSERT INTO "tickets_casesequence" ("tenant_id", "last_number") VALUES (%s, %s)
    ON CONFLICT ("tenant_id") DO UPDATE SET "last_number" = "tickets_casesequence"."last_number" + 1
    RETURNING "last_number"
"""


def next_case_number(tenant: Tenant) -> str:
    """The tenant's next case number. The sequence row stays locked until the transaction ends,
    so concurrent openings queue here and numbers are never handed out twice."""
    first = CaseSequence._meta.get_field("last_number").get_default() + 1
    while True:  # skip numbers that imported cases already hold
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_NUMBER_SQL, [tenant.pk, first])
            number = f"{tenant.case_number_prefix}-{cursor.fetchone()[0]}"
        if not Case.objects.for_tenant(tenant).filter(number=number).exists():
            return number


# The same statement for a block of numbers (`case_numbers_reserve`): the sequence moves by the
# block's size at once, and gives back the block's last number.
_RESERVE_NUMBERS_SQL = """
    INSERT INTO "tickets_casesequence" ("tenant_id", "last_number") VALUES (%s, %s)
    ON CONFLICT ("tenant_id") DO UPDATE SET "last_number" = "tickets_casesequence"."last_number" + %s
    RETURNING "last_number"
"""


def case_numbers_reserve(tenant: Tenant, count: int) -> list[str]:
    """The tenant's next `count` case numbers in order, taken from its sequence in one statement
    (per block) as `next_case_number` takes one: numbers that imported cases hold are skipped and
    the sequence ends at the last number given, so the next case opened gets the one after it."""
    first = CaseSequence._meta.get_field("last_number").get_default() + 1
    numbers: list[str] = []
    while len(numbers) < count:
        wanted = count - len(numbers)
        with connection.cursor() as cursor:
            cursor.execute(_RESERVE_NUMBERS_SQL, [tenant.pk, first + wanted - 1, wanted])
            last = cursor.fetchone()[0]
        block = [f"{tenant.case_number_prefix}-{n}" for n in range(last - wanted + 1, last + 1)]
        taken = set(Case.objects.for_tenant(tenant).filter(number__in=block).values_list("number", flat=True))
        numbers += [number for number in block if number not in taken]
    return numbers


def _check_opening(case: Case, *, opened_by: User) -> None:
    """Refuse an opening whose parts are not the tenant's and the account's, or whose opener may
    not open it; clean the typed fields in place."""
    tenant, account, requester, store = case.tenant, case.account, case.requester, case.store
    if account.tenant_id != tenant.pk or case.priority.tenant_id != tenant.pk:
        raise NotFound("No such account or priority.")
    refuse_retired_priority(case.priority)
    if account.pk not in (customer_account_ids(requester) or ()):
        raise ValidationFailed(
            "The requester must be a user of the case's account.", errors={"requester": ["Not a user of this account."]}
        )
    if store is not None and store.account_id != account.pk:
        raise ValidationFailed(
            "That store belongs to another account.", errors={"store": ["Not this account's store."]}
        )
    if opened_by.tenant_id != tenant.pk:
        raise NotFound("No such account or priority.")
    if opened_by.role in MERCHANT_ROLES and (
        opened_by.pk != requester.pk
        or case.channel not in (Channel.PORTAL, Channel.API, Channel.EMAIL, Channel.MONITORING)
    ):
        raise PermissionDenied("Merchants open cases for themselves, from the portal, by e-mail or through the API.")
    if case.channel not in Channel.values:
        raise ValidationFailed(f"Unknown channel “{case.channel}”.", errors={"channel": ["Unknown channel."]})
    _clean_text(case)


def _clean_text(case: Case) -> None:
    case.subject = require_text(case.subject, "subject", "Give the case a subject.")[:200]
    case.description = require_text(case.description, "description", "Describe the problem.")
    if case.category not in Category.values:
        raise ValidationFailed(f"Unknown category “{case.category}”.", errors={"category": ["Unknown category."]})
    case.cc_emails = check_cc_emails(case.cc_emails)
    for name in ("recent_changes", "business_impact", "steps_to_reproduce"):
        setattr(case, name, getattr(case, name).strip())


def _plan(tenant: Tenant, account: Account) -> Plan:
    """The account's plan, read through the tenant (its mail and webhooks show it). A case needs
    one: its SLA targets are per plan."""
    if account.plan_id is None:
        raise ValidationFailed(
            f"{account.name} has no plan: give the account one before opening cases for it.",
            errors={"account": ["The account has no plan."]},
        )
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
    assignee: User | None = None,
) -> Case:
    """Open a case for a merchant user. `opened_by` is the analyst logging a phone call (or the
    requester, by default), who may give it an owner at once (`assignee`, staff of the tenant).
    The case locks the SLA policy version in force now."""
    # In UTC, as the database gives it back: an ambiguous local time (a DST fold) compares unequal
    # to the same instant in another zone.
    at = now_or(at).astimezone(UTC)
    opened_by = opened_by or requester
    case = Case(
        tenant=tenant,
        account=account,
        store=store,
        requester=requester,
        subject=subject,
        description=description,
        category=category,
        priority=priority,
        channel=channel,
        cc_emails=list(cc_emails or []),
        recent_changes=recent_changes,
        business_impact=business_impact,
        steps_to_reproduce=steps_to_reproduce,
        opened_at=at,
        updated_at=at,
    )
    _check_opening(case, opened_by=opened_by)
    if assignee is not None:
        _check_owner(case, opened_by=opened_by, assignee=assignee)
        case.assignee, case.status = assignee, Status.OPEN
    _write_with_clocks(case)
    _record_opening(case, opened_by=opened_by, at=at)
    if assignee is not None:
        _record_owner(case, opened_by=opened_by, at=at)
    else:
        transaction.on_commit(lambda: _assign_when_committed(case.pk, tenant.pk), robust=True)
    return case


def _write_with_clocks(case: Case) -> None:
    """Number the checked case, give it its plan, policy version and work rank, and write it once
    with its clocks and earliest deadline."""
    tenant, account = case.tenant, case.account
    case.number = next_case_number(tenant)
    case.plan = _plan(tenant, account)
    case.sla_policy = policy_current(tenant=tenant)
    case.work_rank = work_rank(status=case.status, priority=case.priority)
    # The clocks are planned before the case exists so that it is written once, with its deadline.
    clocks = clocks_plan(case=case)
    case.sla_due_at = earliest_due(clocks)
    # No lock: nobody else sees the row before this transaction commits. The relations its mail
    # reads are the checked objects given (all of this tenant), not a second read.
    case.save(force_insert=True)
    clocks_start(clocks=clocks)
    case.opening_clocks = clocks  # for the acknowledgement mail


def _check_owner(case: Case, *, opened_by: User, assignee: User) -> None:
    if opened_by.role not in STAFF_ROLES:
        raise PermissionDenied("Only staff give a new case an owner.")
    if assignee.tenant_id != case.tenant_id or assignee.role not in STAFF_ROLES or not assignee.is_active:
        raise ValidationFailed("No such analyst in this support team.", errors={"owner": ["Choose an analyst."]})


def _record_owner(case: Case, *, opened_by: User, at: datetime) -> None:
    """The owner given at opening, as an assignment in the history; where assignment meets the
    first response (the tenant's rule), it is met now."""
    assignee = case.assignee
    if assignee is None:  # the caller gave the case its owner; without one there is nothing to record
        return
    new = {"assignee": assignee.email, "assignee_name": assignee.get_full_name(), "status": case.status}
    record(case, "case.assigned", actor=opened_by, at=at, old={"status": Status.NEW}, new=new)
    clocks = meet_first_response(case, MetBy.ASSIGNMENT, at)
    if clocks.met:
        save_case(case, ["sla_due_at"], at=at)
        record_met(case, clocks, at)


def _record_opening(case: Case, *, opened_by: User, at: datetime) -> None:
    """The opening's event, and the escalation a priority that escalates on opening raises."""
    priority = case.priority
    record(
        case,
        "case.opened",
        actor=opened_by,
        at=at,
        new={"number": case.number, "priority": priority.name, "channel": case.channel, "status": case.status},
        note=f"Logged by {opened_by.get_full_name()} on the merchant's behalf" if opened_by != case.requester else "",
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


def _assign_when_committed(case_id: int, tenant_id: int) -> None:
    """Tenants that assign automatically give the new case to an analyst on shift, in a task
    (read after the commit, so opening itself pays nothing for it)."""
    from tickets.tasks import auto_assign

    if QueueSettings.objects.filter(tenant_id=tenant_id, auto_assign=True).exists():
        auto_assign.delay(case_id)


__all__ = ["case_numbers_reserve", "case_open", "next_case_number", "save_case"]
