"""Quotes and stored clocks are one computation, also on DST change days and for opening times
given without an offset (PRODUCT.md: "Quotes, previews and stored clocks are one computation")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpdesk.models import Account, Tenant
from helpdesk.tests.factories import make_account
from sla.business_time.deadlines import read_in_zone
from sla.models import Metric, SlaClock, Unit
from sla.presets import MAGENTO_OMS, STORECONNECT
from tickets.models import Priority
from tickets.services import case_open, preset_apply

LA, SYD = ZoneInfo("America/Los_Angeles"), ZoneInfo("Australia/Sydney")
ELAPSED = {
    Unit.CALENDAR_MINUTES: timedelta(minutes=1),
    Unit.CALENDAR_HOURS: timedelta(hours=1),
    Unit.CALENDAR_DAYS: timedelta(days=1),
}


def quote(slug: str, plan: str, priority: str, opened_at: str) -> dict:
    out = StringIO()
    call_command(
        "sla_quote", "--tenant", slug, "--plan", plan, "--priority", priority, "--opened-at", opened_at, stdout=out
    )
    return json.loads(out.getvalue())


# -- reading a time without an offset ------------------------------------------------------------


@pytest.mark.parametrize(
    ("wall", "zone", "instant"),
    [
        ("2026-03-08T01:30:00", LA, "2026-03-08T01:30:00-08:00"),
        # In the gap (02:00 to 03:00 does not happen): the moment the clocks jump.
        ("2026-03-08T02:00:00", LA, "2026-03-08T03:00:00-07:00"),
        ("2026-03-08T02:30:00", LA, "2026-03-08T03:00:00-07:00"),
        ("2026-03-08T02:59:59.999999", LA, "2026-03-08T03:00:00-07:00"),
        ("2026-03-08T03:00:00", LA, "2026-03-08T03:00:00-07:00"),
        # Happens twice: its first occurrence (still daylight time).
        ("2026-11-01T01:30:00", LA, "2026-11-01T01:30:00-07:00"),
        ("2026-11-01T02:00:00", LA, "2026-11-01T02:00:00-08:00"),
        ("2026-10-04T02:15:00", SYD, "2026-10-04T03:00:00+11:00"),
        ("2026-04-05T02:30:00", SYD, "2026-04-05T02:30:00+11:00"),
        # A half-hour change: Lord Howe Island jumps from 02:00 to 02:30.
        ("2026-10-04T02:10:00", ZoneInfo("Australia/Lord_Howe"), "2026-10-04T02:30:00+11:00"),
    ],
)
def test_a_time_without_offset_is_read_in_the_zone(wall, zone, instant):
    read = read_in_zone(datetime.fromisoformat(wall), zone)
    assert read.tzinfo is UTC
    assert read.astimezone(zone).isoformat() == instant


def test_a_time_with_an_offset_is_that_instant():
    read = read_in_zone(datetime.fromisoformat("2026-03-08T02:30:00+05:00"), LA)
    assert read.isoformat() == "2026-03-07T21:30:00+00:00"


# -- the reported quotes ---------------------------------------------------------------------------


@pytest.fixture
def oms(db) -> Tenant:
    tenant = Tenant.objects.create(slug="magento-oms", name="Magento OMS", time_zone="America/Los_Angeles")
    preset_apply(tenant=tenant, preset=MAGENTO_OMS)
    return tenant


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opened_at", "first_response", "resolution"),
    [
        # The report: 24 calendar hours are 24 elapsed hours across the change, not 23.
        ("2026-03-08T01:30:00", "2026-03-08T01:45:00-08:00", "2026-03-09T02:30:00-07:00"),
        # Fifteen minutes that cross the jump end at 03:05 daylight time, not at a 02:05 that never happens.
        ("2026-03-08T01:50:00", "2026-03-08T03:05:00-07:00", "2026-03-09T02:50:00-07:00"),
        ("2026-03-08T02:30:00", "2026-03-08T03:15:00-07:00", "2026-03-09T03:00:00-07:00"),
        # Clocks go back: the first 01:30, then 24 hours (the next day's 00:30).
        ("2026-11-01T01:30:00", "2026-11-01T01:45:00-07:00", "2026-11-02T00:30:00-08:00"),
        ("2026-11-01T01:50:00-08:00", "2026-11-01T02:05:00-08:00", "2026-11-02T01:50:00-08:00"),
    ],
)
def test_calendar_unit_quotes_are_elapsed_time_across_dst(oms, opened_at, first_response, resolution):
    answer = quote("magento-oms", "Standard", "P1", opened_at)
    assert answer["first_response"]["due"] == first_response
    assert answer["resolution"]["due"] == resolution


# -- the property: a quote is the clock a case opened then stores -----------------------------------


@dataclass
class Setup:
    tenants: dict[str, Tenant]
    accounts: dict[tuple[str, str], Account]  # (tenant slug, plan name) → an account on that plan


@pytest.fixture
def two_presets(db) -> Setup:
    tenants = {
        "magento-oms": Tenant.objects.create(
            slug="magento-oms", name="Magento OMS", time_zone="America/Los_Angeles", case_number_prefix="OMS"
        ),
        "storeconnect": Tenant.objects.create(
            slug="storeconnect", name="StoreConnect", time_zone="Australia/Sydney", case_number_prefix="SC"
        ),
    }
    preset_apply(tenant=tenants["magento-oms"], preset=MAGENTO_OMS)
    preset_apply(tenant=tenants["storeconnect"], preset=STORECONNECT)
    accounts = {}
    for slug, preset in (("magento-oms", MAGENTO_OMS), ("storeconnect", STORECONNECT)):
        for plan in preset.plans:
            accounts[slug, plan] = make_account(tenants[slug], f"{slug}-{plan.lower()}", plan=plan)
    return Setup(tenants=tenants, accounts=accounts)


# Each tenant's DST changes in 2026–27 as (UTC instant, offset before, offset after); from tzdata.
CHANGES = {
    "magento-oms": [
        (datetime(2026, 3, 8, 10, tzinfo=UTC), timedelta(hours=-8), timedelta(hours=-7)),
        (datetime(2026, 11, 1, 9, tzinfo=UTC), timedelta(hours=-7), timedelta(hours=-8)),
        (datetime(2027, 3, 14, 10, tzinfo=UTC), timedelta(hours=-8), timedelta(hours=-7)),
        (datetime(2027, 11, 7, 9, tzinfo=UTC), timedelta(hours=-7), timedelta(hours=-8)),
    ],
    "storeconnect": [
        (datetime(2026, 4, 4, 16, tzinfo=UTC), timedelta(hours=11), timedelta(hours=10)),
        (datetime(2026, 10, 3, 16, tzinfo=UTC), timedelta(hours=10), timedelta(hours=11)),
        (datetime(2027, 4, 3, 16, tzinfo=UTC), timedelta(hours=11), timedelta(hours=10)),
        (datetime(2027, 10, 2, 16, tzinfo=UTC), timedelta(hours=10), timedelta(hours=11)),
    ],
}


def instant_of_wall_time(wall: datetime, change: tuple[datetime, timedelta, timedelta]) -> datetime:
    """What a wall-clock time near a DST change means, worked out from the change itself: the
    earlier of the instants that show it, or the change when none does (a time in the gap)."""
    at, before, after = change
    showing = [
        instant
        for instant, offset in ((wall - before, before), (wall - after, after))
        if (instant < at) == (offset == before)  # that offset is the one in force then
    ]
    return min(showing) if showing else at


@st.composite
def openings(draw) -> tuple[str, str, str, datetime]:
    """(tenant slug, plan, opened_at text, the instant it means), within a day and a half of a change."""
    slug = draw(st.sampled_from(sorted(CHANGES)))
    change = draw(st.sampled_from(CHANGES[slug]))
    zone = LA if slug == "magento-oms" else SYD
    plan = draw(st.sampled_from((MAGENTO_OMS if slug == "magento-oms" else STORECONNECT).plans))
    seconds = draw(st.integers(-36 * 3600, 36 * 3600).map(lambda s: s - s % 60) | st.integers(-36 * 3600, 36 * 3600))
    near = (change[0] + timedelta(seconds=seconds)).astimezone(zone)
    style = draw(st.sampled_from(["no offset", "no offset, in the gap or fold", "local offset", "UTC"]))
    if style.startswith("no offset"):
        wall = near.replace(tzinfo=None)
        if style.endswith("fold"):  # a wall-clock time the change skips or repeats
            wall = (
                change[0].replace(tzinfo=None)
                + max(change[1], change[2])
                - timedelta(seconds=draw(st.integers(1, 3600)))
            )
        return slug, plan, wall.isoformat(), instant_of_wall_time(wall.replace(tzinfo=UTC), change)
    text = near.isoformat() if style == "local offset" else near.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return slug, plan, text, near


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(opening=openings(), priority_rank=st.integers(0, 3), opened_in_zone=st.booleans())
def test_a_quote_is_the_clock_a_case_opened_then_stores(two_presets, opening, priority_rank, opened_in_zone):
    slug, plan, text, instant = opening
    instant = instant.astimezone(UTC)  # Python never finds a zoned time in a repeated hour equal to another zone's
    tenant = two_presets.tenants[slug]
    zone = ZoneInfo(tenant.time_zone)
    priority = list(Priority.objects.for_tenant(tenant).order_by("rank"))[priority_rank]
    answer = quote(slug, plan, priority.name, text)

    account = two_presets.accounts[slug, plan]
    case = case_open(
        tenant=tenant,
        account=account,
        requester=account.technical_contact,
        subject="Opened at a DST change",
        description="Property test",
        priority=priority,
        at=instant.astimezone(zone) if opened_in_zone else instant.astimezone(UTC),
    )
    assert case.opened_at == instant
    clocks = {clock.metric: clock for clock in SlaClock.objects.for_tenant(tenant).filter(case=case)}
    for metric in Metric.values:
        quoted = answer[metric]
        if quoted is None:
            assert metric not in clocks
            continue
        due = datetime.fromisoformat(quoted["due"])
        assert due == clocks[metric].due_at, (text, metric, quoted)
        # Shown as a wall-clock time that exists, with the offset in force then.
        assert quoted["due"] == due.astimezone(ZoneInfo(tenant.time_zone)).isoformat()
        if quoted["unit"] in ELAPSED:
            assert due - instant == quoted["amount"] * ELAPSED[quoted["unit"]]
