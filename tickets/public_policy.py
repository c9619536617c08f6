"""The tenant's public support policy, read from its live configuration: the priorities and their
criteria, the plan × priority targets per metric in words, the business hours and next holidays
of the calendars the targets count on, the phone numbers, and how escalation and closing work.

The page (`/support/<tenant-slug>/`) and nothing else renders this, so the policy customers read
is always the one the clocks run on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from helpdesk.models import Tenant
from sla.calendar_cache import load_calendar
from sla.models import Calendar, MetBy, Metric, SlaTarget, Unit
from sla.selectors import policy_current, policy_targets
from tickets.models import Plan, Priority

DAY_NAMES = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
UPCOMING_HOLIDAYS = 6
_PHONE = re.compile(r"^\s*(\+?[\d][\d\s().-]*\d)\s*(.*)$")


@dataclass(frozen=True)
class Phone:
    number: str
    label: str  # e.g. "in the US"
    tel: str  # for a tel: link, e.g. +18772827436


@dataclass(frozen=True)
class TargetRow:
    priority: Priority
    cells: list[str]  # one per plan, in words


@dataclass(frozen=True)
class MetricTable:
    metric: str
    explanation: str
    rows: list[TargetRow]


@dataclass(frozen=True)
class CalendarHours:
    name: str
    time_zone: str
    hours: list[str]  # e.g. "Monday–Friday: 09:00–17:00"
    holidays: list[tuple[date, str]]


@dataclass(frozen=True)
class SupportPolicy:
    tenant: Tenant
    priorities: list[Priority]
    plans: list[Plan]
    tables: list[MetricTable]
    calendars: list[CalendarHours]
    phones: list[Phone]
    escalating: list[Priority]
    phoned: list[Priority]
    policy_version: int | None


def phones_of(numbers: list[str]) -> list[Phone]:
    """Each configured number with its label, as written: "1-877-282-7436 in the US"."""
    phones = []
    for entry in numbers:
        match = _PHONE.match(entry)
        number, label = (match.group(1), match.group(2)) if match else (entry.strip(), "")
        tel = ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)
        phones.append(Phone(number=number, label=label.strip(" ()—-"), tel=tel))
    return phones


def target_words(amount: int, unit: str) -> str:
    """ "1 business day", "48 business hours", "24 hours, around the clock"."""
    words = Unit(unit).label
    if amount == 1:
        words = words.removesuffix("s")
    if Unit.is_business(unit):
        return f"{amount} {words}"
    return f"{amount} {words.removeprefix('calendar ')}, around the clock"


def _spans(intervals: list) -> str:
    if [list(i) for i in intervals] == [["00:00", "24:00"]]:
        return "all day"
    return ", ".join(f"{start}–{end}" for start, end in intervals)


def hours_in_words(hours: dict[str, list]) -> list[str]:
    """Weekly hours, consecutive days with the same hours together: "Monday–Friday: 09:00–17:00"."""
    lines: list[str] = []
    run: list[str] = []

    def close_run() -> None:
        name = DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}"
        lines.append(f"{name}: {_spans(hours[run[0]])}")
        run.clear()

    for day in DAY_NAMES:
        text = _spans(hours.get(day) or [])
        if run and text != _spans(hours[run[0]]):
            close_run()
        if text:
            run.append(day)
    if run:
        close_run()
    return lines


def service_hours(calendars: list[Calendar | None]) -> list[str]:
    """The hours of the business calendars among `calendars`, each with its zone, for mail and
    pages: "Monday–Friday: 09:00–17:00 (Australia/Sydney)"."""
    seen = {c.pk: c for c in calendars if c is not None and any(c.hours.get(day) for day in DAY_NAMES)}
    lines = []
    for calendar in seen.values():
        lines += [f"{line} ({calendar.time_zone})" for line in hours_in_words(calendar.hours)]
    return lines


def tenant_service_hours(*, tenant: Tenant) -> list[str]:
    """The hours of the business calendars the tenant's current targets count on."""
    policy = policy_current(tenant=tenant)
    targets = policy_targets(tenant=tenant, policy=policy) if policy else []
    return service_hours([t.calendar for t in targets if Unit.is_business(t.unit)])


def _calendar_hours(calendar: Calendar, today: date) -> CalendarHours:
    loaded = load_calendar(calendar)
    upcoming = sorted((day, name) for day, name in loaded.holiday_names.items() if day >= today)
    return CalendarHours(
        name=calendar.name,
        time_zone=calendar.time_zone,
        hours=hours_in_words(calendar.hours),
        holidays=upcoming[:UPCOMING_HOLIDAYS],
    )


def _tables(targets: list[SlaTarget], priorities: list[Priority], plans: list[Plan], met_by: str) -> list[MetricTable]:
    cells = {(t.metric, t.priority_id, t.plan_id): target_words(t.amount, t.unit) for t in targets}
    explanations = {
        Metric.FIRST_RESPONSE: "met when an analyst is assigned to your case"
        if met_by == MetBy.ASSIGNMENT
        else "met by our first reply to you",
        Metric.RESOLUTION: "met when we resolve the case; the time we wait for your answer does not count",
    }
    tables = []
    for metric in Metric:
        if not any(key[0] == metric for key in cells):
            continue
        rows = [
            TargetRow(p, [cells.get((metric, p.pk, plan.pk), "no explicit target") for plan in plans])
            for p in priorities
        ]
        tables.append(MetricTable(metric=metric.label, explanation=explanations[metric], rows=rows))
    return tables


def tenant_by_slug(slug: str) -> Tenant | None:
    return Tenant.objects.filter(slug=slug).first()


def support_policy(*, tenant: Tenant, today: date) -> SupportPolicy:
    priorities = list(Priority.objects.for_tenant(tenant).filter(retired=False).order_by("rank"))
    plans = list(Plan.objects.for_tenant(tenant).order_by("rank", "name"))
    policy = policy_current(tenant=tenant)
    targets = list(policy_targets(tenant=tenant, policy=policy)) if policy else []
    calendars = {t.calendar.pk: t.calendar for t in targets if t.calendar is not None and Unit.is_business(t.unit)}
    met_by = policy.first_response_met_by if policy else MetBy.REPLY
    return SupportPolicy(
        tenant=tenant,
        priorities=priorities,
        plans=plans,
        tables=_tables(targets, priorities, plans, met_by),
        calendars=[_calendar_hours(c, today) for c in sorted(calendars.values(), key=lambda c: c.name)],
        phones=phones_of(tenant.support_phone_numbers),
        escalating=[p for p in priorities if p.escalate_on_open],
        phoned=[p for p in priorities if p.must_phone],
        policy_version=policy.version if policy else None,
    )
