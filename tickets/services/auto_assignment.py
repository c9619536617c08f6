"""Automatic assignment of new cases: round robin among the analysts on shift, fewest open cases
first. Runs after the opening commits (tickets.tasks.auto_assign), as its own step on the case."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Count

from helpdesk.messaging.outbox import mail_enqueue
from helpdesk.models import Role, User
from sla.models import MetBy
from tickets.models import ACTIVE_STATUSES, Case, QueueSettings, StaffProfile, Status
from tickets.services._clock_steps import meet_first_response, record_met
from tickets.services._common import lock_case, now_or, record, save_case
from tickets.shifts import on_shift

NEVER = datetime.min.replace(tzinfo=UTC)


def pick_analyst(case: Case, *, now: datetime) -> User | None:
    """The active analyst on shift with the fewest open cases; among equals, the one given a case
    longest ago (round robin). None when nobody is on shift."""
    analysts = User.objects.for_tenant(case.tenant).filter(role=Role.ANALYST, is_active=True)
    working = [
        u for u in analysts.select_related("staff_profile") if on_shift(u, now=now, default_zone=case.tenant.time_zone)
    ]
    if not working:
        return None
    open_cases = Case.objects.for_tenant(case.tenant).filter(
        assignee__in=[u.pk for u in working], status__in=ACTIVE_STATUSES
    )
    load = dict(open_cases.values_list("assignee").annotate(n=Count("pk")).values_list("assignee", "n"))
    return min(working, key=lambda u: (load.get(u.pk, 0), u.staff_profile.last_assigned_at or NEVER, u.pk))


@transaction.atomic
def case_auto_assign(*, case: Case, at: datetime | None = None) -> User | None:
    """Give a new unowned case to an analyst on shift when its tenant assigns automatically; with
    nobody on shift, mail the tenant's on-call address. Returns the analyst (None: not assigned)."""
    at = now_or(at)
    settings = QueueSettings.objects.for_tenant(case.tenant).filter(auto_assign=True).first()
    if settings is None:
        return None
    case = lock_case(case)
    if case.assignee_id is not None or case.status not in (Status.NEW, Status.REOPENED):
        return None
    analyst = pick_analyst(case, now=at)
    if analyst is None:
        mail_enqueue(
            tenant=case.tenant,
            kind="on_call_new_case",
            to=[settings.on_call_email],
            case=case,
            dedupe_key=f"on-call:{case.pk}:{case.version}",
            context={"case": case},
        )
        return None
    old_status = case.status
    case.assignee, case.status = analyst, Status.OPEN
    clocks = meet_first_response(case, MetBy.ASSIGNMENT, at)
    save_case(case, ["assignee", "status", "sla_due_at"], at=at)
    StaffProfile.objects.filter(tenant_id=case.tenant_id, user=analyst).update(last_assigned_at=at)
    new = {"assignee": analyst.email, "status": case.status, "automatic": True}
    record(case, "case.assigned", actor=None, at=at, old={"status": old_status}, new=new)
    record_met(case, clocks, at)
    return analyst
