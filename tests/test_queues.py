"""Queues by kind: a backlog of slow webhook deliveries never delays the SLA sweeps. A real
webhooks worker and a real sweeps worker, hundreds of deliveries to a receiver on 127.0.0.1 that
takes a second to answer each, and the breach sweep sent while that backlog is still queued."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from helpdesk.celery import app
from helpdesk.models import WebhookDelivery, WebhookEndpoint
from sla.models import SlaClock
from tests.fake_postmark import FakePostmark
from tests.worker import Worker, purge_queue, wait_for
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

FLOOD = 300
RECEIVER_DELAY = 1.0


class SlowReceiver:
    """Answers every POST with 200 after RECEIVER_DELAY seconds, counting them."""

    def __init__(self) -> None:
        self.received = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.received += 1
                time.sleep(RECEIVER_DELAY)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    fake = SlowReceiver()
    yield fake
    fake.close()


@pytest.fixture
def start_worker(tmp_path):
    purge_queue()
    postmark = FakePostmark()
    workers: list[Worker] = []

    def start(*queues: str) -> Worker:
        log_path = tmp_path / f"worker-{'-'.join(queues)}.log"
        worker = Worker(mail_api_url=postmark.url, log_path=log_path, queues=queues)
        workers.append(worker)
        return worker

    yield start
    purge_queue()  # first, so that the webhooks worker does not work through the rest
    for worker in workers:
        worker.stop()
    purge_queue()
    postmark.close()


def test_the_breach_sweep_runs_on_time_behind_a_flood_of_slow_webhooks(world, setup_a, receiver, start_worker):
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now() - timedelta(days=10))
    overdue = SlaClock.objects.filter(case=case).count()
    assert overdue == 2  # first response and resolution, both long past due
    endpoint = WebhookEndpoint.objects.create(
        tenant=world.tenant_a, url=receiver.url, events=["case.created"], secret="s" * 32
    )
    flood = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(tenant=world.tenant_a, endpoint=endpoint, event="case.created", payload={"n": n})
        for n in range(FLOOD)
    )
    start_worker("webhooks")
    start_worker("sweeps")

    with app.producer_or_acquire() as producer:
        for delivery in flood:
            app.send_task("helpdesk.webhook_deliver", args=[delivery.pk], producer=producer)
    wait_for(lambda: receiver.received >= 1, what="the webhooks worker to be busy with the flood")

    sent_at = time.monotonic()
    app.send_task("sla.sweep_breaches")
    wait_for(
        lambda: SlaClock.objects.filter(case=case, breached_at__isnull=False).count() == overdue,
        what="the breach sweep to record both breaches",
        timeout=10,
    )
    took = time.monotonic() - sent_at
    # What the flood still holds: about FLOOD seconds of deliveries that the sweep did not wait for.
    waiting = redis.Redis.from_url(settings.REDIS_URL).llen("webhooks")
    assert waiting >= FLOOD - 50, f"only {waiting} deliveries still queued; the flood should still be there"
    assert receiver.received < 50
    assert took < 10
