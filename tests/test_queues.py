"""Queues by kind: a backlog of slow webhook deliveries never delays the SLA sweeps. A real
webhooks worker and a real sweeps worker, hundreds of deliveries to a receiver on 127.0.0.1 that
takes a second to answer each, and the breach sweep sent while that backlog is still queued."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis
import yaml
from django.conf import settings
from django.utils import timezone

from helpdesk.celery import QUEUES, app
from helpdesk.models import WebhookDelivery, WebhookEndpoint
from sla.models import SlaClock
from tests.support.worker import ROOT, wait_for
from tickets.tests.factories import open_case

pytestmark = pytest.mark.worker

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


@pytest.mark.django_db(transaction=True)
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
    start_worker(queues=("webhooks",))
    start_worker(queues=("sweeps",))

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


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def test_each_kind_of_task_goes_to_its_queue():
    assert queue_of("sla.sweep_breaches") == "sweeps"
    assert queue_of("sla.sweep_warnings") == "sweeps"
    assert queue_of("surveys.send_reminders") == "sweeps"
    assert queue_of("helpdesk.outbox_send") == "mail"
    assert queue_of("helpdesk.outbox_drain") == "mail"
    assert queue_of("helpdesk.webhook_deliver") == "webhooks"
    assert queue_of("helpdesk.webhook_drain") == "webhooks"
    assert queue_of("monitoring.check_store") == "monitoring"
    assert queue_of("anything.else") == "default"
    assert {queue_of(entry["task"]) for entry in app.conf.beat_schedule.values()} <= set(QUEUES)


def test_the_demo_and_the_compose_file_run_a_worker_for_every_queue_and_one_beat():
    demo = re.search(r"celery -A helpdesk worker -Q (\S+)", (ROOT / "scripts" / "demo.sh").read_text())
    assert demo is not None
    assert sorted(demo.group(1).split(",")) == sorted(QUEUES)

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    commands = {name: service.get("command") or [] for name, service in services.items()}
    consumed = [
        queue
        for command in commands.values()
        if "worker" in command
        for queue in command[command.index("-Q") + 1].split(",")
    ]
    assert sorted(consumed) == sorted(QUEUES)
    assert [name for name, command in commands.items() if "beat" in command] == ["beat"]


def test_the_demo_worker_takes_every_queue_from_the_filesystem_broker(tmp_path):
    """The demo's path: no Redis, kombu's filesystem transport, one worker with the demo's -Q."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
    )
    tasks = sorted({entry["task"] for entry in app.conf.beat_schedule.values()})
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    send = f"from helpdesk.celery import app\nfor name in {tasks!r}: app.send_task(name)"
    subprocess.run([*manage, "shell", "-v0", "-c", send], cwd=ROOT, env=env, check=True, timeout=120)
    queued = {path.name.split(".")[-2] for path in (tmp_path / "var" / "broker" / "queue").glob("*.msg")}
    assert queued == {"sweeps", "mail", "webhooks", "monitoring"}

    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "-A", "helpdesk", "worker", "--concurrency=1", "--loglevel=INFO"]
    command += ["-Q", ",".join(QUEUES)]
    with log.open("wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(
                lambda: all(re.search(rf"Task {re.escape(name)}\[\S+\] succeeded", log.read_text()) for name in tasks),
                what="the demo worker to run every scheduled task",
            )
        finally:
            worker.terminate()
            worker.wait(30)
