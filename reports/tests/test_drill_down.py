"""Every trend figure of the dashboard and the two reports opens the case list of exactly the cases
it counts: each link is followed through the staff case list and its cases are counted."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from helpdesk.report_tables import Table
from helpdesk.tenancy import Scope
from reports.dashboard import Period, attainment_table, medians_table, satisfaction_table
from reports.services import rollup_day
from reports.tests.conftest import MONDAY, TUESDAY
from tickets.services import case_propose_resolution, comment_add
from tickets.tests.factories import MONDAY_9, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_metrics(world, setup_a, decided):
    """On top of `decided`: a Gold/Normal case answered on Monday and resolved on Tuesday (both its
    targets decided in one week) and a Silver case (another account and plan) answered on Monday."""
    both = open_case(world.account_a1, setup_a.normal, at=MONDAY_9 + timedelta(hours=1), subject="Both")
    comment_add(case=both, actor=world.analyst_a, body="Looking.", at=MONDAY_9 + timedelta(hours=2))
    case_propose_resolution(case=both, actor=world.analyst_a, summary="Fixed.", at=MONDAY_9 + timedelta(hours=25))
    silver = open_case(world.account_a2, setup_a.normal, at=MONDAY_9 + timedelta(hours=1), subject="Silver")
    comment_add(case=silver, actor=world.analyst_a, body="Hello.", at=MONDAY_9 + timedelta(hours=2))
    for day in (MONDAY, TUESDAY):
        rollup_day(tenant=world.tenant_a, day=day)
    return both


def listed(client: Client, href: str) -> list[str]:
    """The case numbers the case list shows for `href` (its filters must be valid)."""
    assert href.startswith("/cases/?"), href
    page = client.get(href)
    assert page.status_code == 200
    assert not page.context["filters"].errors, (href, page.context["filters"].errors)
    assert page.context["next_cursor"] is None  # all on one page
    return [case.number for case in page.context["cases"]]


def check_links(client: Client, table: Table, expected: dict[tuple[int, int], int]) -> int:
    """Follow every linked figure of the table; `expected` gives the count behind each (row,
    column) whose text is not itself the count (shares). Returns how many links were followed."""
    followed = 0
    for r, row in enumerate(table.rows):
        for c, figure in enumerate(row):
            if not figure.href:
                continue
            numbers = listed(client, figure.href)
            want = expected[(r, c)] if (r, c) in expected else int(figure.text)
            assert len(numbers) == want, (table.key, table.columns[c], figure.text, figure.href, numbers)
            assert len(set(numbers)) == len(numbers)
            followed += 1
    return followed


@pytest.fixture
def manager(world):
    client = Client()
    client.force_login(world.manager_a)
    return client


def period() -> Period:
    return Period(start=MONDAY, end=TUESDAY, now=timezone.now())


def scope_of(user) -> Scope:
    return Scope(tenant=user.tenant, user=user, account=None)


def test_each_attainment_figure_lists_the_cases_it_counts(world, both_metrics, manager):
    from reports.selectors import attainment_by_week

    table = attainment_table(scope_of(world.manager_a), period())
    priorities, plans, weeks = attainment_by_week(tenant=world.tenant_a, start=MONDAY, end=TUESDAY)
    assert [(w.metric, w.overall.met, w.overall.breached) for w in weeks] == [
        ("first_response", 4, 2),  # Urgent, overnight, both, Silver on time; late and never answered missed
        ("resolution", 1, 0),
    ]
    expected = {}
    for r, w in enumerate(weeks):
        tallies = [w.overall, *(w.by_priority.get(pk) for pk, _ in priorities), *(w.by_plan.get(pk) for pk, _ in plans)]
        for c, tally in enumerate(tallies, start=2):
            if tally is not None:
                expected[(r, c)] = tally.met + tally.breached
    assert check_links(manager, table, expected) == len(expected) + 4  # and Met, Breached per row
    # The late answer was breached on Monday and met later: it is listed as missed, never as met.
    met_link = table.rows[0][-2].href
    assert parse_qs(urlsplit(met_link).query)["outcome"] == ["met"]


def test_each_median_figure_lists_the_targets_met_in_the_period(world, both_metrics, manager):
    table = medians_table(scope_of(world.manager_a), period())
    assert [(row[0].text, row[1].text, row[2].text) for row in table.rows] == [
        ("Urgent", "First response", "1"),
        ("Normal", "First response", "4"),  # the late one counts: it was met, late
        ("Normal", "Resolution", "1"),
    ]
    assert check_links(manager, table, {}) == 3


def test_each_satisfaction_figure_lists_the_answered_cases(world, both_metrics, manager):
    table = satisfaction_table(scope_of(world.manager_a), period())
    [row] = table.rows
    assert [c.text for c in row[1:4]] == ["3", "2", "1"]
    assert check_links(manager, table, {(0, 4): 2, (0, 5): 2}) == 4
    positive = listed(manager, row[3].href)
    assert positive == [decided_case(world, 0)]  # the 5, not the 3, and not tenant B's 1


def decided_case(world, index: int) -> str:
    """The number of the `index`-th case tenant A opened in the `decided` fixture."""
    from tickets.models import Case

    return Case.objects.for_tenant(world.tenant_a).order_by("pk").values_list("number", flat=True)[index]


def test_the_dashboard_page_links_its_trend_figures_to_the_case_list(world, both_metrics, manager):
    html = manager.get(f"/dashboard/?start={MONDAY}&end={TUESDAY}").content.decode()
    missed = "/cases/?metric=first_response&amp;outcome=missed&amp;decided_from=2026-11-23&amp;decided_to=2026-11-24"
    assert missed in html
    assert "/cases/?survey=positive&amp;decided_from=2026-11-23&amp;decided_to=2026-11-24" in html


def test_a_week_cut_by_the_range_lists_only_its_days(world, both_metrics, manager):
    monday = Period(start=MONDAY, end=MONDAY, now=timezone.now())
    table = attainment_table(scope_of(world.manager_a), monday)
    [row] = table.rows  # only first responses were decided on Monday
    assert (row[-2].text, row[-1].text) == ("3", "2")  # overnight was answered on Tuesday
    assert len(listed(manager, row[-2].href)) == 3
    assert len(listed(manager, row[-1].href)) == 2
    assert (row[2].text, len(listed(manager, row[2].href))) == ("60.0", 5)


def test_each_sla_compliance_figure_lists_the_cases_it_counts(world, both_metrics, manager):
    page = manager.get(f"/reports/sla/?start={MONDAY}&end={TUESDAY}&refresh=1")
    followed = 0
    for table in page.context["tables"]:
        # The compliance share counts the met on time and the breached of its row.
        expected = {(r, 6): int(row[3].text) + int(row[4].text) for r, row in enumerate(table.rows)}
        followed += check_links(manager, table, expected)
    month = page.context["tables"][0]
    assert [(row[0].text, row[1].text, row[2].text, row[4].text) for row in month.rows] == [
        ("November 2026", "First response", "6", "2"),
        ("November 2026", "Resolution", "5", "0"),  # Silver/Normal has no resolution target
    ]
    assert followed == 5 * sum(len(table.rows) for table in page.context["tables"])


def test_each_satisfaction_report_figure_lists_the_answered_cases(world, both_metrics, manager):
    page = manager.get(f"/reports/satisfaction/?start={MONDAY}&end={TUESDAY}")
    followed = 0
    for table in page.context["tables"]:
        if table.key == "analyst":  # an answer names the analyst of its day: not a case-list filter
            assert not any(c.href for row in table.rows for c in row)
            continue
        followed += check_links(manager, table, {(r, 3): int(row[1].text) for r, row in enumerate(table.rows)})
    assert followed == 12  # plan (Gold), priority (Urgent, Normal), month: three linked figures each
