"""The queue's bulk take / assign (one request, each case's own history event, refusals listed)
and its sortable columns (kept in the URL with the filters, keyset-paged)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F

from helpdesk.models import Role
from helpdesk.tests.factories import make_staff
from tickets import views
from tickets.models import Case, CaseEvent, Status
from tickets.services import case_assign, case_propose_resolution
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def three(world, setup_a):
    return [open_case(world.account_a1, setup_a.normal, at=MONDAY_9 + i * H) for i in range(3)]


def test_bulk_take_assigns_each_case_with_its_own_history_event(client, world, three):
    client.force_login(world.analyst_a)
    numbers = [c.number for c in three[:2]]
    response = client.post("/queue/bulk/?owner=unassigned&sort=-due", {"cases": numbers, "action": "take"})
    assert response.status_code == 302 and response["Location"] == "/queue/?owner=unassigned&sort=-due"
    for case in three:
        case.refresh_from_db()
    assert [c.assignee for c in three] == [world.analyst_a, world.analyst_a, None]
    assert [c.status for c in three[:2]] == [Status.OPEN, Status.OPEN]
    events = CaseEvent.objects.filter(case__in=three[:2], code="case.assigned")
    assert sorted(e.case.number for e in events) == sorted(numbers)
    page = client.get(response["Location"]).content.decode()
    assert f"You own 2 more: {numbers[0]}, {numbers[1]}." in page


def test_bulk_assign_reports_the_cases_it_could_not_change(client, world, setup_a, setup_b, three):
    other = make_staff(world.tenant_a, Role.ANALYST, "second@tenant-a.test")
    case_assign(case=three[0], actor=world.analyst_a, assignee=world.analyst_a)
    case_propose_resolution(case=three[1], actor=world.analyst_a, summary="Done.")  # resolved: not in work
    foreign = open_case(world.account_b1, setup_b.normal)
    client.force_login(world.manager_a)
    numbers = [c.number for c in three] + [foreign.number]
    response = client.post("/queue/bulk/", {"cases": numbers, "action": "assign", "assignee": other.pk}, follow=True)
    body = response.content.decode()
    three[2].refresh_from_db()
    assert three[2].assignee == other
    assert f"owns 1 more: {three[2].number}." in body
    assert "Not changed (3)" in body
    assert f"{three[0].number}: Case {three[0].number} is assigned to" in body
    assert f"{foreign.number}: No such case." in body  # another tenant's case: like a missing one
    foreign.refresh_from_db()
    assert foreign.assignee is None


def test_bulk_without_a_case_or_an_analyst_is_refused_at_the_field(client, world, three):
    client.force_login(world.analyst_a)
    response = client.post("/queue/bulk/?sla=at_risk", {"action": "take"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in body and "Tick at least one case first." in body
    response = client.post("/queue/bulk/", {"cases": [three[0].number], "action": "assign"})
    body = response.content.decode()
    assert response.status_code == 400 and "Choose who gets the cases." in body
    assert f'data-testid="pick-{three[0].number}" checked' in body  # the ticks come back with the errors
    three[0].refresh_from_db()
    assert three[0].assignee is None


def _numbers(client, query: str) -> list[str]:
    body = client.get(f"/queue/?{query}").content.decode()
    return [chunk.split('"', 1)[0] for chunk in body.split('data-testid="pick-')[1:]]


def test_columns_sort_both_ways_and_page_by_keyset(client, world, setup_a, three, monkeypatch):
    urgent = open_case(world.account_a1, setup_a.urgent, at=MONDAY_9 + 5 * H)
    client.force_login(world.analyst_a)
    oldest_first = [c.number for c in three] + [urgent.number]
    assert _numbers(client, "sort=number") == oldest_first
    assert _numbers(client, "sort=-number") == oldest_first[::-1]
    assert _numbers(client, "sort=priority")[0] == urgent.number
    assert _numbers(client, "sort=-priority")[-1] == urgent.number
    by_due = _numbers(client, "sort=due")
    assert _numbers(client, "sort=-due") == by_due[::-1]
    monkeypatch.setattr(views.lists, "LIST_SIZE", 3)
    body = client.get("/queue/?sort=-number&owner=unassigned").content.decode()
    cursor = body.split("cursor=", 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "sort=-number" in body.split('data-testid="next-page"')[0].rsplit("href=", 1)[1]
    second = _numbers(client, f"sort=-number&owner=unassigned&cursor={cursor}")
    assert second == [three[0].number]


def test_headers_link_to_the_other_way_and_keep_the_filters(client, world, three):
    client.force_login(world.analyst_a)
    body = client.get("/queue/?owner=unassigned&sort=due").content.decode()
    assert 'aria-sort="ascending"' in body
    assert 'href="?owner=unassigned&amp;sort=-due" data-testid="sort-due"' in body
    assert 'href="?owner=unassigned&amp;sort=priority" data-testid="sort-priority"' in body
    refresh = body.split('id="queue-list" hx-get="', 1)[1].split('"', 1)[0]
    assert refresh == "/queue/?owner=unassigned&amp;sort=due"


def test_the_default_order_is_still_the_work_order(client, world, setup_a, three):
    open_case(world.account_a1, setup_a.urgent, at=MONDAY_9 + 5 * H)
    client.force_login(world.analyst_a)
    work_order = Case.objects.filter(tenant=world.tenant_a).order_by(
        "work_rank", F("sla_due_at").asc(nulls_last=True), "opened_at", "pk"
    )
    assert _numbers(client, "") == [c.number for c in work_order]
