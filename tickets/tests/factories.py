"""A tenant set up for case tests: a simple office calendar and a policy with both metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from helpdesk.models import Tenant
from sla.models import Calendar, MetBy, Metric, Unit
from sla.services import TargetInput, calendar_save, policy_publish
from tickets.models import Case, Plan, Priority
from tickets.services import case_open

SYD = ZoneInfo("Australia/Sydney")
OFFICE_HOURS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def syd(*args: int) -> datetime:
    return datetime(*args, tzinfo=SYD)


# 2026-11-23 is a Monday.
MONDAY_9 = syd(2026, 11, 23, 9, 0)


@dataclass
class CaseSetup:
    tenant: Tenant
    office: Calendar
    urgent: Priority
    normal: Priority
    low: Priority
    gold: Plan
    silver: Plan


def setup_case_tenant(tenant: Tenant, *, met_by: str = MetBy.REPLY) -> CaseSetup:
    """Priorities Urgent (escalates on open), Normal and Low; targets in business hours:
    Gold/Urgent 1 h response, 8 h resolution; Gold/Normal 4 h and 16 h; Silver/Normal 8 h response
    only; Low nothing."""
    office = calendar_save(tenant=tenant, name="office", time_zone="Australia/Sydney", hours=OFFICE_HOURS)
    urgent = Priority.objects.create(tenant=tenant, name="Urgent", rank=1, escalate_on_open=True, must_phone=True)
    normal = Priority.objects.create(tenant=tenant, name="Normal", rank=2)
    low = Priority.objects.create(tenant=tenant, name="Low", rank=3)
    gold, silver = Plan.objects.for_tenant(tenant).get(name="Gold"), Plan.objects.for_tenant(tenant).get(name="Silver")
    hours = Unit.BUSINESS_HOURS
    policy_publish(
        tenant=tenant,
        first_response_met_by=met_by,
        targets=[
            TargetInput(gold, urgent, Metric.FIRST_RESPONSE, 1, hours, office),
            TargetInput(gold, urgent, Metric.RESOLUTION, 8, hours, office),
            TargetInput(gold, normal, Metric.FIRST_RESPONSE, 4, hours, office),
            TargetInput(gold, normal, Metric.RESOLUTION, 16, hours, office),
            TargetInput(silver, normal, Metric.FIRST_RESPONSE, 8, hours, office),
        ],
    )
    return CaseSetup(tenant, office, urgent, normal, low, gold, silver)


def open_case(account, priority, *, at: datetime = MONDAY_9, **fields) -> Case:
    return case_open(
        tenant=account.tenant,
        account=account,
        requester=fields.pop("requester", account.technical_contact),
        subject=fields.pop("subject", "Checkout fails"),
        description=fields.pop("description", "Customers see an error at payment."),
        priority=priority,
        at=at,
        **fields,
    )
