"""The app shell's live counts, the queue's saved views and filters, the search by a bare case
number, the merchant's account page and the tenant's brand stylesheet."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets.services import case_assign, escalation_raise
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


def _badge(body: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', body)
    assert match, testid
    return match.group(1)


def test_the_counts_are_the_tenants_open_work_only(client, world, setup_a, setup_b):
    now = timezone.now()
    mine = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=1))
    case_assign(case=mine, actor=world.analyst_a, assignee=world.analyst_a)
    open_case(world.account_a2, setup_a.normal, at=now - timedelta(hours=1))
    open_case(world.account_b1, setup_b.normal, at=now - timedelta(hours=1))  # another tenant's
    client.force_login(world.analyst_a)
    body = client.get("/shell/counts/?tiles=1").content.decode()
    assert _badge(body, "count-unassigned") == "1"
    assert _badge(body, "count-breached") == ""  # zero leaves the badge empty, so it hides
    assert 'id="tile-mine" hx-swap-oob="true">1<' in body
    assert 'id="tile-unassigned" hx-swap-oob="true">1<' in body


def test_a_merchant_counts_only_their_accounts_open_cases(client, world, setup_a):
    open_case(world.account_a1, setup_a.normal)
    open_case(world.account_a2, setup_a.normal)
    client.force_login(world.merchant_a1)
    body = client.get("/shell/counts/").content.decode()
    assert _badge(body, "count-open") == "1"
    assert "count-unassigned" not in body and "tile-" not in body


def test_the_counts_cost_the_same_at_one_case_and_at_twenty(client, world, setup_a):
    client.force_login(world.analyst_a)
    open_case(world.account_a1, setup_a.normal)
    with CaptureQueriesContext(connection) as one:
        client.get("/shell/counts/?tiles=1")
    for _ in range(19):
        open_case(world.account_a1, setup_a.normal)
    with CaptureQueriesContext(connection) as twenty:
        client.get("/shell/counts/?tiles=1")
    assert len(one) == len(twenty)


def test_the_escalated_view_and_the_escalations_badge(client, world, setup_a):
    escalated = open_case(world.account_a1, setup_a.normal, subject="Escalated one")
    open_case(world.account_a1, setup_a.normal, subject="Quiet one")
    escalation_raise(case=escalated, actor=world.merchant_a1, reason="critical_impact", notes="Losing sales")
    client.force_login(world.manager_a)
    assert _badge(client.get("/shell/counts/").content.decode(), "count-escalations") == "1"
    body = client.get("/queue/?escalated=yes").content.decode()
    assert "Escalated one" in body and "Quiet one" not in body
    assert 'class="active" aria-current="page">Escalated<' in body


def test_the_queue_offers_only_statuses_it_can_hold(client, world, setup_a):
    client.force_login(world.analyst_a)
    body = client.get("/queue/").content.decode()
    status_select = body.split('name="status"')[1].split("</select>")[0]
    assert "Waiting on customer" in status_select
    assert "Closed" not in status_select and "Resolved" not in status_select
    # The list of every case still offers them.
    assert "Closed" in client.get("/cases/").content.decode().split('name="status"')[1].split("</select>")[0]


def test_htmx_asks_for_the_list_alone_with_the_filters_it_was_shown_with(client, world, setup_a):
    open_case(world.account_a1, setup_a.normal, subject="Refunds fail")
    client.force_login(world.analyst_a)
    body = client.get("/queue/?owner=unassigned", headers={"HX-Request": "true"}).content.decode()
    assert body.lstrip().startswith('<div id="queue-list" hx-get="/queue/?owner=unassigned"')
    assert "Refunds fail" in body and "<html" not in body


def test_search_takes_a_bare_case_number(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal, subject="Refunds fail")
    other = open_case(world.account_a1, setup_a.normal, subject="Something else")
    client.force_login(world.analyst_a)
    body = client.get(f"/cases/?q={case.number.split('-')[1]}").content.decode()
    assert case.number in body and other.number not in body


def test_the_account_page_shows_the_contact_cc_addresses_and_stores(client, world):
    world.account_a1.cc_addresses = ["ops@alpha-one.test"]
    world.account_a1.save()
    client.force_login(world.merchant_a1)
    body = client.get("/account/").content.decode()
    assert "ops@alpha-one.test" in body and world.account_a1.technical_contact.email in body
    client.force_login(world.analyst_a)
    assert client.get("/account/").status_code == 403


def test_the_brand_stylesheet_carries_the_tenants_colour(client, world):
    world.tenant_a.brand_colour = "#7a1fa2"
    world.tenant_a.save()
    client.force_login(world.analyst_a)
    response = client.get("/brand.css")
    assert response["Content-Type"].startswith("text/css")
    assert "--hd-brand: #7a1fa2;" in response.content.decode()
    client.force_login(world.analyst_b)
    assert "#7a1fa2" not in client.get("/brand.css").content.decode()


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("analyst_a", "/queue/"),
        ("analyst_a", "case"),
        ("analyst_a", "/cases/"),
        ("merchant_a1", "/portal/"),
        ("merchant_a1", "/cases/new/"),
        ("merchant_a1", "case"),
        ("manager_a", "/dashboard/"),
    ],
)
def test_the_css_and_javascript_a_page_loads_stay_under_150_kb_compressed(client, world, setup_a, who, path):
    """Every main page: the stylesheets and scripts it links (found as the static files app
    serves them, plus the tenant's /brand.css), gzipped, add up to under 150 KB."""
    if path == "case":
        path = f"/cases/{open_case(world.account_a1, setup_a.normal).number}/"
    client.force_login(getattr(world, who))
    body = client.get(path).content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', body)
    assert len(assets) >= 5  # toolkit CSS and JS, htmx, our CSS and JS
    found = [finders.find(asset) for asset in assets]
    assert None not in found, assets
    sizes = [len(gzip.compress(Path(str(f)).read_bytes())) for f in found]
    if 'href="/brand.css"' in body:
        sizes.append(len(gzip.compress(client.get("/brand.css").content)))
    assert sum(sizes) < 150 * 1024
