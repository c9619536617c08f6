"""The manager's dashboard page: its figures and their links, CSV exports of every table, the date
range's errors at its fields, and the one-click hand-over of a forecast case."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from reports.tests.conftest import MONDAY, TUESDAY
from tickets.models import Case

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def manager(world, live):
    with time_machine.travel(live["now"], tick=False):
        yield signed_in(world.manager_a)


def test_the_manager_lands_on_the_dashboard_and_sees_tiles_forecast_and_load(world, live, manager):
    page = manager.get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<span class="tile-figure">4</span> <span class="tile-label">Open cases</span>' in html
    assert 'href="/queue/?sla=breached" data-testid="tile-4"><span class="tile-figure">1</span>' in html
    assert page.context["tiles"].due_4h == 1
    forecast = [case.number for case, _, _ in page.context["forecast_rows"]]
    assert forecast == [live["due_soon"].number, live["silver"].number]
    assert f'href="/cases/{live["due_soon"].number}/"' in html
    # The unassigned case offers the least-loaded analyst, the owned one its owner.
    offered = {case.number: pk for case, _, pk in page.context["forecast_rows"]}
    assert offered[live["due_soon"].number] == world.analyst_a.pk
    assert f"/queue/?assignee={world.analyst_a.pk}" in html  # the analyst's load opens their cases
    assert "Other tenant" not in html
    assert '<svg viewBox="0 0 640 220" role="img"' in html


def test_every_table_downloads_as_csv_with_what_the_page_shows(world, live, manager):
    overview = rows_of(manager.get("/dashboard/?export=overview"))
    assert overview[0] == ["Figure", "Cases"]
    assert ["Will breach within 4 h", "1"] in overview
    forecast = rows_of(manager.get("/dashboard/?export=forecast"))
    assert [row[0] for row in forecast[1:]] == [live["due_soon"].number, live["silver"].number]
    assert forecast[1][4] == "Unassigned" and forecast[1][6] == "30 min left"
    backlog = rows_of(manager.get("/dashboard/?export=backlog"))
    assert backlog[0][0] == "Priority" and backlog[0][-1] == "Total"
    assert [(row[0], row[-1]) for row in backlog[1:]] == [("Urgent", "1"), ("Normal", "2"), ("Low", "1")]
    load = rows_of(manager.get("/dashboard/?export=agent-load"))
    assert load[0][1:] == ["E-mail", "Shift now", "Open cases"]
    assert load[1][1:] == ["analyst@tenant-a.test", "Off shift", "1"]
    for key in ("attainment", "medians", "satisfaction"):
        answer = manager.get(f"/dashboard/?export={key}&start=2026-11-01&end=2026-11-30")
        assert answer.status_code == 200
        assert f'filename="{key}-2026-11-01-to-2026-11-30.csv"' in answer["Content-Disposition"]
    assert manager.get("/dashboard/?export=passwords").status_code == 404


def test_trend_tables_read_the_rollups_of_the_chosen_days(world, decided):
    client = signed_in(world.manager_a)
    attainment = rows_of(client.get(f"/dashboard/?export=attainment&start={MONDAY}&end={TUESDAY}"))
    assert attainment[0][:5] == ["Week", "Target", "All", "Urgent", "Normal"]
    assert attainment[1][:5] == ["Week of 23 Nov 2026", "First response", "50.0", "100.0", "33.3"]
    medians = rows_of(client.get(f"/dashboard/?export=medians&start={MONDAY}&end={TUESDAY}"))
    assert medians[1:] == [
        ["Urgent", "First response", "1", "30 min", "30.0"],
        ["Normal", "First response", "2", "3 h 45 min", "225.0"],
    ]
    satisfaction = rows_of(client.get(f"/dashboard/?export=satisfaction&start={MONDAY}&end={TUESDAY}"))
    assert satisfaction[1] == ["Week of 23 Nov 2026", "3", "2", "1", "50.0", "66.7"]
    later = rows_of(client.get("/dashboard/?export=attainment&start=2026-12-01&end=2026-12-02"))
    assert later == [["Week", "Target", "All", "Met", "Breached"]]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-11-20&end=2026-11-01", "end", "The end comes before the start"),
        ("start=2020-01-01&end=2026-11-01", "start", "Choose at most 366 days"),
        ("start=yesterday", "start", "Enter a valid date"),
    ],
)
def test_a_wrong_date_range_is_explained_at_its_field(world, setup_a, query, field, message):
    page = signed_in(world.manager_a).get(f"/dashboard/?{query}")
    assert page.status_code == 200
    assert message in " ".join(page.context["form"].errors[field])
    assert message in page.content.decode()


@pytest.mark.parametrize("who", ["analyst_a", "merchant_a1"])
def test_only_managers_and_admins_see_it(world, setup_a, who):
    assert signed_in(getattr(world, who)).get("/dashboard/").status_code == 403
    assert signed_in(world.admin_a).get("/dashboard/").status_code == 200


def test_one_click_assigns_an_unassigned_case_and_reassigns_an_owned_one(world, live, manager):
    due_soon = live["due_soon"]
    answer = manager.post(
        f"/dashboard/hand-over/{due_soon.number}/", {"assignee": world.analyst_a.pk, "version": due_soon.version}
    )
    assert answer.status_code == 302 and answer["Location"] == "/dashboard/"
    assert Case.objects.for_tenant(world.tenant_a).get(pk=due_soon.pk).assignee == world.analyst_a
    urgent = Case.objects.for_tenant(world.tenant_a).get(pk=live["urgent"].pk)
    manager.post(f"/dashboard/hand-over/{urgent.number}/", {"assignee": world.manager_a.pk, "version": urgent.version})
    assert Case.objects.for_tenant(world.tenant_a).get(pk=urgent.pk).assignee == world.manager_a


def test_a_stale_hand_over_changes_nothing_and_says_why(world, live, manager):
    due_soon = live["due_soon"]
    answer = manager.post(
        f"/dashboard/hand-over/{due_soon.number}/",
        {"assignee": world.analyst_a.pk, "version": due_soon.version - 1},
        follow=True,
    )
    assert "was not handed over" in answer.content.decode()
    assert Case.objects.for_tenant(world.tenant_a).get(pk=due_soon.pk).assignee is None


def test_another_tenants_case_or_analyst_cannot_be_handed_over(world, live, setup_b, manager):
    other = Case.objects.for_tenant(world.tenant_b).get()
    answer = manager.post(f"/dashboard/hand-over/{other.number}/", {"assignee": world.analyst_a.pk, "version": 1})
    assert answer.status_code == 404
    due_soon = live["due_soon"]
    manager.post(
        f"/dashboard/hand-over/{due_soon.number}/", {"assignee": world.analyst_b.pk, "version": due_soon.version}
    )
    assert Case.objects.for_tenant(world.tenant_a).get(pk=due_soon.pk).assignee is None


def test_the_page_reads_the_same_number_of_queries_for_one_forecast_case_or_many(world, live, setup_a, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.tests.factories import open_case

    with CaptureQueriesContext(connection) as few:
        manager.get("/dashboard/")
    for n in range(5):
        open_case(world.account_a1, setup_a.normal, at=live["now"] - timedelta(minutes=n), subject=f"More {n}")
    with CaptureQueriesContext(connection) as many:
        page = manager.get("/dashboard/")
    assert len(page.context["forecast_rows"]) == 7
    assert len(many) == len(few)


@pytest.mark.parametrize("path", ["/dashboard/", "/api/v1/reports/dashboard/"])
def test_the_open_cases_are_grouped_once_for_the_tiles_backlog_and_load(world, live, manager, path):
    """At a million cases each pass over the open cases' index costs tens of milliseconds: the
    tiles, the backlog and the agents' load are sums of one grouped count (open_figures)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert manager.get(path).status_code == 200
    grouped = [q["sql"] for q in queries if 'FROM "tickets_case"' in q["sql"] and "GROUP BY" in q["sql"]]
    assert len(grouped) == 1, grouped


def test_a_backlog_figure_opens_the_queue_of_those_cases_only(world, live, manager, setup_a):
    html = manager.get("/dashboard/").content.decode()
    link = f"/queue/?priority={setup_a.normal.pk}&amp;age=under_4h"
    assert f'<a href="{link}">2</a>' in html  # two Normal cases opened under 4 h ago
    queue = manager.get(link.replace("&amp;", "&")).content.decode()
    assert live["due_soon"].number in queue and live["silver"].number in queue
    assert live["urgent"].number not in queue and "Other tenant" not in queue
    older = manager.get(f"/queue/?priority={setup_a.normal.pk}&age=1d_3d").content.decode()
    assert live["due_soon"].number not in older
    assert "Off shift" in html  # the load table says who is on shift


def test_each_forecast_row_counts_down_with_the_queues_countdown(world, live, manager):
    html = manager.get("/dashboard/").content.decode()
    due = live["due_soon"].sla_due_at
    row = html.split(f'data-testid="forecast-{live["due_soon"].number}"', 1)[1].split("</tr>", 1)[0]
    # The component app.js ticks: the deadline in data-due, the words it rewrites every 30 s.
    shown = re.search(r'data-due="([^"]+)"', row)
    assert shown is not None and datetime.fromisoformat(shown[1]) == due
    assert '<span class="hd-countdown-text">30 min left</span>' in row
