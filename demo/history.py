"""About 90 days of believable history per demo tenant, so every chart, report and queue view has
content on first sign-in: a few hundred past cases over every account and priority, answered,
resolved and closed through the services at past instants (so their clocks, breaches, events and
survey invitations are the real ones), some asked for information, given a workaround, linked to
engineering or escalated, and most surveys answered. Then the dashboard's roll-ups are counted.

Deterministic: the same tenant always gets the same history (a seeded generator)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.models import Account, Tenant, User
from reports.services import rollup_recent
from surveys.models import SurveyInvitation
from surveys.services import Answer, survey_answer
from tickets.models import Case, Channel, EscalationReason, Priority
from tickets.services import (
    case_assign,
    case_confirm_resolution,
    case_open,
    case_propose_resolution,
    case_record_workaround,
    case_request_information,
    comment_add,
    engineering_issue_link,
    escalation_raise,
)

HISTORY_DAYS = 90
# Every case is played through the services (clocks, events, mail rows, surveys are the real
# ones), about a tenth of a second of CPU each on SQLite: 300 per tenant (issue #14's minimum)
# make `seed_demo --history` take about a minute, once.
CASES_PER_TENANT = 300
M = timedelta(minutes=1)
SUBJECTS = (
    ("Orders not syncing to the warehouse", "Orders placed since this morning are missing in the WMS."),
    ("Refunds fail with an error", "Every refund from the admin shows 'gateway error 502'."),
    ("Product images missing on mobile", "Images load on desktop but not on phones."),
    ("Tax rates wrong for one state", "Customers in one state are charged the wrong tax."),
    ("Shipping labels not generated", "The label printer gets nothing for new orders."),
    ("How do I export last month's orders?", "We need a CSV of all orders for accounting."),
    ("Discount code not applying", "The code WINTER10 says it is invalid at checkout."),
    ("Stock levels off after import", "Stock shows zero for items we have in the warehouse."),
    ("Slow checkout in the evening", "Checkout takes 20 seconds between 7 and 9 pm."),
    ("New staff member needs access", "Please add our new store manager to the admin."),
)
# Lower priorities are the everyday ones, but the urgent ones (with the tightest targets) are what the charts are about.
PRIORITY_WEIGHTS = (3, 4, 5, 5)
SCORES = (5, 5, 5, 4, 4, 4, 3, 2, 1)


@dataclass(frozen=True)
class Actors:
    tenant: Tenant
    analysts: tuple[User, User]
    accounts: list[Account]
    priorities: list[Priority]
    now: datetime
    cases: int


def has_history(*, tenant: Tenant, now: datetime) -> bool:
    """Whether the tenant has cases older than the demo scenarios' (which are all of recent days)."""
    return Case.objects.for_tenant(tenant).filter(opened_at__lt=now - timedelta(days=14)).exists()


def seed_history(*, tenant: Tenant, analysts: tuple[User, User], now: datetime, cases: int = CASES_PER_TENANT) -> None:
    """Play `cases` past cases of the tenant over the last 90 days (once: see `has_history`),
    then count the dashboard's roll-ups of those days."""
    rng = random.Random(tenant.slug)  # noqa: S311  # nosec B311  # demo data, not security
    accounts = list(Account.objects.for_tenant(tenant).select_related("technical_contact").order_by("slug"))
    priorities = list(Priority.objects.for_tenant(tenant).order_by("rank"))
    actors = Actors(tenant, analysts, accounts, priorities, now, cases)
    played = [_play(actors, rng, index).pk for index in range(cases)]
    invitations = SurveyInvitation.objects.for_tenant(tenant).filter(case_id__in=played, response__isnull=True)
    for invitation in invitations.order_by("pk"):
        if rng.random() < 0.55 and invitation.created_at + timedelta(hours=6) < now:
            score = rng.choice(SCORES)
            met = "yes" if score >= 4 else ("partly" if score == 3 else "no")
            answer = Answer(
                score,
                max(1, score - rng.randint(0, 1)),
                score,
                max(1, score - rng.randint(0, 1)),
                met_expectations=met if rng.random() < 0.9 else "",
            )
            survey_answer(invitation=invitation, answer=answer, at=invitation.created_at + timedelta(hours=5))
    rollup_recent(tenant=tenant, now=now, days=HISTORY_DAYS + 1)


def _play(actors: Actors, rng: random.Random, index: int) -> Case:
    """One past case: opened, taken, answered, perhaps one more twist, resolved and mostly confirmed."""
    account = actors.accounts[index % len(actors.accounts)]
    contact = account.technical_contact
    if contact is None:
        raise ValueError(f"demo account {account.slug} has no technical contact")
    weights = PRIORITY_WEIGHTS[-len(actors.priorities) :]
    priority = rng.choices(actors.priorities, weights=weights)[0]
    subject, description = SUBJECTS[index % len(SUBJECTS)]
    opened = actors.now - timedelta(days=HISTORY_DAYS * (1 - index / actors.cases) + 2, hours=rng.uniform(0, 8))
    case = case_open(
        tenant=actors.tenant,
        account=account,
        requester=contact,
        subject=subject,
        description=description,
        priority=priority,
        channel=rng.choice((Channel.PORTAL, Channel.PORTAL, Channel.EMAIL)),
        at=opened,
    )
    analyst = actors.analysts[index % 2]
    at = opened + rng.randint(2, 40) * M
    case_assign(case=case, actor=analyst, assignee=analyst, at=at)
    # Mostly prompt, sometimes days late: the late ones breach their first-response target.
    at += timedelta(minutes=rng.choice((10, 25, 45, 90, 180, 60 * 30, 60 * 100)))
    comment_add(case=case, actor=analyst, body="Thanks, we are looking into it now.", at=at)
    at = _twist(case, rng, analyst, contact, at)
    at += timedelta(hours=rng.choice((1, 3, 8, 30, 70, 200)))
    if at > actors.now - timedelta(hours=2):
        return case  # still being worked on
    if at > actors.now - timedelta(days=4) and rng.random() < 0.3:
        case_request_information(case=case, actor=analyst, message="Does it still happen after the fix?", at=at)
        return case  # waiting on the merchant
    case_propose_resolution(case=case, actor=analyst, summary="Fixed; details in the thread above.", at=at)
    if rng.random() < 0.85 and at + timedelta(hours=4) < actors.now:
        case_confirm_resolution(case=case, actor=contact, at=at + timedelta(hours=rng.uniform(0.5, 4)))
    return case


def _twist(case: Case, rng: random.Random, analyst: User, contact: User, at: datetime) -> datetime:
    """Now and then: ask for information, record a workaround, link engineering, or escalate."""
    roll = rng.random()
    if roll < 0.12:
        case_request_information(case=case, actor=analyst, message="Could you send a screenshot?", at=at + 5 * M)
        at += timedelta(hours=rng.uniform(1, 20))
        comment_add(case=case, actor=contact, body="Screenshot attached to our reply mail.", at=at)
    elif roll < 0.2:
        at += 40 * M
        case_record_workaround(case=case, actor=analyst, workaround="Re-run the sync from Settings.", at=at)
    elif roll < 0.26:
        at += 30 * M
        reference = f"ENG-{4600 + rng.randint(0, 40)}"
        engineering_issue_link(case=case, actor=analyst, reference=reference, title=case.subject, at=at)
    elif roll < 0.3:
        at += 20 * M
        escalation_raise(
            case=case, actor=contact, reason=EscalationReason.RESPONSIVENESS, notes="We need this sooner.", at=at
        )
    return at
