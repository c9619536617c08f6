"""The dashboard's hand-counted cases. Tenant A's office is open Mon–Fri 09:00–17:00 (Sydney);
Gold/Urgent answers in 1 h, Gold/Normal in 4 h, Silver/Normal in 8 h, Low has no target."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reports.services import rollup_day
from surveys.services import Answer, survey_answer, survey_invite
from tickets.services import case_assign, comment_add
from tickets.sla_sweeps import sweep_breaches, sweep_warnings
from tickets.tests.factories import MONDAY_9, open_case

MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


@pytest.fixture
def live(world, setup_a, setup_b):
    """At Monday 12:30: an assigned Urgent case past its 1 h answer (breached), a Normal case due
    at 13:00 (at risk since 12:00), a Silver case due Tuesday 11:00, a Low case with no clock;
    tenant B has a case due at 13:00 too."""
    a1, a2 = world.account_a1, world.account_a2
    urgent = open_case(a1, setup_a.urgent, subject="Site down")
    case_assign(case=urgent, actor=world.manager_a, assignee=world.analyst_a, at=MONDAY_9 + hours(0.1))
    due_soon = open_case(a1, setup_a.normal, subject="Refunds fail")
    silver = open_case(a2, setup_a.normal, at=MONDAY_9 + hours(2), subject="Stock sync")
    open_case(a1, setup_a.low, subject="Question")
    open_case(world.account_b1, setup_b.normal, subject="Other tenant")
    now = MONDAY_9 + hours(3.5)
    sweep_breaches(now=now)
    sweep_warnings(now=now)
    return {"now": now, "urgent": urgent, "due_soon": due_soon, "silver": silver}


@pytest.fixture
def decided(world, setup_a, setup_b):
    """Monday: Urgent answered after 30 min, a Normal answered at 15:00 (2 h late), another Normal
    never answered (breached at 14:00); Tuesday: a Normal opened Monday 16:00 answered at 09:30
    (1.5 business hours). Tenant B: a Normal answered on Monday."""
    a1 = world.account_a1
    answered = open_case(a1, setup_a.urgent)
    comment_add(case=answered, actor=world.analyst_a, body="On it.", at=MONDAY_9 + hours(0.5))
    late = open_case(a1, setup_a.normal)
    open_case(a1, setup_a.normal, at=MONDAY_9 + hours(1))
    sweep_breaches(now=MONDAY_9 + hours(5.5))
    comment_add(case=late, actor=world.analyst_a, body="Sorry.", at=MONDAY_9 + hours(6))
    overnight = open_case(a1, setup_a.normal, at=MONDAY_9 + hours(7))
    comment_add(case=overnight, actor=world.analyst_a, body="Morning.", at=MONDAY_9 + hours(24.5))
    other = open_case(world.account_b1, setup_b.normal)
    comment_add(case=other, actor=world.analyst_b, body="Hi.", at=MONDAY_9 + hours(1))
    for invited, score in ((answered, 5), (late, 3), (other, 1)):
        invitation = survey_invite(case=invited, at=MONDAY_9 + hours(7))
        survey_answer(invitation=invitation, answer=Answer(score, 4, 4, 4), at=MONDAY_9 + hours(7.5))
    survey_invite(case=overnight, at=MONDAY_9 + hours(7))  # not answered
    for day in (MONDAY, TUESDAY):
        rollup_day(tenant=world.tenant_a, day=day)
        rollup_day(tenant=world.tenant_b, day=day)
