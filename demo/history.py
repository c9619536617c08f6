"""About 90 days of believable history per demo tenant, so every chart, report and queue view has
content on first sign-in: a few hundred past cases over every account and priority, answered,
resolved and closed at past instants, some asked for information, given a workaround, linked to
engineering or escalated, most surveys answered; then the dashboard's roll-ups are counted.

Two parts. `plan_history` decides what happens to each past case and when (`PastCase`, its
`PastStep`s and survey answer): a seeded generator, so the same tenant always gets the same
history. `demo.history_build` then writes the plan in a few bulk inserts, building each step's
rows exactly as the life-cycle service it names would (the clocks by the SLA services' own
`clocks_plan` and `clocks_step`), without the mail, webhooks and staff notifications that
playing the past through the services would queue now. `demo/tests/test_history.py` plays the
same plan through the services and checks that both give the same rows."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from demo.history_build import HistoryBuilder
from helpdesk.models import Account, Tenant, User
from reports.services import rollup_recent
from surveys.services import Answer
from tickets.models import Case, Channel, Priority

HISTORY_DAYS = 90
CASES_PER_TENANT = 300  # issue #14's minimum
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
# The texts of the steps (the services' own fields).
FIRST_REPLY = "Thanks, we are looking into it now."
ASK_SCREENSHOT = "Could you send a screenshot?"
SCREENSHOT_SENT = "Screenshot attached to our reply mail."
WORKAROUND = "Re-run the sync from Settings."
ESCALATION_NOTES = "We need this sooner."
ASK_STILL_HAPPENS = "Does it still happen after the fix?"
RESOLUTION = "Fixed; details in the thread above."


@dataclass(frozen=True)
class PastStep:
    """One change to a past case, named after its service: assign, reply, request_information,
    customer_reply, workaround, link, escalate, propose, confirm (by the merchant) or
    close_unanswered (the auto-close sweep). `by` is "analyst" or "contact"."""

    action: str
    at: datetime
    by: str = "analyst"
    text: str = ""


@dataclass(frozen=True)
class PastCase:
    account: Account
    priority: Priority
    subject: str
    description: str
    channel: str
    opened_at: datetime
    analyst: User
    steps: tuple[PastStep, ...]
    survey: tuple[Answer, datetime] | None = None  # the answer to its survey, and when


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


def history_actors(*, tenant: Tenant, analysts: tuple[User, User], now: datetime, cases: int) -> Actors:
    accounts = list(Account.objects.for_tenant(tenant).select_related("technical_contact").order_by("slug"))
    for account in accounts:
        if account.technical_contact is None:
            raise ValueError(f"demo account {account.slug} has no technical contact")
    priorities = list(Priority.objects.for_tenant(tenant).order_by("rank"))
    return Actors(tenant, analysts, accounts, priorities, now, cases)


def seed_history(*, tenant: Tenant, analysts: tuple[User, User], now: datetime, cases: int = CASES_PER_TENANT) -> float:
    """Write `cases` past cases of the tenant over the last 90 days (once: see `has_history`),
    then count the dashboard's roll-ups of those days. Returns the seconds it took."""
    started = timezone.now()
    actors = history_actors(tenant=tenant, analysts=analysts, now=now, cases=cases)
    HistoryBuilder(tenant).write(plan_history(actors))
    rollup_recent(tenant=tenant, now=now, days=HISTORY_DAYS + 1)
    return (timezone.now() - started).total_seconds()


def plan_history(actors: Actors) -> list[PastCase]:
    """What happens to each past case of the tenant, in opening order (deterministic per tenant)."""
    rng = random.Random(actors.tenant.slug)  # noqa: S311  # nosec B311  # demo data, not security
    return [_plan_case(actors, rng, index) for index in range(actors.cases)]


def _plan_case(actors: Actors, rng: random.Random, index: int) -> PastCase:
    """One past case: opened, taken, answered, perhaps one more twist, resolved and mostly confirmed."""
    weights = PRIORITY_WEIGHTS[-len(actors.priorities) :]
    priority = rng.choices(actors.priorities, weights=weights)[0]
    subject, description = SUBJECTS[index % len(SUBJECTS)]
    opened = actors.now - timedelta(days=HISTORY_DAYS * (1 - index / actors.cases) + 2, hours=rng.uniform(0, 8))
    channel = rng.choice((Channel.PORTAL, Channel.PORTAL, Channel.EMAIL))
    at = opened + rng.randint(2, 40) * M
    steps = [PastStep("assign", at)]
    # Mostly prompt, sometimes days late: the late ones breach their first-response target.
    at += timedelta(minutes=rng.choice((10, 25, 45, 90, 180, 60 * 30, 60 * 100)))
    steps.append(PastStep("reply", at, text=FIRST_REPLY))
    at = _twist(steps, rng, at)
    at += timedelta(hours=rng.choice((1, 3, 8, 30, 70, 200)))
    case = PastCase(
        actors.accounts[index % len(actors.accounts)],
        priority,
        subject,
        description,
        channel,
        opened,
        actors.analysts[index % 2],
        (),
    )
    if at > actors.now - timedelta(hours=2):  # still being worked on: what has happened so far
        return _with(case, [step for step in steps if step.at < actors.now])
    if at > actors.now - timedelta(days=4) and rng.random() < 0.3:
        return _with(case, [*steps, PastStep("request_information", at, text=ASK_STILL_HAPPENS)])  # waiting
    steps.append(PastStep("propose", at, text=RESOLUTION))
    if rng.random() < 0.85 and at + timedelta(hours=4) < actors.now:
        closed = at + timedelta(hours=rng.uniform(0.5, 4))
        steps.append(PastStep("confirm", closed, by="contact"))
    else:  # unanswered: the auto-close sweep closes it once the tenant's days have passed
        closed = at + timedelta(days=actors.tenant.auto_close_days, minutes=1)
        if closed >= actors.now:
            return _with(case, steps)
        steps.append(PastStep("close_unanswered", closed))
    return _with(case, steps, _survey(rng, closed, actors.now))


def _with(case: PastCase, steps: list[PastStep], survey: tuple[Answer, datetime] | None = None) -> PastCase:
    return PastCase(**{**vars(case), "steps": tuple(steps), "survey": survey})


def _survey(rng: random.Random, closed: datetime, now: datetime) -> tuple[Answer, datetime] | None:
    """Most merchants answer their survey, five hours after the case closed."""
    if not (rng.random() < 0.55 and closed + timedelta(hours=6) < now):
        return None
    score = rng.choice(SCORES)
    met = "yes" if score >= 4 else ("partly" if score == 3 else "no")
    answer = Answer(
        score,
        max(1, score - rng.randint(0, 1)),
        score,
        max(1, score - rng.randint(0, 1)),
        met_expectations=met if rng.random() < 0.9 else "",
    )
    return answer, closed + timedelta(hours=5)


def _twist(steps: list[PastStep], rng: random.Random, at: datetime) -> datetime:
    """Now and then: ask for information, record a workaround, link engineering, or escalate."""
    roll = rng.random()
    if roll < 0.12:
        steps.append(PastStep("request_information", at + 5 * M, text=ASK_SCREENSHOT))
        at += timedelta(hours=rng.uniform(1, 20))
        steps.append(PastStep("customer_reply", at, by="contact", text=SCREENSHOT_SENT))
    elif roll < 0.2:
        at += 40 * M
        steps.append(PastStep("workaround", at, text=WORKAROUND))
    elif roll < 0.26:
        at += 30 * M
        steps.append(PastStep("link", at, text=f"ENG-{4600 + rng.randint(0, 40)}"))  # titled by the case's subject
    elif roll < 0.3:
        at += 20 * M
        steps.append(PastStep("escalate", at, by="contact", text=ESCALATION_NOTES))
    return at
