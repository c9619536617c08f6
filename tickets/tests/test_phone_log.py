"""The phone log for new cases: the caller's store, the call's time (in the analyst's zone, never
in the future) and its owner (the analyst who logs it unless they choose another or nobody)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from helpdesk.errors import ValidationFailed
from helpdesk.models import Store
from sla.models import MetBy, Metric, SlaClock
from tickets.models import Case, CaseEvent, Channel, Notification, NotificationKind, Status
from tickets.services import case_open
from tickets.tests.factories import MONDAY_9, setup_case_tenant

pytestmark = pytest.mark.django_db

NOW = MONDAY_9 + timedelta(hours=2)  # Monday 23 Nov 2026, 11:00 in Sydney


def call(setup, requester, **overrides):
    data = {
        "requester": requester.pk,
        "subject": "Orders stopped syncing",
        "priority": setup.normal.pk,
        "category": "incident",
        "description": "No orders since 10:00.",
    }
    return {**data, **overrides}


@time_machine.travel(NOW, tick=False)
def test_the_form_asks_for_store_call_time_in_the_analysts_zone_and_owner(client, world, setup_a):
    client.force_login(world.analyst_a)
    page = client.get("/cases/log-call/").content.decode()
    assert "Call time (Australia/Sydney)" in page
    assert 'type="datetime-local"' in page and 'value="2026-11-23T11:00"' in page  # defaults to now
    assert "Alpha One store (Alpha One)" in page and "Alpha Two store (Alpha Two)" in page
    assert "Bravo One store" not in page  # another tenant's
    assert f'<option value="{world.analyst_a.pk}" selected>Me' in page
    assert "Unassigned: leave it in the queue" in page and "Manager tenant-a (0 open)" in page


@time_machine.travel(NOW, tick=False)
def test_the_call_opens_at_its_time_with_its_store_owned_by_the_analyst(client, world, setup_a):
    client.force_login(world.analyst_a)
    store = Store.objects.get(account=world.account_a2)
    data = call(setup_a, world.merchant_a2, store=store.pk, called_at="2026-11-23T10:15")
    response = client.post("/cases/log-call/", data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.channel, case.store, case.assignee, case.status) == (
        Channel.PHONE,
        store,
        world.analyst_a,
        Status.OPEN,
    )
    assert case.opened_at == MONDAY_9 + timedelta(hours=1, minutes=15)  # 10:15 in Sydney
    assigned = CaseEvent.objects.get(case=case, code="case.assigned")
    assert assigned.actor == world.analyst_a and assigned.new["assignee_name"] == "Analyst tenant-a"
    assert not Notification.objects.exists()  # nobody is told of their own act


@time_machine.travel(NOW, tick=False)
def test_the_analyst_gives_the_case_to_someone_else_or_to_nobody(client, world, setup_a):
    client.force_login(world.analyst_a)
    client.post("/cases/log-call/", call(setup_a, world.merchant_a1, owner=world.manager_a.pk))
    given = Case.objects.get()
    assert given.assignee == world.manager_a
    told = Notification.objects.get()
    assert (told.recipient, told.kind, told.case) == (world.manager_a, NotificationKind.ASSIGNED, given)
    client.post("/cases/log-call/", call(setup_a, world.merchant_a1, subject="Refunds fail", owner="unassigned"))
    left = Case.objects.get(subject="Refunds fail")
    assert (left.assignee, left.status) == (None, Status.NEW)


@time_machine.travel(NOW, tick=False)
def test_a_call_time_in_the_future_or_another_accounts_store_is_refused_at_the_field(client, world, setup_a):
    client.force_login(world.analyst_a)
    response = client.post("/cases/log-call/", call(setup_a, world.merchant_a1, called_at="2026-11-23T11:30"))
    assert response.status_code == 400
    assert "The call time is in the future" in response.context["form"].errors["called_at"][0]
    assert 'data-testid="error-summary"' in response.content.decode()
    other_store = Store.objects.get(account=world.account_a2)
    response = client.post("/cases/log-call/", call(setup_a, world.merchant_a1, store=other_store.pk))
    assert response.status_code == 400
    assert "is not Alpha One's" in response.context["form"].errors["store"][0]
    bravo = Store.objects.get(account=world.account_b1)
    response = client.post("/cases/log-call/", call(setup_a, world.merchant_a1, store=bravo.pk))
    assert response.status_code == 400 and "store" in response.context["form"].errors
    response = client.post("/cases/log-call/", call(setup_a, world.merchant_a1, owner=world.analyst_b.pk))
    assert response.status_code == 400 and "owner" in response.context["form"].errors
    assert not Case.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_call_time_is_read_in_the_analysts_own_zone(client, world, setup_a):
    world.analyst_a.time_zone = "Europe/London"
    world.analyst_a.save(update_fields=["time_zone"])
    client.force_login(world.analyst_a)
    page = client.get("/cases/log-call/").content.decode()
    assert "Call time (Europe/London)" in page and 'value="2026-11-23T00:00"' in page  # 11:00 in Sydney
    client.post("/cases/log-call/", call(setup_a, world.merchant_a1, called_at="2026-11-22T23:30"))
    assert Case.objects.get().opened_at == datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


def test_where_assignment_meets_the_first_response_the_owner_given_at_opening_meets_it(world):
    setup = setup_case_tenant(world.tenant_a, met_by=MetBy.ASSIGNMENT)
    case = case_open(
        tenant=world.tenant_a,
        account=world.account_a1,
        requester=world.merchant_a1,
        opened_by=world.analyst_a,
        channel=Channel.PHONE,
        subject="Checkout down",
        description="All payments fail.",
        priority=setup.normal,
        assignee=world.analyst_a,
        at=MONDAY_9,
    )
    first = SlaClock.objects.get(case=case, metric=Metric.FIRST_RESPONSE)
    assert first.met_at == MONDAY_9
    assert CaseEvent.objects.filter(case=case, code="sla.met").count() == 1


def test_the_service_refuses_an_owner_from_another_tenant_or_a_merchant(world, setup_a):
    for owner in (world.analyst_b, world.merchant_a1):
        with pytest.raises(ValidationFailed) as refused:
            case_open(
                tenant=world.tenant_a,
                account=world.account_a1,
                requester=world.merchant_a1,
                opened_by=world.analyst_a,
                channel=Channel.PHONE,
                subject="Checkout down",
                description="All payments fail.",
                priority=setup_a.normal,
                assignee=owner,
            )
        assert "owner" in refused.value.errors
    assert not Case.objects.exists()
