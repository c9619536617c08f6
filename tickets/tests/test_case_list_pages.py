"""The queue and the merchant's case lists: filters, search, scope and paging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tickets.tests.factories import open_case
from tickets.tests.page_helpers import act

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    return [case.subject for case in response.context["cases"]]


def test_the_queue_filters_by_owner_search_status_and_service_level(client, world, setup_a):

    from tickets.sla_sweeps import sweep_breaches, sweep_warnings

    mine = open_case(world.account_a1, setup_a.normal, subject="Mine: refunds")
    open_case(world.account_a2, setup_a.low, subject="Nobody's: labels")
    late = open_case(world.account_a1, setup_a.urgent, subject="Late: outage")
    client.force_login(world.analyst_a)
    act(client, mine, "take")
    sweep_breaches(now=late.opened_at + timedelta(hours=2))  # Urgent answers in 1 h, Normal in 4 h

    assert set(listed(client.get("/queue/"))) == {"Mine: refunds", "Nobody's: labels", "Late: outage"}
    assert listed(client.get("/queue/?owner=me")) == ["Mine: refunds"]
    assert set(listed(client.get("/queue/?owner=unassigned"))) == {"Nobody's: labels", "Late: outage"}
    assert listed(client.get("/queue/?q=labels")) == ["Nobody's: labels"]
    assert listed(client.get(f"/queue/?q={late.number}")) == ["Late: outage"]
    assert listed(client.get("/queue/?sla=breached")) == ["Late: outage"]
    assert listed(client.get(f"/queue/?priority={setup_a.low.pk}")) == ["Nobody's: labels"]
    assert listed(client.get("/queue/?status=open")) == ["Mine: refunds"]

    sweep_warnings(now=mine.opened_at + timedelta(hours=3, minutes=30))  # Normal warns before its 4 h
    flags = {case.subject: (case.breached, case.at_risk) for case in client.get("/queue/").context["cases"]}
    assert flags == {
        "Mine: refunds": (False, True),
        "Nobody's: labels": (False, False),
        "Late: outage": (True, False),
    }
    page = client.get("/queue/").content.decode()
    assert page.count('data-testid="breached"') == 1 and page.count('data-testid="at-risk"') == 1
    assert listed(client.get("/queue/?sla=at_risk")) == ["Mine: refunds"]


def test_bad_filters_say_so_and_never_reach_another_tenant(client, world, setup_a):
    from tickets.tests.factories import setup_case_tenant

    setup_b = setup_case_tenant(world.tenant_b)
    open_case(world.account_a1, setup_a.normal)
    client.force_login(world.analyst_a)
    response = client.get(f"/queue/?status=nonsense&priority={setup_b.normal.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Status: Select a valid choice." in body and "Priority: Select a valid choice." in body


def test_merchants_look_up_their_old_cases_and_only_theirs(client, world, setup_a):
    old = open_case(world.account_a1, setup_a.normal, subject="Old: tax rates")
    client.force_login(world.analyst_a)
    act(client, old, "resolve", message="Fixed the rates.")
    open_case(world.account_a2, setup_a.normal, subject="Other account: tax export")
    client.force_login(world.merchant_a1)
    assert "/cases/" in client.get("/portal/").content.decode()
    page = client.get("/cases/?q=tax")
    assert listed(page) == ["Old: tax rates"]
    assert 'name="owner"' not in page.content.decode()
    assert listed(client.get("/cases/?status=resolved")) == ["Old: tax rates"]


def test_case_lists_page_on_past_fifty_with_their_filters(client, world, setup_a):
    for n in range(53):
        open_case(world.account_a1, setup_a.low, subject=f"Bulk {n:02}")
    open_case(world.account_a1, setup_a.normal, subject="Other")
    client.force_login(world.analyst_a)
    first = client.get("/queue/?q=Bulk")
    assert len(first.context["cases"]) == 50 and first.context["next_cursor"]
    body = first.content.decode()
    next_link = body.split('data-testid="next-page"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert next_link.startswith("?") and "q=Bulk" in next_link and "cursor=" in next_link
    second = client.get(f"/queue/{next_link}")
    seen = [c.subject for c in first.context["cases"]] + [c.subject for c in second.context["cases"]]
    assert sorted(seen) == [f"Bulk {n:02}" for n in range(53)] and second.context["next_cursor"] is None
    assert "First page" in second.content.decode()
    assert client.get("/cases/?cursor=not-a-cursor").status_code == 400


def test_the_rows_relations_come_from_the_filter_choices_read_once(client, world, setup_a):
    """The queue's rows show each case's account, priority and owner from the rows its filter
    choices read anyway (tickets.views.lists._fill_rows): one read of each table, not two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    taken = open_case(world.account_a1, setup_a.normal, subject="Taken")
    open_case(world.account_a2, setup_a.low, subject="Waiting")
    client.force_login(world.analyst_a)
    act(client, taken, "take")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/queue/")
    rows = {case.subject: case for case in response.context["cases"]}
    assert rows["Taken"].assignee == world.analyst_a and rows["Waiting"].assignee is None
    assert (rows["Taken"].account, rows["Waiting"].priority) == (world.account_a1, setup_a.low)
    body = response.content.decode()
    assert world.account_a2.name in body and world.analyst_a.get_full_name() in body
    for table in ("helpdesk_account", "tickets_priority"):
        assert sum(f'FROM "{table}"' in q["sql"] for q in queries.captured_queries) == 1, table


def test_a_row_outside_the_filter_choices_is_read_for_it(client, world, setup_a):
    """A merchant's list has no owner filter: the owners are read for the rows."""
    case = open_case(world.account_a1, setup_a.normal, subject="Mine")
    client.force_login(world.analyst_a)
    act(client, case, "take")
    client.force_login(world.merchant_a1)
    [row] = client.get("/cases/").context["cases"]
    assert row.assignee == world.analyst_a and row.priority == setup_a.normal
