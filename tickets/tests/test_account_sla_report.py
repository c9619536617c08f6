"""The customer SLA report: an account's attainment by month and priority, for its merchants (and
staff naming it), never another account's or tenant's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tickets.account_report import account_sla_report, duration_words
from tickets.services import comment_add
from tickets.sla_sweeps import sweep_breaches
from tickets.tests.factories import MONDAY_9, open_case, syd

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    from rest_framework.test import APIClient

    from helpdesk.services import api_key_create

    def client_for(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=user, name='tests')[1]}")
        return client

    return client_for


@pytest.fixture
def history(world, setup_a):
    answered = open_case(world.account_a1, setup_a.normal, subject="Answered within the hour")
    comment_add(case=answered, actor=world.analyst_a, body="Looking at it.", at=MONDAY_9 + timedelta(hours=1))
    open_case(world.account_a1, setup_a.normal, subject="Nobody answered")
    sweep_breaches(now=MONDAY_9 + timedelta(days=1))
    open_case(world.account_a1, setup_a.urgent, at=syd(2026, 10, 5, 9, 0), subject="Still running")
    open_case(world.account_a2, setup_a.normal, subject="Another account's case")
    return setup_a


def test_the_report_counts_an_accounts_cases_by_month_and_priority(world, history):
    from helpdesk.tenancy import scope_for_user

    scope = scope_for_user(world.merchant_a1)
    rows = account_sla_report(scope=scope, account=world.account_a1, since=syd(2026, 1, 1))
    summary = [
        (row.month.strftime("%Y-%m"), row.priority, row.opened, row.first_response.met, row.first_response.missed)
        for row in rows
    ]
    assert summary == [("2026-11", "Normal", 2, 1, 1), ("2026-10", "Urgent", 1, 0, 0)]
    assert rows[0].first_response.median == timedelta(hours=1)
    assert rows[1].first_response.running == 1
    assert rows[1].resolution.running == 1


def test_merchants_read_their_report_on_a_page_and_through_the_api(client, api, world, history):
    client.force_login(world.merchant_a1)
    page = client.get("/reports/account-sla/?months=36")  # the fixture's cases lie in late 2026
    assert page.status_code == 200
    html = page.content.decode()
    assert "Service levels for Alpha One" in html
    assert "<td>November 2026</td><td>Normal</td><td>2</td>" in html
    assert "<td>1</td><td>1</td><td>1 h 00 min</td>" in html
    answer = api(world.merchant_a1).get("/api/v1/reports/account-sla/?months=36").json()
    assert answer["account"] == "alpha-one"
    assert answer["rows"][0] == {
        "month": "2026-11",
        "priority": "Normal",
        "opened": 2,
        "first_response": {"met": 1, "missed": 1, "running": 0, "median_seconds": 3600.0},
        "resolution": {"met": 0, "missed": 0, "running": 2, "median_seconds": None},
    }


def test_no_one_reads_another_accounts_or_tenants_report(client, api, world, history):
    refused = api(world.merchant_a2).get("/api/v1/reports/account-sla/?account=alpha-one")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"account": ["Unknown account."]}
    assert api(world.analyst_b).get("/api/v1/reports/account-sla/?account=alpha-one").status_code == 400
    assert api(world.analyst_a).get("/api/v1/reports/account-sla/?account=alpha-one").json()["account"] == "alpha-one"
    client.force_login(world.merchant_a2)
    assert client.get("/reports/account-sla/?account=alpha-one").status_code == 404
    own = client.get("/reports/account-sla/").content.decode()
    assert "Another account" not in own
    assert "Alpha Two" in own


def test_a_bad_span_is_refused_at_its_field(api, world, history):
    refused = api(world.merchant_a1).get("/api/v1/reports/account-sla/?months=99")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"months": ["1 to 36."]}


def test_durations_in_words():
    assert duration_words(None) == "—"
    assert duration_words(timedelta(minutes=12, seconds=59)) == "12 min"
    assert duration_words(timedelta(hours=2, minutes=5)) == "2 h 05 min"
    assert duration_words(timedelta(days=3, hours=4, minutes=30)) == "3 d 4 h"
