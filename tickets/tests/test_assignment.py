"""Automatic assignment: analysts on shift in their own time zones, fewest open cases first, in
turn; nobody on shift mails the on-call address; assignment can meet the first response."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.models import OutboxMessage, Role
from helpdesk.tests.factories import make_staff
from sla.models import MetBy, Metric, SlaClock
from tickets.models import Notification, QueueSettings, StaffProfile, Status
from tickets.services import case_auto_assign
from tickets.shifts import on_shift
from tickets.tasks import auto_assign
from tickets.tests.factories import MONDAY_9, open_case, setup_case_tenant

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
WEEKDAYS = {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def on_duty(user, zone: str, hours=WEEKDAYS):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    StaffProfile.objects.update_or_create(tenant=user.tenant, user=user, defaults={"shift_hours": hours})
    return user


@pytest.fixture
def team(world):
    QueueSettings.objects.create(tenant=world.tenant_a, auto_assign=True, on_call_email="oncall@tenant-a.test")
    sydney = on_duty(world.analyst_a, "Australia/Sydney")
    los_angeles = on_duty(make_staff(world.tenant_a, Role.ANALYST, "la@tenant-a.test"), "America/Los_Angeles")
    return sydney, los_angeles


def test_who_is_on_shift_depends_on_their_own_time_zone(world, team):
    sydney, los_angeles = team
    # Monday 09:30 in Sydney is Sunday 14:30 in Los Angeles.
    at = MONDAY_9 + H / 2
    assert on_shift(sydney, now=at, default_zone="UTC") and not on_shift(los_angeles, now=at, default_zone="UTC")
    # Tuesday 04:00 in Sydney is Monday 09:00 in Los Angeles: only she works.
    at = MONDAY_9 + 19 * H
    assert not on_shift(sydney, now=at, default_zone="UTC") and on_shift(los_angeles, now=at, default_zone="UTC")


def test_new_cases_go_to_the_analyst_on_shift_and_they_are_told(world, setup_a, team):
    sydney, _ = team
    case = open_case(world.account_a1, setup_a.normal)
    assert case_auto_assign(case=case, at=MONDAY_9 + H / 2) == sydney
    case.refresh_from_db()
    assert (case.assignee, case.status) == (sydney, Status.OPEN)
    assert Notification.objects.filter(recipient=sydney, kind="assigned", case=case).count() == 1
    assert case_auto_assign(case=case, at=MONDAY_9 + H) is None  # assigned already: nothing again


def test_fewest_open_cases_first_then_in_turn(world, setup_a, team):
    sydney, los_angeles = team
    both = {day: [["00:00", "24:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    on_duty(sydney, "Australia/Sydney", both)
    on_duty(los_angeles, "America/Los_Angeles", both)
    owners = [case_auto_assign(case=open_case(world.account_a1, setup_a.normal), at=MONDAY_9 + n * H) for n in range(4)]
    assert owners == [sydney, los_angeles, sydney, los_angeles]


def test_nobody_on_shift_mails_the_on_call_address_and_leaves_it_unassigned(world, setup_a, team):
    case = open_case(world.account_a1, setup_a.normal, at=MONDAY_9 - 12 * H)
    saturday = MONDAY_9 - 40 * H  # Saturday afternoon in Sydney, Friday night in Los Angeles
    assert case_auto_assign(case=case, at=saturday) is None
    case.refresh_from_db()
    assert case.assignee is None
    (mail,) = OutboxMessage.objects.filter(kind="on_call_new_case")
    assert mail.to == ["oncall@tenant-a.test"] and case.number in mail.subject


def test_tenants_that_do_not_assign_automatically_are_left_alone(world, setup_a):
    on_duty(world.analyst_a, "Australia/Sydney")
    case = open_case(world.account_a1, setup_a.normal)
    assert auto_assign(case.pk) is False
    case.refresh_from_db()
    assert case.assignee is None


def test_assignment_meets_the_first_response_where_the_tenant_says_so(world, team):
    setup = setup_case_tenant(world.tenant_a, met_by=MetBy.ASSIGNMENT)
    case = open_case(world.account_a1, setup.normal)
    assert case_auto_assign(case=case, at=MONDAY_9 + H / 2) == team[0]
    clock = SlaClock.objects.get(case=case, metric=Metric.FIRST_RESPONSE)
    assert clock.met_at is not None


def test_opening_asks_for_assignment_after_commit_only_where_the_tenant_assigns(
    world, setup_a, team, django_capture_on_commit_callbacks, monkeypatch
):
    queued: list[int] = []
    monkeypatch.setattr(auto_assign, "delay", queued.append)  # the broker is Celery's, not ours
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world.account_a1, setup_a.normal)
    QueueSettings.objects.filter(tenant=world.tenant_a).update(auto_assign=False)
    with django_capture_on_commit_callbacks(execute=True):
        open_case(world.account_a1, setup_a.normal)
    assert queued == [case.pk]


def test_the_queue_offers_worked_first_cases_whose_owner_is_off_shift_for_hand_off(client, world, setup_a, team):
    from django.utils import timezone

    from helpdesk.tenancy import Scope
    from tickets.selectors import handoff_candidates
    from tickets.services import case_assign

    sydney, los_angeles = team
    setup_a.urgent.worked_first = True
    setup_a.urgent.save(update_fields=["worked_first"])
    critical = open_case(world.account_a1, setup_a.urgent)
    normal = open_case(world.account_a1, setup_a.normal)
    for case in (critical, normal):
        case_assign(case=case, actor=sydney, assignee=sydney)
    scope = Scope(world.tenant_a, los_angeles, None)
    assert handoff_candidates(scope=scope, now=MONDAY_9 + H) == []  # on shift
    assert handoff_candidates(scope=scope, now=MONDAY_9 + 9 * H) == [critical]  # 18:00: her shift is over
    # On the page, whatever the clock says: a shift only on a day that is not today.
    today = timezone.now().astimezone(ZoneInfo("Australia/Sydney")).strftime("%a").lower()
    other = next(day for day in ("mon", "tue") if day != today)
    on_duty(sydney, "Australia/Sydney", {other: [["00:00", "24:00"]]})
    client.force_login(los_angeles)
    offer = client.get("/queue/").content.decode()
    assert 'data-testid="handoff"' in offer and critical.number in offer.split('data-testid="handoff"')[1][:600]
