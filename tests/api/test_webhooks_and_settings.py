"""Outbound webhooks (signed, retried, replayable) and the tenant admin pages for keys and webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from helpdesk.messaging.webhooks import deliveries_due, webhook_deliver
from helpdesk.models import ApiKey, DeliveryStatus, WebhookDelivery, WebhookEndpoint
from helpdesk.services import webhook_endpoint_create
from tickets.tests.factories import open_case

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP endpoint recording what it receives and answering with a chosen status."""

    def __init__(self) -> None:
        self.status, self.received = 200, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    fake = Receiver()
    yield fake
    fake.server.shutdown()


def test_events_are_delivered_signed(world, setup_a, receiver):
    endpoint = webhook_endpoint_create(
        tenant=world.tenant_a, url=receiver.url, events=["case.created", "case.commented"]
    )
    webhook_endpoint_create(tenant=world.tenant_b, url=receiver.url, events=["case.created"])
    case = open_case(world.account_a1, setup_a.normal)
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "case.created" and delivery.endpoint == endpoint
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event"] == "case.created" and payload["case"]["number"] == case.number
    expected = hmac.new(endpoint.secret.encode(), f"{headers['X-Helpdesk-Timestamp']}.".encode() + body, hashlib.sha256)
    assert headers["X-Helpdesk-Signature"] == f"sha256={expected.hexdigest()}"
    assert webhook_deliver(delivery_id=delivery.pk) == "skipped"  # never twice
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.response_status == 200


def test_failed_deliveries_retry_with_backoff_then_give_up_on_client_errors(world, setup_a, receiver):
    webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
    open_case(world.account_a1, setup_a.normal)
    delivery = WebhookDelivery.objects.get()
    receiver.status = 503
    now = timezone.now()
    assert webhook_deliver(delivery_id=delivery.pk, now=now) == "retry"
    assert delivery.pk not in deliveries_due(now=now + timedelta(seconds=29))
    assert delivery.pk in deliveries_due(now=now + timedelta(seconds=30))
    receiver.status = 410
    assert webhook_deliver(delivery_id=delivery.pk, now=now + timedelta(seconds=30)) == "failed"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and delivery.response_status == 410


def test_the_settings_page_lists_and_replays_deliveries(client, world, setup_a, receiver):
    webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
    open_case(world.account_a1, setup_a.normal)
    delivery = WebhookDelivery.objects.get()
    client.force_login(world.admin_a)
    page = client.get("/settings/webhooks/").content.decode()
    assert receiver.url in page and "case.created" in page
    response = client.post("/settings/webhooks/", {"replay": delivery.pk}, follow=True)
    assert "is sent again" in response.content.decode()
    replay = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert replay.replay_of == delivery and replay.payload == delivery.payload
    client.force_login(world.admin_b)
    assert client.post("/settings/webhooks/", {"replay": delivery.pk}).status_code == 404


def test_admins_add_webhooks_with_validation(client, world):
    client.force_login(world.admin_a)
    bad = client.post("/settings/webhooks/", {"create": "1", "url": "not a url"})
    assert "Enter a valid URL." in bad.content.decode()
    client.post("/settings/webhooks/", {"create": "1", "url": "https://hooks.example/x", "events": ["sla.breached"]})
    assert WebhookEndpoint.objects.get(tenant=world.tenant_a).events == ["sla.breached"]
    client.force_login(world.analyst_a)
    assert client.get("/settings/webhooks/").status_code == 403


def test_admins_create_keys_shown_once_and_revoke_them(client, world):
    client.force_login(world.admin_a)
    created = {"create": "1", "user": world.merchant_a1.pk, "name": "Shop monitor"}
    page = client.post("/settings/api-keys/", created, follow=True)
    assert page.redirect_chain == [("/settings/api-keys/", 302)]  # post/redirect/get: a reload makes no key
    body = page.content.decode()
    key = ApiKey.objects.get(user=world.merchant_a1)
    assert f"hk_{key.prefix}_" in body  # the whole key, this once
    assert f"hk_{key.prefix}_" not in client.get("/settings/api-keys/").content.decode().replace(
        f"hk_{key.prefix}_…", ""
    )
    foreign = client.post("/settings/api-keys/", {"create": "1", "user": world.analyst_b.pk})
    assert "Select a valid choice" in foreign.content.decode()
    client.post("/settings/api-keys/", {"revoke": key.pk})
    key.refresh_from_db()
    assert key.revoked_at is not None
