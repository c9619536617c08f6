"""Webhook deliveries cannot be turned against the helpdesk's own network: no redirects are
followed, non-public addresses are refused, the connection goes to the address that was judged,
and no answer body is kept or shown. Every server here listens on loopback."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme
from django.test import override_settings

from helpdesk.messaging.webhooks import webhook_deliver
from helpdesk.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from helpdesk.services import webhook_endpoint_create

pytestmark = pytest.mark.django_db

SECRET = "SECRET-instance-credentials-7f3a"


class Server:
    """A loopback HTTP(S) server answering every request with (status, headers, body)."""

    def __init__(
        self,
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.status, self.headers, self.body = status, headers or {}, body
        self.received: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.received.append({"path": self.path, **dict(self.headers)})
                self.send_response(outer.status)
                for name, value in outer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_port
        self.url = f"{'https' if tls else 'http'}://{host}:{self.port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers():
    started: list[Server] = []

    def start(**kwargs: object) -> Server:
        server = Server(**kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def _delivery_to(world, url: str) -> WebhookDelivery:
    endpoint = WebhookEndpoint.objects.create(tenant=world.tenant_a, url=url, events=["case.created"], secret="s")
    return WebhookDelivery.objects.create(tenant=world.tenant_a, endpoint=endpoint, event="case.created", payload={})


def _page(client, world) -> str:
    client.force_login(world.admin_a)
    return client.get("/settings/webhooks/").content.decode()


def test_a_redirect_is_not_followed_and_fails_the_delivery_with_its_location(client, world, servers):
    internal = servers(body=SECRET.encode())
    redirector = servers(status=302, headers={"Location": internal.url})
    delivery = _delivery_to(world, redirector.url)
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    assert internal.received == []  # never reached
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status, delivery.attempts) == (DeliveryStatus.FAILED, 302, 1)
    assert internal.url in delivery.note and "follow no redirects" in delivery.note
    page = _page(client, world)
    assert internal.url in page and SECRET not in page


@pytest.mark.parametrize(("status", "outcome", "phrase"), [(200, "delivered", "OK"), (500, "retry", "Internal")])
def test_no_answer_body_is_kept_or_shown(client, world, servers, status, outcome, phrase):
    receiver = servers(status=status, body=SECRET.encode())
    delivery = _delivery_to(world, receiver.url)
    assert webhook_deliver(delivery_id=delivery.pk) == outcome
    delivery.refresh_from_db()
    assert delivery.response_status == status and delivery.note.startswith(phrase)
    assert SECRET not in delivery.note
    page = _page(client, world)
    assert phrase in page and SECRET not in page


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"])
def test_loopback_in_any_spelling_is_refused_without_connecting(client, world, servers, host):
    receiver = servers(body=SECRET.encode())
    delivery = _delivery_to(world, f"http://{host}:{receiver.port}/hook")
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.response_status is None and delivery.note.startswith("Not sent:")
    assert "not a public address" in _page(client, world)


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
def test_a_name_resolving_to_the_metadata_address_is_refused(world, monkeypatch):
    # The resolver is the system's; a name that answers 100.100.100.200 is refused before any
    # connection is opened, so nothing leaves this machine.
    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("100.100.100.200", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    delivery = _delivery_to(world, "http://metadata.tenant.test/latest/meta-data/")
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert "resolves to 100.100.100.200, which is not a public address" in delivery.note


def _resolver_answering(name: str, answers: list[tuple[str, int]], calls: list[str]) -> Callable:
    """getaddrinfo that answers `name` with each of `answers` in turn (the last one from then on)
    and leaves every other name to the system."""
    system = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host != name:
            return system(host, port, *args, **kwargs)
        calls.append(host)
        address = answers[min(len(calls), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address)]

    return resolve


def test_the_connection_goes_to_the_address_that_was_resolved_and_judged(world, servers, monkeypatch):
    receiver = servers()
    trap = servers(host="127.0.0.2")  # what a second, rebinding lookup would answer
    calls: list[str] = []
    answers = [("127.0.0.1", receiver.port), ("127.0.0.2", trap.port)]
    monkeypatch.setattr(socket, "getaddrinfo", _resolver_answering("hooks.tenant.test", answers, calls))
    delivery = _delivery_to(world, f"http://hooks.tenant.test:{receiver.port}/hook?x=1")
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    assert calls == ["hooks.tenant.test"] and trap.received == []
    (request,) = receiver.received
    assert request["Host"] == f"hooks.tenant.test:{receiver.port}" and request["path"] == "/hook?x=1"


@pytest.fixture
def tls_for(monkeypatch, tmp_path):
    """A TLS server context with a certificate for `name` from a test CA the client trusts."""
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))

    def context(name: str) -> ssl.SSLContext:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(server_context)
        return server_context

    return context


def test_https_connects_to_the_judged_address_and_verifies_the_certificate_for_the_name(
    world, servers, monkeypatch, tls_for
):
    receiver = servers(tls=tls_for("hooks.tenant.test"))
    calls: list[str] = []
    resolver = _resolver_answering("hooks.tenant.test", [("127.0.0.1", receiver.port)], calls)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    delivery = _delivery_to(world, f"https://hooks.tenant.test:{receiver.port}/hook")
    assert webhook_deliver(delivery_id=delivery.pk) == "delivered"
    assert receiver.received[0]["Host"] == f"hooks.tenant.test:{receiver.port}"


def test_https_refuses_a_certificate_for_another_name(world, servers, tls_for):
    receiver = servers(tls=tls_for("someone-else.test"))
    delivery = _delivery_to(world, receiver.url)
    assert webhook_deliver(delivery_id=delivery.pk) == "retry"
    assert receiver.received == []
    delivery.refresh_from_db()
    assert "certificate verify failed" in delivery.note


@pytest.mark.parametrize("url", ["ftp://hooks.example/x", "ftps://hooks.example/x"])
def test_only_http_and_https_urls_can_be_registered(client, world, url):
    client.force_login(world.admin_a)
    page = client.post("/settings/webhooks/", {"create": "1", "url": url, "events": ["case.created"]})
    assert page.status_code == 400 and "Only http:// and https://" in page.content.decode()  # the form again
    assert not WebhookEndpoint.objects.filter(tenant=world.tenant_a).exists()


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
def test_a_non_public_address_is_refused_when_registered(world):
    from helpdesk.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        webhook_endpoint_create(tenant=world.tenant_a, url="http://100.100.100.200/x", events=["case.created"])
    assert "not a public address" in refused.value.errors["url"][0]
