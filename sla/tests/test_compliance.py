"""The managers' SLA compliance report: met on time, breached and running clocks per group."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tickets.services import comment_add
from tickets.sla_sweeps import sweep_breaches
from tickets.tests.factories import MONDAY_9, open_case, setup_case_tenant

pytestmark = pytest.mark.django_db


def table(response, title):
    return [
        (row.label, row.metric, row.clocks, row.met, row.breached, row.running, row.compliance)
        for row in response.context["report"][title]
    ]


def test_compliance_by_month_priority_and_plan_counts_only_the_own_tenant(client, world, setup_a):
    answered = open_case(world.account_a1, setup_a.normal)  # Gold: answer in 4 h, resolve in 16 h
    comment_add(case=answered, actor=world.analyst_a, body="Looking.", at=MONDAY_9 + timedelta(hours=1))
    open_case(world.account_a1, setup_a.normal)  # left alone: first response breaches at 13:00
    open_case(world.account_a2, setup_a.normal)  # Silver: answer in 8 h, still running at 14:00
    setup_b = setup_case_tenant(world.tenant_b)
    open_case(world.account_b1, setup_b.normal)  # another tenant's breach
    sweep_breaches(now=MONDAY_9 + timedelta(hours=5))

    client.force_login(world.manager_a)
    response = client.get("/reports/sla/")
    assert response.status_code == 200
    assert table(response, "priority") == [
        ("Normal", "First response", 3, 1, 1, 1, 50.0),
        ("Normal", "Resolution", 2, 0, 0, 2, None),
    ]
    assert table(response, "plan") == [
        ("Gold", "First response", 2, 1, 1, 0, 50.0),
        ("Gold", "Resolution", 2, 0, 0, 2, None),
        ("Silver", "First response", 1, 0, 0, 1, None),
    ]
    assert [row[:3] for row in table(response, "month")] == [
        ("November 2026", "First response", 3),
        ("November 2026", "Resolution", 2),
    ]
    assert "50.0" in response.content.decode()
    exported = client.get("/reports/sla/?export=plan").content.decode().splitlines()
    assert exported[0] == "Plan,Metric,Clocks,Met on time,Breached,Running,Compliance (%)"
    assert exported[1] == "Gold,First response,2,1,1,0,50.0"


def test_the_date_range_narrows_the_clocks_counted(client, world, setup_a):
    open_case(world.account_a1, setup_a.normal)  # Monday 23 November 2026
    open_case(world.account_a1, setup_a.normal, at=MONDAY_9 - timedelta(days=30))
    client.force_login(world.manager_a)
    november = client.get("/reports/sla/?start=2026-11-01&end=2026-11-30")
    assert [row[:3] for row in table(november, "month")] == [
        ("November 2026", "First response", 1),
        ("November 2026", "Resolution", 1),
    ]
    assert [row[0] for row in table(client.get("/reports/sla/?start=2026-10-01&end=2026-11-30"), "month")] == [
        "October 2026",
        "October 2026",
        "November 2026",
        "November 2026",
    ]
    wrong = client.get("/reports/sla/?start=2026-11-30&end=2026-10-01")
    assert "The end comes before the start" in wrong.content.decode()


@pytest.mark.parametrize("who", ["merchant_a1", "analyst_a"])
def test_the_report_is_for_managers_and_admins(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/reports/sla/").status_code == 403


def test_the_figures_are_kept_a_few_minutes_per_tenant_and_can_be_counted_again(client, world, setup_a):
    open_case(world.account_a1, setup_a.normal)
    client.force_login(world.manager_a)
    assert table(client.get("/reports/sla/"), "plan")[0][:3] == ("Gold", "First response", 1)
    open_case(world.account_a1, setup_a.normal)
    assert table(client.get("/reports/sla/"), "plan")[0][:3] == ("Gold", "First response", 1)  # kept
    assert table(client.get("/reports/sla/?refresh=1"), "plan")[0][:3] == ("Gold", "First response", 2)

    setup_b = setup_case_tenant(world.tenant_b)
    open_case(world.account_b1, setup_b.normal)
    client.force_login(world.manager_b)
    assert [row[:3] for row in table(client.get("/reports/sla/"), "plan")] == [
        ("Gold", "First response", 1),
        ("Gold", "Resolution", 1),
    ]
