"""Reads of case data and its reference data. Every function takes the tenant (or scope) first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.lookups import InArray
from helpdesk.models import Tenant, User
from helpdesk.selectors import staff_list
from helpdesk.tenancy import Scope, get_for_scope_or_404
from sla.models import SlaClock
from tickets import visibility
from tickets.ages import opened_window
from tickets.drill import Decided, Window, decided_case_ids, survey_case_ids
from tickets.models import (
    ACTIVE_STATUSES,
    WORKED_FIRST_RANK,
    Attachment,
    CannedReply,
    Case,
    CaseEvent,
    Comment,
    EngineeringIssue,
    Escalation,
    EscalationState,
    Notification,
    Plan,
    Priority,
    StaffProfile,
)
from tickets.shifts import has_shift, on_shift


def plan_list(*, tenant: Tenant) -> QuerySet[Plan]:
    return Plan.objects.for_tenant(tenant)


def priority_list(*, tenant: Tenant) -> QuerySet[Priority]:
    return Priority.objects.for_tenant(tenant)


def priority_offered(*, tenant: Tenant) -> QuerySet[Priority]:
    """The priorities a new case, or a change of priority, may choose: the ones not retired."""
    return priority_list(tenant=tenant).filter(retired=False)


def plan_offered(*, tenant: Tenant) -> QuerySet[Plan]:
    """The plans a new account, or a change of plan, may choose: the ones not retired."""
    return plan_list(tenant=tenant).filter(retired=False)


# A name comes from a request's body or query, never its path: an unknown one is bad input (400,
# naming the field and the names the tenant knows), not a missing resource (404).
def plan_by_name(*, tenant: Tenant, name: str) -> Plan:
    plan = plan_list(tenant=tenant).filter(name__iexact=name.strip()).first()
    if plan is None:
        known = ", ".join(plan_list(tenant=tenant).values_list("name", flat=True))
        raise ValidationFailed(
            f"No plan “{name}”. Known plans: {known}.", errors={"plan": [f"Unknown plan. Known plans: {known}."]}
        )
    return plan


def priority_by_name(*, tenant: Tenant, name: str) -> Priority:
    """The priority of that name, retired ones too (quotes and filters name them; the services
    that open or reprioritise a case refuse them with their own message). An unknown name is told
    the priorities on offer."""
    priority = priority_list(tenant=tenant).filter(name__iexact=name.strip()).first()
    if priority is None:
        known = ", ".join(priority_offered(tenant=tenant).values_list("name", flat=True))
        raise ValidationFailed(
            f"No priority “{name}”. Known priorities: {known}.",
            errors={"priority": [f"Unknown priority. Known priorities: {known}."]},
        )
    return priority


# -- cases -------------------------------------------------------------------------------------

CasesT = TypeVar("CasesT", bound=QuerySet[Case])

# What a case list shows beside the case, fetched for the page's cases by id in one small query
# each (prefetch) rather than joined: a five-way join costs PostgreSQL about 15 ms to plan on every
# page (measured with 21 indexes on the case table), five lookups by primary key under 2 ms.
CASE_LIST_RELATED = ("account", "priority", "plan", "assignee", "requester")
# What a list page's rows draw (tickets.templatetags.queue_tags.case_rows): no plan, no requester.
CASE_ROW_RELATED = ("account", "priority", "assignee")


def with_related(cases: CasesT, tenant: Tenant, *names: str) -> CasesT:
    """The cases with these relations prefetched (`account__technical_contact` for a nested one),
    each read within the tenant like every other query; one already asked for is kept as it is."""
    seen = {getattr(lookup, "prefetch_to", lookup) for lookup in getattr(cases, "_prefetch_related_lookups", ())}
    prefetches: list[Prefetch[Any, Any, str]] = []
    for name in names:
        if name in seen:
            continue
        model: Any = Case
        for part in name.split("__"):
            model = model._meta.get_field(part).related_model
        prefetches.append(Prefetch(name, queryset=model.objects.for_tenant(tenant)))
    return cases.prefetch_related(*prefetches)


def fill_related(cases: Sequence[Case], tenant: Tenant, name: str, known: Mapping[Any, Any]) -> None:
    """Set each case's `name` relation from rows the page has read already (`known`, by id), and
    read the tenant's rows for any id not among them: a list page's filter choices hold every
    account, priority and analyst its rows show, so they need no query of their own."""
    field: Any = Case._meta.get_field(name)  # a ForeignKey: attname, related_model, set_cached_value
    ids = {getattr(case, field.attname) for case in cases} - {None}
    rows = {pk: known[pk] for pk in ids if pk in known}
    if missing := ids - rows.keys():
        rows |= field.related_model.objects.for_tenant(tenant).in_bulk(missing)
    for case in cases:
        field.set_cached_value(case, rows.get(getattr(case, field.attname)))


def _search_filter(scope: Scope, search: str) -> Q:
    """A case number (with or without its prefix) or a word of the subject. Both halves are
    indexed: the number by (tenant, number), the subject by its trigram index."""
    term = search.strip()
    numbers = {term, term.upper()}
    if term.isdigit():  # bare digits name a case number without its prefix
        numbers.add(f"{scope.tenant.case_number_prefix}-{term}")
    return Q(number__in=numbers) | Q(subject__icontains=term)


def _state_filters(
    cases: CasesT, scope: Scope, *, escalated: bool | None, breached: bool | None, at_risk: bool | None
) -> CasesT:
    """Escalated or not, breached or not, at risk or not: each a subquery on a small index, its
    ids read first (InArray) when the cases must be among them."""
    if escalated is not None:
        open_escalations = Escalation.objects.for_tenant(scope.tenant).exclude(state=EscalationState.RESOLVED)
        cases = (
            cases.filter(InArray(F("pk"), open_escalations.order_by().values("case")))
            if escalated
            else cases.exclude(pk__in=open_escalations.values("case"))
        )
    if breached is not None:
        breached_clocks = SlaClock.objects.for_tenant(scope.tenant).filter(breached_at__isnull=False)
        cases = (
            cases.filter(InArray(F("pk"), breached_clocks.order_by().values("case")))
            if breached
            else cases.exclude(pk__in=breached_clocks.values("case"))
        )
    if at_risk is not None:
        risky = SlaClock.objects.for_tenant(scope.tenant).filter(
            warned_at__isnull=False, met_at__isnull=True, breached_at__isnull=True
        )
        cases = (
            cases.filter(InArray(F("pk"), risky.order_by().values("case")))
            if at_risk
            else cases.exclude(pk__in=risky.values("case"))
        )
    return cases


def case_list(
    *,
    scope: Scope,
    status: str | None = None,
    assignee: User | None = None,
    unassigned: bool = False,
    priority: Priority | None = None,
    account_slug: str | None = None,
    breached: bool | None = None,
    at_risk: bool | None = None,
    plan: Plan | None = None,
    updated_since: datetime | None = None,
    search: str | None = None,
    escalated: bool | None = None,
    age: str | None = None,
    now: datetime | None = None,
    decided: Decided | None = None,
    survey: tuple[str, Window] | None = None,
    related: Sequence[str] = CASE_LIST_RELATED,
) -> QuerySet[Case]:
    """Cases of the scope (a merchant's own account only) in the work order (PRODUCT.md): open
    cases at a priority worked ahead of all others first; within each group the earliest running
    deadline, then the oldest; cases with no running clock after those with one. `related`: the
    relations read with them (a list page's rows need only CASE_ROW_RELATED)."""
    cases = with_related(Case.objects.for_scope(scope), scope.tenant, *related)
    if status:
        cases = cases.filter(status=status)
    if assignee is not None:
        cases = cases.filter(assignee=assignee)
    if unassigned:
        cases = cases.filter(assignee__isnull=True)
    if priority is not None:
        cases = cases.filter(priority=priority)
    if account_slug:
        cases = cases.filter(account__slug=account_slug)
    if plan is not None:
        cases = cases.filter(plan=plan)
    if updated_since is not None:
        cases = cases.filter(updated_at__gte=updated_since)
    if age:
        cases = cases.filter(opened_window(age, now=now or timezone.now()))
    if search:
        cases = cases.filter(_search_filter(scope, search))
    cases = _state_filters(cases, scope, escalated=escalated, breached=breached, at_risk=at_risk)
    if decided is not None:
        cases = cases.filter(pk__in=decided_case_ids(tenant=scope.tenant, decided=decided))
    if survey is not None:
        cases = cases.filter(pk__in=survey_case_ids(tenant=scope.tenant, kind=survey[0], window=survey[1]))
    return cases.order_by("work_rank", F("sla_due_at").asc(nulls_last=True), "opened_at", "pk")


def with_sla_flags(cases: QuerySet[Case], *, tenant: Tenant) -> QuerySet[Case]:
    """The list's cases with `breached` (a target was missed) and `at_risk` (a running target is
    past its warning point), each an EXISTS on the clocks' small partial indexes."""
    clocks = SlaClock.objects.for_tenant(tenant).filter(case=OuterRef("pk"))
    return cases.annotate(
        breached=Exists(clocks.filter(breached_at__isnull=False)),
        at_risk=Exists(clocks.filter(warned_at__isnull=False, met_at__isnull=True, breached_at__isnull=True)),
    )


def shell_counts(*, scope: Scope) -> dict[str, int]:
    """The live counts of the app shell and the queue's tiles, over the scope's open cases: two
    queries (cases with their SLA flags; open escalations), whatever the number of cases."""
    clocks = SlaClock.objects.for_tenant(scope.tenant)
    breached = clocks.filter(breached_at__isnull=False).values("case")
    risky = clocks.filter(warned_at__isnull=False, met_at__isnull=True, breached_at__isnull=True).values("case")
    counts = (
        case_list(scope=scope)
        .filter(status__in=ACTIVE_STATUSES)
        .order_by()
        .aggregate(
            open=Count("pk"),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            mine=Count("pk", filter=Q(assignee=scope.user)),
            breached=Count("pk", filter=Q(pk__in=breached)),
            at_risk=Count("pk", filter=Q(pk__in=risky)),
        )
    )
    counts["escalated"] = escalation_list(scope=scope).exclude(state=EscalationState.RESOLVED).count()
    return counts


def case_get(*, scope: Scope, number: str) -> Case:
    """One case by its number; another tenant's or account's case answers like a missing one."""
    return get_for_scope_or_404(
        with_related(
            Case.objects.all(), scope.tenant, *CASE_LIST_RELATED, "store", "sla_policy", "account__technical_contact"
        ),
        scope,
        number=number,
    )


def cases_by_numbers(*, scope: Scope, numbers: Sequence[str]) -> tuple[list[Case], list[str]]:
    """The scope's cases of these numbers in the order given, and the numbers it has no case of
    (another tenant's or account's case is missing like one nobody has)."""
    found = {case.number: case for case in case_list(scope=scope).filter(number__in=set(numbers))}
    wanted = list(dict.fromkeys(numbers))
    return [found[n] for n in wanted if n in found], [n for n in wanted if n not in found]


def case_comments(*, scope: Scope, case: Case) -> QuerySet[Comment]:
    comments = Comment.objects.for_tenant(scope.tenant).filter(case=case).select_related("author")
    return comments.filter(is_public=True) if scope.is_merchant else comments


def case_events(*, scope: Scope, case: Case) -> QuerySet[CaseEvent]:
    """The case history as the scope may see it (tickets.visibility), each with `shown_note`."""
    events = CaseEvent.objects.for_tenant(scope.tenant).filter(case=case).select_related("actor")
    return visibility.events_for(events, customer=scope.is_merchant)


def attachment_for_download(*, scope: Scope, token: str) -> Attachment:
    """An attachment the scope may read: of its tenant, its account for merchants, public for merchants."""
    attachments = Attachment.objects.for_tenant(scope.tenant).select_related("case")
    if scope.is_merchant:
        attachments = attachments.filter(case__account__in=sorted(scope.accounts or ()), is_public=True)
    attachment = attachments.filter(token=token).first()
    if attachment is None:
        raise NotFound("No such attachment.")
    return attachment


def escalation_list(*, scope: Scope, state: str | None = None, level: str | None = None) -> QuerySet[Escalation]:
    escalations: QuerySet[Escalation] = Escalation.objects.for_tenant(scope.tenant).select_related(
        "case", "case__account", "case__priority", "case__assignee", "owner", "raised_by_user"
    )
    if level:
        escalations = escalations.filter(level=level)
    if scope.is_merchant:
        escalations = escalations.filter(case__account__in=sorted(scope.accounts or ()))
    escalations = visibility.escalations_for(escalations, customer=scope.is_merchant)
    return escalations.filter(state=state) if state else escalations


def engineering_issue_get(*, tenant: Tenant, reference: str) -> EngineeringIssue:
    issue = EngineeringIssue.objects.for_tenant(tenant).filter(reference=reference).first()
    if issue is None:
        raise NotFound(f"No engineering issue {reference}.")
    return issue


def with_clocks(cases: CasesT, *, tenant: Tenant) -> CasesT:
    """The cases with their clocks (and the clocks' calendars) fetched in one more query."""
    clocks = SlaClock.objects.for_tenant(tenant).select_related("calendar")
    return cases.prefetch_related(Prefetch("clocks", queryset=clocks))


def for_api(cases: CasesT, *, tenant: Tenant) -> CasesT:
    """The cases with what their API representation reads: six relations and the clocks, each in one
    more query by id (see CASE_LIST_RELATED). (Narrowing the columns with only() was measured slower
    for a page of 50, not faster.)"""
    return with_clocks(with_related(cases, tenant, *CASE_LIST_RELATED, "store"), tenant=tenant)


def case_for_api(*, scope: Scope, number: str) -> Case:
    """One case of the scope with what its API representation reads (clocks included), in one go."""
    return get_for_scope_or_404(for_api(Case.objects.all(), tenant=scope.tenant), scope, number=number)


def event_export_list(*, scope: Scope) -> QuerySet[CaseEvent]:
    """The scope's tenant's case events as the scope may see them, with their cases and actors."""
    events = CaseEvent.objects.for_tenant(scope.tenant).select_related("case", "actor")
    return visibility.events_for(events, customer=scope.is_merchant)


# -- staff notifications -----------------------------------------------------------------------


def notification_list(*, scope: Scope, unread: bool = False) -> QuerySet[Notification]:
    """The scope's user's own notifications, newest first (index notification_inbox)."""
    notifications = Notification.objects.for_tenant(scope.tenant).filter(recipient=scope.user)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.select_related("case", "event", "event__actor").order_by("-created_at", "-pk")


def notification_unread_count(*, scope: Scope) -> int:
    return Notification.objects.for_tenant(scope.tenant).filter(recipient=scope.user, read_at__isnull=True).count()


def notification_get(*, scope: Scope, pk: int) -> Notification:
    """One of the scope's user's notifications; anyone else's answers like a missing one."""
    notifications = Notification.objects.for_tenant(scope.tenant).select_related("case")
    notification = notifications.filter(recipient=scope.user, pk=pk).first()
    if notification is None:
        raise NotFound("No such notification.")
    return notification


def notification_mail_off(*, scope: Scope) -> set[str]:
    """The kinds the scope's user turned off by mail."""
    profile = StaffProfile.objects.for_tenant(scope.tenant).filter(user=scope.user).first()
    return set(profile.mail_off) if profile else set()


def staff_names(*, scope: Scope) -> dict[str, str]:
    """The tenant's staff display names by e-mail address (events name people by address), in
    one read: the history says "reassigned from Ana to Sam"."""
    return {email: name or email for email, name in staff_list(scope=scope).values_list("email", "full_name")}


def shift_hours_get(*, scope: Scope) -> dict[str, list[list[str]]]:
    """The scope's user's weekly shift hours ({} when they keep none)."""
    profile = StaffProfile.objects.for_tenant(scope.tenant).filter(user=scope.user).first()
    return dict(profile.shift_hours) if profile else {}


def canned_reply_list(*, tenant: Tenant) -> QuerySet[CannedReply]:
    return CannedReply.objects.for_tenant(tenant).order_by("title", "pk")


def canned_reply_get(*, tenant: Tenant, pk: int) -> CannedReply:
    reply = canned_reply_list(tenant=tenant).filter(pk=pk).first()
    if reply is None:
        raise NotFound("No such saved reply.")
    return reply


def handoff_candidates(*, scope: Scope, now: datetime, limit: int = 20) -> list[Case]:
    """Open cases at a worked-first priority whose owner's shift is over (they have shift hours
    and `now` is outside them): the queue offers them for the time-zone hand-off. Who is off shift
    is decided over the tenant's staff (a few rows), then the cases are one index read."""
    zone = scope.tenant.time_zone
    staff = staff_list(scope=scope).select_related("staff_profile")
    off_shift = [user.pk for user in staff if has_shift(user) and not on_shift(user, now=now, default_zone=zone)]
    if not off_shift:
        return []
    cases = (
        Case.objects.for_tenant(scope.tenant)
        .filter(work_rank=WORKED_FIRST_RANK, assignee_id__in=off_shift)
        .select_related("assignee", "priority")
        .order_by("work_rank", F("sla_due_at").asc(nulls_last=True), "opened_at", "pk")
    )
    return list(cases[:limit])


@dataclass(frozen=True)
class RosterEntry:
    """A staff member as the assignee choices and the on-shift dot show them."""

    user: User
    on_shift: bool | None  # None: no shift hours, so neither on nor off shift
    open_cases: int

    @property
    def label(self) -> str:
        """ "Sam (on shift, 4 open)" for a choice list."""
        shift = {True: "on shift, ", False: "off shift, ", None: ""}[self.on_shift]
        return f"{self.user.get_full_name()} ({shift}{self.open_cases} open)"


def staff_roster(*, scope: Scope, now: datetime, with_load: bool = True) -> dict[int, RosterEntry]:
    """Every active staff member of the tenant by id, whether on shift now (in their own zone,
    else the tenant's) and how many open cases they own: one read of the staff with their shift
    hours and one grouped count of cases, however many rows show them. The count reads every open
    case's entry of an index (tens of ms with 100,000 open), so a page that only draws the on-shift
    dots leaves it out (`with_load=False`: every count 0)."""
    zone = scope.tenant.time_zone
    staff = staff_list(scope=scope).filter(is_active=True).select_related("staff_profile").order_by("full_name", "pk")
    load = {}
    if with_load:
        load = dict(
            Case.objects.for_tenant(scope.tenant)
            .filter(status__in=ACTIVE_STATUSES, assignee__isnull=False)
            .values_list("assignee")
            .annotate(n=Count("pk"))
            .values_list("assignee", "n")
        )
    return {
        user.pk: RosterEntry(
            user=user,
            on_shift=on_shift(user, now=now, default_zone=zone) if has_shift(user) else None,
            open_cases=load.get(user.pk, 0),
        )
        for user in staff
    }
