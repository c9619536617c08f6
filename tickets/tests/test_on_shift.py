"""The on-shift dot next to owners' names (queue, case page) and in the reassign choices, read
from one roster of the tenant's staff (never a query per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.tests.factories import make_staff
from tickets.models import StaffProfile
from tickets.services import case_assign
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db

NOW = MONDAY_9 + timedelta(hours=1)  # Monday 10:00 in Sydney


def shift(user, hours):
    StaffProfile.objects.update_or_create(tenant=user.tenant, user=user, defaults={"shift_hours": hours})


@pytest.fixture
def staffed(world, setup_a):
    """The analyst works Monday 09:00-17:00 in Sydney, the manager only Sundays; the admin keeps no hours."""
    shift(world.analyst_a, {"mon": [["09:00", "17:00"]]})
    shift(world.manager_a, {"sun": [["09:00", "17:00"]]})
    mine = open_case(world.account_a1, setup_a.normal, at=MONDAY_9)
    case_assign(case=mine, actor=world.analyst_a, assignee=world.analyst_a, at=MONDAY_9)
    theirs = open_case(world.account_a2, setup_a.normal, at=MONDAY_9)
    case_assign(case=theirs, actor=world.analyst_a, assignee=world.manager_a, at=MONDAY_9)
    return mine, theirs


@time_machine.travel(NOW, tick=False)
def test_the_queue_shows_each_owners_dot(client, world, staffed):
    client.force_login(world.analyst_a)
    page = client.get("/queue/").content.decode()
    assert f'data-testid="shift-{world.analyst_a.pk}"' in page and 'class="hd-shift hd-shift-on"' in page
    assert f'data-testid="shift-{world.manager_a.pk}"' in page and 'class="hd-shift hd-shift-off"' in page
    assert '<span class="visually-hidden">on shift</span>' in page
    assert '<span class="visually-hidden">off shift</span>' in page


@time_machine.travel(NOW, tick=False)
def test_the_case_page_shows_the_owners_dot_and_reassign_offers_who_is_on_shift_with_their_load(client, world, staffed):
    mine, _ = staffed
    client.force_login(world.manager_a)
    page = client.get(f"/cases/{mine.number}/").content.decode()
    assert f'data-testid="shift-{world.analyst_a.pk}"' in page
    assert "Analyst tenant-a (on shift, 1 open)" in page
    assert "Manager tenant-a (off shift, 1 open)" in page
    assert "Admin tenant-a (0 open)" in page  # no shift hours: neither on nor off


@time_machine.travel(NOW, tick=False)
def test_merchants_see_who_owns_their_case_but_no_shift_dot(client, world, staffed):
    mine, _ = staffed
    client.force_login(world.merchant_a1)
    page = client.get(f"/cases/{mine.number}/").content.decode()
    assert "Analyst tenant-a" in page and "hd-shift" not in page


@time_machine.travel(NOW, tick=False)
def test_the_dots_cost_the_same_queries_for_one_owner_as_for_many(client, world, setup_a, staffed):
    client.force_login(world.analyst_a)
    client.get("/queue/")
    with CaptureQueriesContext(connection) as few:
        client.get("/queue/")
    for n in range(4):
        extra = make_staff(world.tenant_a, email=f"extra{n}@tenant-a.test")
        shift(extra, {"mon": [["00:00", "24:00"]]})
        case = open_case(world.account_a1, setup_a.low, at=MONDAY_9)
        case_assign(case=case, actor=world.analyst_a, assignee=extra, at=MONDAY_9)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/queue/").content.decode()
    assert page.count('class="hd-shift hd-shift-on"') == 5
    assert len(many) == len(few)


@time_machine.travel(NOW, tick=False)
def test_another_tenants_staff_are_never_in_the_roster(client, world, staffed):
    mine, _ = staffed
    client.force_login(world.manager_a)
    page = client.get(f"/cases/{mine.number}/").content.decode()
    assert "tenant-b" not in page
