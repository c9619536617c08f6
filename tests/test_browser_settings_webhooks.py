"""The webhook and API key settings pages in a real browser at 1366 and 375 px, with content:
an endpoint with delivered and failed deliveries, its edit form, its delete confirmation, and keys
with a recorded history. Nothing overflows sideways and axe finds nothing serious; screenshots
land in var/screenshots/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.messaging.webhooks import webhook_ping
from helpdesk.models import DeliveryStatus, WebhookDelivery
from helpdesk.services import api_key_create, webhook_endpoint_create, webhook_endpoint_set_active
from tests.support.browser import browser_page, sign_in
from tests.test_browser_pages import WIDTHS, _check
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _seed(world) -> int:
    url = "https://hooks.harbour-homewares.example/helpdesk/events/incoming-from-support-desk"
    endpoint = webhook_endpoint_create(
        tenant=world.tenant_a, url=url, events=["case.created", "sla.breached"], actor=world.admin_a
    )
    other = webhook_endpoint_create(tenant=world.tenant_a, url="https://ops.example/hook", events=["sla.at_risk"])
    webhook_endpoint_set_active(endpoint=other, active=False, actor=world.admin_a)
    ok, failed = webhook_ping(endpoint=endpoint), webhook_ping(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=ok.pk).update(
        status=DeliveryStatus.DELIVERED, attempts=1, response_status=200, note="OK", delivered_at=timezone.now()
    )
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.PENDING,
        attempts=2,
        response_status=503,
        note="Service Unavailable",
        next_attempt_at=timezone.now() + timedelta(minutes=1),
    )
    api_key_create(
        user=world.merchant_a1, name="Shop monitor", expires_at=timezone.now() + timedelta(days=30), actor=world.admin_a
    )
    return endpoint.pk


def test_webhook_and_api_key_pages_fit_both_widths_and_pass_axe(live_server, world):
    pk = _seed(world)
    visits = [
        ("webhooks-full", "/settings/webhooks/", ["webhook", "deliveries", "setting-changes"]),
        ("webhooks-edit", f"/settings/webhooks/?edit={pk}", ["webhook"]),
        ("webhooks-delete", f"/settings/webhooks/?delete={pk}", ["delete-confirmation"]),
        ("api-keys-full", "/settings/api-keys/", ["setting-changes"]),
    ]
    problems: list[str] = []
    with browser_page() as page:
        sign_in(page, live_server.url, world.admin_a.email, world.password)
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path, testids in visits:
                page.goto(f"{live_server.url}{path}")
                problems += _check(page, name, width, testids)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/settings/webhooks/?delete={pk}")
        page.get_by_role("button", name="Delete the webhook").click()
        page.get_by_text("is deleted, with its log of 2 deliveries").wait_for()
    assert problems == [], "\n".join(problems)


def test_the_dashboard_with_its_backlog_and_load_fits_both_widths(live_server, world, setup_a):
    now = timezone.now()
    for hours_ago, subject in ((1, "Refunds fail"), (30, "Stock sync"), (200, "Tax rates")):
        open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=hours_ago), subject=subject)
    problems: list[str] = []
    with browser_page() as page:
        sign_in(page, live_server.url, world.manager_a.email, world.password)
        page.wait_for_load_state("networkidle")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/dashboard/")
            problems += _check(page, "dashboard", width, ["tiles", "table-backlog", "table-agent-load"])
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/dashboard/")
        page.get_by_test_id("table-backlog").locator("a", has_text="1").first.click()
        page.wait_for_url("**/queue/?priority=*&age=*")
        assert page.get_by_test_id("cases").locator("tbody tr").count() == 1
    assert problems == [], "\n".join(problems)
