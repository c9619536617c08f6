"""Outbound webhooks (signed, retried, replayable) and the tenant admin pages for keys and webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from helpdesk.messaging.webhooks import deliveries_due, webhook_deliver
from helpdesk.models import ApiKey, DeliveryStatus, SettingChange, WebhookDelivery, WebhookEndpoint
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


def _deliver_all() -> None:
    for pk in WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        webhook_deliver(delivery_id=pk)


def test_admins_edit_a_webhook_with_errors_at_the_field_and_a_recorded_change(client, world, receiver):
    endpoint = webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
    client.force_login(world.admin_a)
    form = client.get(f"/settings/webhooks/?edit={endpoint.pk}").content.decode()
    assert 'name="edit-url"' in form and 'value="case.created" id="id_edit-events_0" checked' in form
    refused = client.post("/settings/webhooks/", {"update": endpoint.pk, "edit-url": receiver.url})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'data-testid="error-summary"' in body and "This field is required." in body
    new_url = receiver.url + "/v2"
    saved = {"update": endpoint.pk, "edit-url": new_url, "edit-events": ["case.created", "sla.breached"]}
    assert client.post("/settings/webhooks/", saved).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == new_url and endpoint.events == ["case.created", "sla.breached"]
    change = SettingChange.objects.get(area="webhooks", action="changed")
    assert change.actor == world.admin_a
    assert {"field": "URL", "before": receiver.url, "after": new_url} in change.changes
    assert endpoint.secret not in json.dumps([c.changes for c in SettingChange.objects.all()])
    page = client.get("/settings/webhooks/").content.decode()
    assert 'data-testid="setting-change"' in page and "case.created, sla.breached" in page
    client.force_login(world.admin_b)
    assert client.get(f"/settings/webhooks/?edit={endpoint.pk}").status_code == 404
    assert client.post("/settings/webhooks/", {**saved, "edit-url": "https://x.example/"}).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.url == new_url


def test_a_paused_webhook_gets_no_events_until_resumed(client, world, setup_a, receiver):
    endpoint = webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
    client.force_login(world.admin_a)
    client.post("/settings/webhooks/", {"toggle": endpoint.pk})
    open_case(world.account_a1, setup_a.normal)
    assert not WebhookDelivery.objects.exists()
    assert "Paused" in client.get("/settings/webhooks/").content.decode()
    client.post("/settings/webhooks/", {"toggle": endpoint.pk})
    open_case(world.account_a1, setup_a.normal)
    assert WebhookDelivery.objects.count() == 1
    states = [c.changes for c in SettingChange.objects.filter(area="webhooks", action="changed").order_by("at", "id")]
    assert states == [
        [{"field": "State", "before": "active", "after": "paused"}],
        [{"field": "State", "before": "paused", "after": "active"}],
    ]


def test_a_test_ping_is_a_signed_logged_delivery_and_failures_show_code_attempts_and_retry(client, world, receiver):
    endpoint = webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
    client.force_login(world.admin_a)
    response = client.post("/settings/webhooks/", {"ping": endpoint.pk}, follow=True)
    assert "A test ping" in response.content.decode()
    ping = WebhookDelivery.objects.get(event="ping")
    _deliver_all()
    headers, body = receiver.received[0]
    assert headers["X-Helpdesk-Event"] == "ping" and json.loads(body)["endpoint"] == endpoint.pk
    expected = hmac.new(endpoint.secret.encode(), f"{headers['X-Helpdesk-Timestamp']}.".encode() + body, hashlib.sha256)
    assert headers["X-Helpdesk-Signature"] == f"sha256={expected.hexdigest()}"
    ping.refresh_from_db()
    assert ping.status == DeliveryStatus.DELIVERED and ping.response_status == 200 and ping.attempts == 1
    receiver.status = 404
    client.post("/settings/webhooks/", {"ping": endpoint.pk})
    _deliver_all()
    log = client.get(f"/settings/webhooks/?log={endpoint.pk}").content.decode()
    assert log.count('data-testid="delivery"') == 2
    assert ">404</span> Not Found" in log and "Failed" in log and ">Retry<" in log
    failed = WebhookDelivery.objects.get(status=DeliveryStatus.FAILED)
    receiver.status = 200
    client.post("/settings/webhooks/", {"replay": failed.pk})
    _deliver_all()
    assert WebhookDelivery.objects.get(replay_of=failed).status == DeliveryStatus.DELIVERED
    client.force_login(world.admin_b)
    assert client.post("/settings/webhooks/", {"ping": endpoint.pk}).status_code == 404
    assert client.get(f"/settings/webhooks/?log={endpoint.pk}").status_code == 404


def test_deleting_a_webhook_asks_first_and_removes_its_log(client, world, setup_a, receiver):
    endpoint = webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
    kept = webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url + "/kept", events=["case.created"])
    open_case(world.account_a1, setup_a.normal)
    client.force_login(world.admin_b)
    assert client.get(f"/settings/webhooks/?delete={endpoint.pk}").status_code == 404
    assert client.post("/settings/webhooks/", {"delete": endpoint.pk}).status_code == 404
    client.force_login(world.admin_a)
    confirm = client.get(f"/settings/webhooks/?delete={endpoint.pk}").content.decode()
    assert 'data-testid="delete-confirmation"' in confirm and "its delivery log goes with it" in confirm
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()  # asking deletes nothing
    response = client.post("/settings/webhooks/", {"delete": endpoint.pk}, follow=True)
    assert "with its log of 1 deliveries" in response.content.decode()
    assert list(WebhookEndpoint.objects.all()) == [kept]
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [kept.pk]
    removed = SettingChange.objects.get(area="webhooks", action="removed")
    assert removed.label == f"Webhook {receiver.url}" and removed.actor == world.admin_a


def test_api_key_expiry_is_a_date_picker_refusing_the_past(client, world):
    client.force_login(world.admin_a)
    page = client.get("/settings/api-keys/").content.decode()
    zone = ZoneInfo(world.tenant_a.time_zone)
    today = timezone.localdate(timezone=zone)
    assert 'type="date" name="expires_on"' in page and f'min="{today.isoformat()}"' in page
    past = {"create": "1", "user": world.merchant_a1.pk, "expires_on": (today - timedelta(days=1)).isoformat()}
    refused = client.post("/settings/api-keys/", past)
    assert refused.status_code == 400 and not ApiKey.objects.exists()
    assert (
        "cannot lie in the past" in refused.content.decode()
        and 'data-testid="error-summary"' in refused.content.decode()
    )
    chosen = today + timedelta(days=30)
    created = client.post("/settings/api-keys/", {**past, "expires_on": chosen.isoformat(), "name": "Monitor"})
    assert created.status_code == 302
    key = ApiKey.objects.get()
    assert key.expires_at == datetime.combine(chosen + timedelta(days=1), time.min, tzinfo=zone)
    raw = client.get("/settings/api-keys/").content.decode().split('data-testid="new-key">')[1].split("<")[0]
    client.post("/settings/api-keys/", {"revoke": key.pk})
    changes = list(SettingChange.objects.filter(area="api-keys").order_by("at", "id"))
    assert [c.action for c in changes] == ["created", "changed"]
    assert changes[0].label == f"API key hk_{key.prefix}_…" and changes[0].actor == world.admin_a
    assert raw.startswith("hk_") and raw not in json.dumps([c.changes for c in changes])
    page = client.get("/settings/api-keys/").content.decode()
    assert page.count('data-testid="setting-change"') == 2
