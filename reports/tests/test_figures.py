"""Every dashboard figure against hand-counted cases, with cases of another tenant (and another
account) that must not count. Tenant A's office is open Mon–Fri 09:00–17:00 (Sydney); Gold/Urgent
answers in 1 h, Gold/Normal in 4 h, Silver/Normal in 8 h, Low has no target."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from helpdesk.tenancy import Scope
from reports.models import DailySlaTally
from reports.selectors import (
    agent_load,
    attainment_by_week,
    backlog,
    breach_forecast,
    dashboard_tiles,
    median_times,
    satisfaction_by_week,
)
from reports.selectors.trends import median_minutes
from reports.services import rollup_day, rollup_recent
from tickets.ages import AGE_BUCKETS
from tickets.models import Priority, StaffProfile, Status
from tickets.selectors import case_list
from tickets.tests.factories import MONDAY_9

pytestmark = pytest.mark.django_db
MONDAY, TUESDAY = date(2026, 11, 23), date(2026, 11, 24)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def scope_of(user) -> Scope:
    return Scope(tenant=user.tenant, user=user, account=None)


def test_tiles_count_the_tenants_open_cases_by_state(world, live):
    tiles = dashboard_tiles(scope=scope_of(world.manager_a), now=live["now"])
    assert (tiles.open, tiles.unassigned, tiles.at_risk, tiles.breached) == (4, 3, 1, 1)
    assert (tiles.due_4h, tiles.due_24h) == (1, 2)
    assert tiles.escalations == 2  # Urgent escalates when opened, and again when breached


def test_the_forecast_lists_unmet_deadlines_in_the_window_soonest_first(world, live):
    scope = scope_of(world.manager_a)
    soon = [case.number for case in breach_forecast(scope=scope, now=live["now"], hours=4)]
    day = [case.number for case in breach_forecast(scope=scope, now=live["now"], hours=24)]
    assert soon == [live["due_soon"].number]
    assert day == [live["due_soon"].number, live["silver"].number]
    # The breached Urgent case's deadline has passed: it is breached, not forecast.
    assert live["urgent"].number not in day


def test_backlog_by_priority_and_age(world, live, setup_a):
    rows = backlog(scope=scope_of(world.manager_a), now=live["now"])
    expected = [("Urgent", 1, 1), ("Normal", 2, 2), ("Low", 1, 1)]
    assert [(row.priority, row.counts[0], row.total) for row in rows] == expected
    later = backlog(scope=scope_of(world.manager_a), now=live["now"] + timedelta(days=2))
    assert [row.counts[2] for row in later] == [1, 2, 1]  # all in "1–3 days" two days on


def test_agent_load_lists_every_analyst_and_only_this_tenants(world, live):
    load = agent_load(scope=scope_of(world.manager_a))
    assert [(row.email, row.open) for row in load] == [("analyst@tenant-a.test", 1)]
    assert agent_load(scope=scope_of(world.manager_b)) == [
        type(load[0])(world.analyst_b.pk, "analyst@tenant-b.test", world.analyst_b.get_full_name(), 0)
    ]


def test_attainment_counts_met_and_breached_by_the_day_decided(world, decided):
    priorities, plans, weeks = attainment_by_week(tenant=world.tenant_a, start=MONDAY, end=TUESDAY)
    assert [name for _, name in priorities] == ["Urgent", "Normal"]
    assert [name for _, name in plans] == ["Gold"]
    [week] = weeks
    assert (week.week, week.metric) == (MONDAY, "first_response")
    assert (week.overall.met, week.overall.breached, week.overall.attainment) == (2, 2, 50.0)
    urgent, normal = (pk for pk, _ in priorities)
    assert week.by_priority[urgent].attainment == 100.0
    assert (week.by_priority[normal].met, week.by_priority[normal].breached) == (1, 2)
    monday_only = attainment_by_week(tenant=world.tenant_a, start=MONDAY, end=MONDAY)[2][0]
    assert (monday_only.overall.met, monday_only.overall.breached) == (1, 2)


def test_medians_are_business_minutes_per_priority_and_metric(world, decided):
    rows = median_times(tenant=world.tenant_a, start=MONDAY, end=TUESDAY)
    assert [(r.priority, r.metric, r.clocks, r.median_minutes) for r in rows] == [
        ("Urgent", "first_response", 1, 30.0),
        ("Normal", "first_response", 2, 225.0),  # 360 (late) and 90 (across the night)
    ]


def test_satisfaction_is_the_share_of_4_and_5_and_the_response_rate(world, decided):
    [week] = satisfaction_by_week(tenant=world.tenant_a, start=MONDAY, end=TUESDAY)
    assert (week.invited, week.responses, week.satisfied) == (3, 2, 1)
    assert (week.csat, week.response_rate) == (50.0, 66.7)
    [other] = satisfaction_by_week(tenant=world.tenant_b, start=MONDAY, end=TUESDAY)
    assert (other.responses, other.satisfied) == (1, 0)


def test_recounting_a_day_replaces_its_rows(world, decided):
    before = sorted(DailySlaTally.objects.for_tenant(world.tenant_a).values_list("day", "met", "breached"))
    rollup_day(tenant=world.tenant_a, day=MONDAY)
    rollup_recent(tenant=world.tenant_a, now=MONDAY_9 + hours(25))
    after = sorted(DailySlaTally.objects.for_tenant(world.tenant_a).values_list("day", "met", "breached"))
    assert after == before
    assert len(before) == 3


def test_median_of_a_histogram():
    assert median_minutes(Counter()) is None
    assert median_minutes(Counter({5: 1})) == 5
    assert median_minutes(Counter({1: 1, 3: 1})) == 2
    assert median_minutes(Counter({1: 2, 10: 1})) == 1


def test_agent_load_says_whether_each_analyst_is_on_shift_now(world, live):
    weekdays = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    world.analyst_a.time_zone = "Australia/Sydney"
    world.analyst_a.save(update_fields=["time_zone"])
    StaffProfile.objects.update_or_create(
        tenant=world.tenant_a, user=world.analyst_a, defaults={"shift_hours": weekdays}
    )
    scope = scope_of(world.manager_a)
    [at_noon] = agent_load(scope=scope, now=live["now"])  # Monday 12:30 in Sydney
    [at_night] = agent_load(scope=scope, now=live["now"] + hours(10))
    assert (at_noon.email, at_noon.open, at_noon.on_shift) == ("analyst@tenant-a.test", 1, True)
    assert (at_night.open, at_night.on_shift) == (1, False)
    [other] = agent_load(scope=scope_of(world.manager_b), now=live["now"])
    assert not other.on_shift  # no shift hours: never on shift


def test_each_backlog_figure_opens_exactly_the_cases_it_counts(world, live, setup_a):
    scope = scope_of(world.manager_a)
    for now in (live["now"], live["now"] + timedelta(days=2), live["now"] + timedelta(days=9)):
        for row in backlog(scope=scope, now=now):
            priority = Priority.objects.get(pk=row.priority_id)
            for (key, *_), counted in zip(AGE_BUCKETS, row.counts, strict=True):
                listed = case_list(scope=scope, priority=priority, age=key, now=now).exclude(
                    status__in=[Status.CLOSED, Status.RESOLVED]
                )
                assert listed.count() == counted, (now, row.priority, key)
    assert sum(sum(row.counts) for row in backlog(scope=scope, now=live["now"])) == 4  # tenant B's case is not here
