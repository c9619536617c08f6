"""One generated case and everything hanging off it (its SLA clocks, an open pause, comments and
history events), as rows in PostgreSQL's COPY text format.

Deadlines: the clocks of cases still in play (new, open, waiting, reopened, resolved) get the
exact commitment of their target on the tenant's calendar (`sla.calendar_cache.target_commitment`,
the code a case opened through the services uses). Closed cases, most of the data, get a deadline
derived from the target's length stretched by the calendar's share of open hours in a week (about
40 %); computing each exactly would cost ~40 µs a clock, a minute and a half for a million cases.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.data import vocabulary

ACTIVE = ("new", "open", "waiting_on_customer", "reopened")
CASE_COLUMNS = (
    "id", "tenant_id", "number", "subject", "description", "category", "channel", "status", "cc_emails",
    "recent_changes", "business_impact", "steps_to_reproduce", "workaround", "opened_at", "first_responded_at",
    "resolved_at", "closed_at", "closure_requested_at", "updated_at", "sla_due_at", "version", "account_id",
    "assignee_id", "requester_id", "sla_policy_id", "store_id", "plan_id", "priority_id", "imported_from", "work_rank",
)  # fmt: skip
CLOCK_COLUMNS = (
    "tenant_id", "case_id", "metric", "amount", "unit", "calendar_id", "started_at", "length", "at_risk_share",
    "due_at", "at_risk_at", "met_at", "warned_at", "breached_at",
)  # fmt: skip
PAUSE_COLUMNS = ("tenant_id", "case_id", "reason", "started_at", "ended_at")
COMMENT_COLUMNS = ("tenant_id", "case_id", "author_id", "body", "is_public", "channel", "sender_email", "created_at")
EVENT_COLUMNS = ("tenant_id", "case_id", "code", "actor_id", "created_at", "old", "new", "note")
CATEGORIES = (("incident", 60), ("question", 20), ("provisioning", 8), ("training", 5), ("feature_request", 5))
CHANNELS = (("portal", 55), ("email", 30), ("phone", 10), ("api", 5))


@dataclass(frozen=True)
class Account:
    id: int
    plan_id: int
    contact_id: int


@dataclass(frozen=True)
class Priority:
    id: int
    name: str
    worked_first: bool


@dataclass
class TenantShape:
    """What a tenant's cases are made from, read once before its rows are written."""

    tenant_id: int
    zone: str
    prefix: str
    policy_id: int | None
    share: Decimal
    priorities: list[tuple[Priority, int]]  # (priority, weight)
    accounts: list[Account]
    analysts: list[tuple[int, str]]  # (id, email)
    targets: dict[tuple[int, int, str], Any]  # (plan id, priority id, metric) -> SlaTarget
    priority_list: list[Priority] = field(default_factory=list)
    priority_weights: list[int] = field(default_factory=list)  # cumulative
    # calendar id -> (an open day's length, a week over its open hours): elapsed time of business time
    calendars: dict[int, tuple[timedelta, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        total = 0
        for priority, weight in self.priorities:
            total += weight
            self.priority_list.append(priority)
            self.priority_weights.append(total)


@dataclass
class Rows:
    cases: list[str] = field(default_factory=list)
    clocks: list[str] = field(default_factory=list)
    pauses: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    """COPY's text format. Strings are the generator's own words and JSON, which hold no tab,
    newline or backslash (tests/test_bench_data.py checks the vocabulary), so they go as they are."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is int:
        return str(value)
    if value is None:
        return "\\N"
    if kind is datetime:
        return value.isoformat()  # type: ignore[attr-defined]
    if kind is bool:
        return "t" if value else "f"
    if kind is timedelta:
        return f"{int(value.total_seconds())} seconds"  # type: ignore[attr-defined]
    return str(value)


def line(*values: object) -> str:
    return "\t".join([_text(value) for value in values]) + "\n"


def _cumulative(weighted: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    values, totals, total = [], [], 0
    for value, weight in weighted:
        total += weight
        values.append(value)
        totals.append(total)
    return values, totals


_CATEGORIES, _CHANNELS = _cumulative(CATEGORIES), _cumulative(CHANNELS)


def _pick(rng: random.Random, cumulative: tuple[list[str], list[int]]) -> str:
    return rng.choices(cumulative[0], cum_weights=cumulative[1])[0]


@dataclass
class Clock:
    metric: str
    target: Any
    length: timedelta
    due: datetime
    at_risk: datetime
    met: datetime | None = None
    warned: datetime | None = None
    breached: datetime | None = None
    paused: bool = False


def _length_and_span(shape: TenantShape, target: Any) -> tuple[timedelta, timedelta]:
    """The target's length in its measure, and roughly how much wall-clock time that is."""
    kind, unit = target.unit.split("_")
    day, stretch = shape.calendars.get(target.calendar_id, (timedelta(days=1), 1.0))
    if kind == "calendar":
        day, stretch = timedelta(days=1), 1.0
    base = {"minutes": timedelta(minutes=1), "hours": timedelta(hours=1), "days": day}[unit]
    return base * target.amount, base * target.amount * stretch


def _commit(shape: TenantShape, metric: str, target: Any, opened: datetime, exact: bool) -> Clock:
    from sla.business_time.clock_maths import instant_after, share_of
    from sla.calendar_cache import target_commitment

    if exact:
        commitment = target_commitment(target=target, started_at=opened, zone_name=shape.zone)
        length, due = commitment.length, commitment.due_at
        risk_length = share_of(length, shape.share)
        at_risk = instant_after(measure=commitment.measure, started_at=opened, length=risk_length, pauses=()) or due
        return Clock(metric, target, length, due, at_risk)
    length, span = _length_and_span(shape, target)
    return Clock(metric, target, length, opened + span, opened + span * float(shape.share))


def _settle(clock: Clock, at: datetime | None, now: datetime) -> None:
    """Met at `at` (late: breached at its deadline too), else running, at risk or breached by `now`."""
    clock.met = at
    end = at or now
    if clock.at_risk <= end:
        clock.warned = clock.at_risk
    if (at is not None and at > clock.due) or (at is None and clock.due <= end):
        clock.breached = clock.due


def _opened(rng: random.Random, status: str, spans: list[timedelta], now: datetime) -> datetime:
    if status == "closed":  # years of history, more of it recent
        return now - timedelta(days=3 + 727 * rng.random() ** 1.5, seconds=rng.randrange(86400))
    if status == "resolved":
        return now - timedelta(hours=rng.uniform(6, 24 * 20))
    # Still in play: placed within (and a little past) its longest target, so that its clocks are
    # running, at risk or breached in realistic shares. New cases have had no reply yet: the first one.
    span = (spans[0] if status == "new" else spans[-1]) if spans else timedelta(days=2)
    return now - span * rng.uniform(0.02, 1.2) - timedelta(minutes=1)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random() if end > start else start


@dataclass
class Life:
    opened: datetime
    responded: datetime | None = None
    resolved: datetime | None = None
    closed: datetime | None = None
    paused: datetime | None = None  # the running pause's start (waiting or resolved)
    updated: datetime | None = None


def _life(rng: random.Random, status: str, opened: datetime, clocks: dict[str, Clock], now: datetime) -> Life:
    life = Life(opened)
    first, resolution = clocks.get("first_response"), clocks.get("resolution")
    responded = opened
    if status != "new":
        due = first.due if first else opened + timedelta(hours=8)
        responded = min(opened + (due - opened) * rng.uniform(0.05, 1.15), now - timedelta(minutes=1))
        life.responded = responded
    if status == "closed":
        due = resolution.due if resolution else opened + timedelta(days=3)
        aimed = opened + (due - opened) * rng.uniform(0.15, 1.2)
        life.resolved = max(min(aimed, now - timedelta(hours=1)), responded + timedelta(minutes=10))
        life.closed = min(life.resolved + timedelta(hours=rng.uniform(1, 24 * 7)), now)
    elif status == "resolved":
        life.resolved = life.paused = _between(rng, min(responded + timedelta(minutes=10), now), now)
    elif status == "waiting_on_customer":
        life.paused = _between(rng, responded, now)
    life.updated = life.closed or life.paused or _between(rng, responded, now)
    if first:
        _settle(first, life.responded, now)
    if resolution:
        _settle(resolution, life.resolved, life.paused or now)
        resolution.paused = status == "waiting_on_customer"
    return life


@dataclass(frozen=True)
class NewCase:
    id: int
    number: str
    status: str


def add_case(shape: TenantShape, rng: random.Random, rows: Rows, new: NewCase, now: datetime) -> None:
    """Append one case of `shape`'s tenant in `new.status`, with its clocks, pause, comments and events."""
    priority = rng.choices(shape.priority_list, cum_weights=shape.priority_weights)[0]
    account = rng.choice(shape.accounts)
    targets = {
        metric: target
        for metric in ("first_response", "resolution")
        if (target := shape.targets.get((account.plan_id, priority.id, metric))) is not None
    }
    spans = [_length_and_span(shape, target)[1] for target in targets.values()]
    opened = _opened(rng, new.status, spans, now)
    exact = new.status != "closed"
    clocks = {metric: _commit(shape, metric, target, opened, exact) for metric, target in targets.items()}
    life = _life(rng, new.status, opened, clocks, now)
    analyst = None if new.status == "new" else rng.choice(shape.analysts)
    running = [c.due for c in clocks.values() if c.met is None and not c.paused]
    channel = _pick(rng, _CHANNELS)
    worked_first = new.status in ACTIVE and priority.worked_first
    rows.cases.append(
        line(
            *(new.id, shape.tenant_id, new.number, vocabulary.subject(rng), vocabulary.description(rng)),
            *(_pick(rng, _CATEGORIES), channel, new.status, "[]", "", "", "", ""),
            *(opened, life.responded, life.resolved, life.closed, None, life.updated, min(running, default=None)),
            *(1, account.id, analyst[0] if analyst else None, account.contact_id, shape.policy_id, None),
            *(account.plan_id, priority.id, "", 1 if worked_first else 2),
        )
    )
    for clock in clocks.values():
        target = clock.target
        rows.clocks.append(
            line(
                *(shape.tenant_id, new.id, clock.metric, target.amount, target.unit, target.calendar_id, opened),
                *(clock.length, shape.share, None if clock.paused else clock.due),
                *(None if clock.paused else clock.at_risk, clock.met, clock.warned, clock.breached),
            )
        )
    if life.paused is not None:
        reason = "resolved" if new.status == "resolved" else "waiting_on_customer"
        rows.pauses.append(line(shape.tenant_id, new.id, reason, life.paused, None))
    _conversation(shape, rng, rows, new, life, analyst, account, now)
    _history(shape, rows, new, life, clocks, analyst, account, (priority.name, channel))


def _conversation(
    shape: TenantShape,
    rng: random.Random,
    rows: Rows,
    new: NewCase,
    life: Life,
    analyst: tuple[int, str] | None,
    account: Account,
    now: datetime,
) -> None:
    """About three comments a case: the merchant's messages, the analyst's replies, a few internal notes."""
    count = rng.choice((1, 2, 2, 3, 3, 4, 4, 5)) if new.status == "closed" else rng.choice((0, 1, 2, 3, 4, 5))
    end = life.closed or now
    times = sorted(_between(rng, life.opened, end) for _ in range(count))
    for n, at in enumerate(times):
        staff = analyst is not None and n % 2 == 1
        note = staff and rng.random() < 0.2
        author = analyst[0] if staff and analyst else account.contact_id
        words = rng.choice(vocabulary.NOTES if note else vocabulary.REPLIES if staff else vocabulary.MERCHANT_REPLIES)
        channel = "email" if rng.random() < 0.3 else "portal"
        public = "f" if note else "t"
        rows.comments.append(
            f"{shape.tenant_id}\t{new.id}\t{author}\t{words}\t{public}\t{channel}\t\t{at.isoformat()}\n"
        )
        if staff and not note:
            rows.events.append(_event(shape, new, "case.commented", author, at, "{}", "{}"))
        elif not staff and n:  # the merchant answering (their first message is the opening's)
            rows.events.append(_event(shape, new, "case.customer_replied", author, at, "{}", "{}"))


def _event(shape: TenantShape, new: NewCase, code: str, actor: int | None, at: datetime, old: str, to: str) -> str:
    """One event; `old` and `to` (its `new`) are JSON written out: quicker than json.dumps, a
    few million times over, and every value in them is the generator's own."""
    who = "\\N" if actor is None else actor
    return f"{shape.tenant_id}\t{new.id}\t{code}\t{who}\t{at.isoformat()}\t{old}\t{to}\t\n"


def _status(status: str) -> str:
    return f'{{"status": "{status}"}}'


def _sla_events(shape: TenantShape, new: NewCase, clocks: dict[str, Clock]) -> list[str]:
    """Warnings of clocks not met, breaches, and the resolution clock's meeting (a first response
    met in time is left out: it keeps the history at about six events a case)."""
    events = []
    for clock in clocks.values():
        about = f'"metric": "{clock.metric}", "due_at": "{clock.due.isoformat()}"'
        if clock.warned and not clock.met:
            events.append(_event(shape, new, "sla.at_risk", None, clock.warned, "{}", f"{{{about}}}"))
        if clock.breached:
            events.append(_event(shape, new, "sla.breached", None, clock.breached, "{}", f"{{{about}}}"))
        elif clock.met and clock.metric == "resolution":
            met = f'{{{about}, "met_at": "{clock.met.isoformat()}"}}'
            events.append(_event(shape, new, "sla.met", None, clock.met, "{}", met))
    return events


def _history(
    shape: TenantShape,
    rows: Rows,
    new: NewCase,
    life: Life,
    clocks: dict[str, Clock],
    analyst: tuple[int, str] | None,
    account: Account,
    opening: tuple[str, str],
) -> None:
    """The events the services would have written: opened, assigned, SLA warnings and decisions,
    and the status steps (information requested, resolution proposed, closed)."""
    events = rows.events
    opened = f'{{"priority": "{opening[0]}", "channel": "{opening[1]}"}}'
    events.append(_event(shape, new, "case.opened", account.contact_id, life.opened, "{}", opened))
    if analyst:
        assigned = life.opened + (((life.responded or life.opened) - life.opened) / 2)
        to = f'{{"assignee": "{analyst[1]}"}}'
        events.append(_event(shape, new, "case.assigned", analyst[0], assigned, _status("new"), to))
    events += _sla_events(shape, new, clocks)
    actor = analyst[0] if analyst else None
    if new.status == "waiting_on_customer" and life.paused:
        asked = _status("waiting_on_customer")
        events.append(_event(shape, new, "case.information_requested", actor, life.paused, _status("open"), asked))
    if life.resolved:
        resolved = _status("resolved")
        events.append(_event(shape, new, "case.resolution_proposed", actor, life.resolved, _status("open"), resolved))
    if life.closed:
        closed = _status("closed")
        events.append(_event(shape, new, "case.closed", account.contact_id, life.closed, resolved, closed))
