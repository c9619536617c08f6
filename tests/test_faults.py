"""Faults on real PostgreSQL, Redis, gunicorn and Celery workers: the mail provider answering 5xx
and timing out, the database connection killed mid-request and while a worker holds a claim,
Redis down and back. After recovery everything queued drains, and nothing is lost or doubled:
cases, events, escalations, mail, webhook deliveries, survey invitations.

(A worker SIGKILLed mid-sweep and sweeps racing: tests/test_worker.py; two beats:
tests/test_beat_leader.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from helpdesk.celery import app
from helpdesk.models import OutboxMessage, OutboxStatus, WebhookDelivery
from helpdesk.services import api_key_create, webhook_endpoint_create
from surveys.models import SurveyInvitation
from tests.servers import WebServer, free_port
from tests.support.worker import ROOT, all_sent, assert_each_queued_mail_once, database_url, wait_for
from tickets.models import Case, CaseEvent, Comment
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.slow]


def backoff_elapses() -> None:
    """The retry backoff (30 s, doubling) passes: every pending message is due now."""
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=timezone.now())


def tried_and_waiting(count: int) -> bool:
    rows = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, attempts__gte=1).exclude(last_error="")
    return rows.count() >= count


def test_mail_provider_answering_5xx_then_back_sends_each_mail_once(world, setup_a, start_worker, postmark):
    postmark.answer(503, {"ErrorCode": 100, "Message": "Service unavailable"})
    start_worker()
    cases = [open_case(world.account_a1, setup_a.normal, subject=f"During the outage {n}") for n in range(5)]
    queued = OutboxMessage.objects.count()
    wait_for(lambda: tried_and_waiting(queued), what="every mail to be tried and wait for a retry")
    assert postmark.accepted_ids() == Counter()
    assert "Service unavailable" in OutboxMessage.objects.first().last_error

    postmark.answer(200, None)
    backoff_elapses()
    app.send_task("helpdesk.outbox_drain")  # the beat's next drain
    wait_for(all_sent, what="every mail to be sent after the provider is back")
    assert_each_queued_mail_once(postmark.accepted_ids())
    assert Case.objects.count() == 5
    assert CaseEvent.objects.filter(code="case.opened", case__in=cases).count() == 5


def test_mail_provider_timing_out_then_back_sends_each_mail_once(world, setup_a, start_worker, postmark):
    postmark.answer(504, {"ErrorCode": 100, "Message": "Gateway timeout"})
    postmark.hang = 3  # the worker waits 1 s (ANYMAIL_REQUESTS_TIMEOUT), then gives up
    start_worker(ANYMAIL_REQUESTS_TIMEOUT="1")
    for n in range(2):
        open_case(world.account_a1, setup_a.normal, subject=f"Slow provider {n}")
    queued = OutboxMessage.objects.count()
    wait_for(lambda: tried_and_waiting(queued), what="every mail to time out and wait for a retry", timeout=90)
    assert "timed out" in OutboxMessage.objects.first().last_error.lower()

    postmark.hang = 0
    postmark.answer(200, None)
    backoff_elapses()
    app.send_task("helpdesk.outbox_drain")
    wait_for(all_sent, what="every mail to be sent once the provider answers")
    assert_each_queued_mail_once(postmark.accepted_ids())


def terminate_other_backends() -> int:
    """pg_terminate_backend every other connection to the test database (the workers' or the web
    server's); returns how many were ended."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_database_connection_killed_while_a_worker_holds_a_claim(world, setup_a, start_worker, postmark):
    postmark.answer(503, {"ErrorCode": 100, "Message": "Slow and failing"})
    postmark.hang = 4  # the worker sits in the send with its claim held
    start_worker()
    case = open_case(world.account_a1, setup_a.normal, subject="Claimed when the database went")
    wait_for(lambda: len(postmark.requests) >= 1, what="the worker to claim a message and send it")
    claimed = OutboxMessage.objects.get(status=OutboxStatus.SENDING)
    assert terminate_other_backends() >= 1
    time.sleep(postmark.hang + 1)  # the send returns; recording its outcome fails on the dead connection
    claimed.refresh_from_db()
    assert claimed.status == OutboxStatus.SENDING, "the claim stays until it is stale (nothing recorded)"

    postmark.hang = 0
    postmark.answer(200, None)
    later = open_case(world.account_a1, setup_a.normal, subject="After the database came back")
    wait_for(
        lambda: not OutboxMessage.objects.filter(case=later).exclude(status=OutboxStatus.SENT).exists(),
        what="the same worker, on a new connection, to send the next case's mail",
    )
    # STALE_CLAIM (10 minutes) passes: the drain takes the abandoned claim and sends it.
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING).update(claimed_at=timezone.now() - timedelta(minutes=11))
    backoff_elapses()
    app.send_task("helpdesk.outbox_drain")
    wait_for(all_sent, what="the abandoned message to be sent")
    assert_each_queued_mail_once(postmark.accepted_ids())
    assert CaseEvent.objects.filter(case__in=[case, later], code="case.opened").count() == 2


@pytest.fixture
def web(tmp_path) -> Iterator[WebServer]:
    server = WebServer(
        env={"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test"},
        log_path=tmp_path / "web.log",
    )
    yield server
    server.stop()


def _post(url: str, body: dict, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - our own loopback server
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def test_database_connection_killed_mid_request(world, setup_a, web):
    case = open_case(world.account_a1, setup_a.normal, subject="Commented when the database went")
    _, key = api_key_create(user=world.merchant_a1, name="faults")
    url = f"{web.url}/api/v1/cases/{case.number}/comments/"
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "comment-once-0001"}
    answers: list[int] = []
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)  # the request's service waits on this lock
        request = threading.Thread(target=lambda: answers.append(_post(url, {"body": "Still failing"}, headers)[0]))
        request.start()
        wait_for(lambda: waiting_on_a_lock() >= 1, what="the request to wait on the case's lock")
        assert terminate_other_backends() >= 1
    request.join(60)
    assert answers and answers[0] >= 500, answers  # the request failed; nothing of it was kept
    assert not Comment.objects.filter(case=case).exists()

    status, body = _post(url, {"body": "Still failing"}, headers)  # the client retries, same key
    assert status == 201, body
    assert _post(url, {"body": "Still failing"}, headers)[0] == 201  # a replay: the same answer
    comment = Comment.objects.get(case=case)
    assert CaseEvent.objects.filter(case=case, new__comment=comment.pk).count() == 1


def waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


class Redis:
    """A throwaway redis-server on a free port, without persistence: stopping it loses what it held."""

    def __init__(self, tmp_path: Path) -> None:
        self.port, self.dir = free_port(), tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
        wait_for(self._answers, what="redis-server to answer", timeout=20)

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(self.url).ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


class Receiver:
    """A webhook receiver on 127.0.0.1 counting deliveries by X-Helpdesk-Delivery."""

    def __init__(self) -> None:
        self.deliveries: Counter = Counter()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.deliveries[self.headers["X-Helpdesk-Delivery"]] += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# Runs in a separate process with REDIS_URL pointing at the throwaway broker (up or down).
OPEN_AND_CLOSE = """
from django.utils import timezone
from helpdesk.models import Account, User
from tickets.models import Priority
from tickets.services import case_confirm_resolution, case_propose_resolution
from tickets.tests.factories import open_case
account, priority = Account.objects.get(pk={account}), Priority.objects.get(pk={priority})
analyst = User.objects.get(pk={analyst})
for n in range({count}):
    case = open_case(account, priority, subject="{label} " + str(n))
    case_propose_resolution(case=case, actor=analyst, summary="Fixed")
    case_confirm_resolution(case=case, actor=account.technical_contact, at=timezone.now())
"""


def run_with_broker(redis_url: str, code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test", "DATABASE_URL": database_url()}
    env["REDIS_URL"] = redis_url
    code = "import faulthandler; faulthandler.dump_traceback_later(100, exit=True)  # a hang shows where\n" + code
    command = [sys.executable, "manage.py", "shell", "-c", code]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_redis_down_and_back_loses_and_doubles_nothing(world, setup_a, start_worker, postmark, tmp_path):
    broker = Redis(tmp_path)
    broker.start()
    receiver = Receiver()
    try:
        webhook_endpoint_create(tenant=world.tenant_a, url=receiver.url, events=["case.created"])
        start_worker(REDIS_URL=broker.url)
        args = {"account": world.account_a1.pk, "priority": setup_a.normal.pk, "analyst": world.analyst_a.pk}
        run_with_broker(broker.url, OPEN_AND_CLOSE.format(**args, count=2, label="Before"))
        wait_for(all_sent, what="the mail of cases opened before the outage")

        broker.stop()  # Redis goes down: the worker loses its broker, pages keep working
        began = time.monotonic()
        during = run_with_broker(broker.url, OPEN_AND_CLOSE.format(**args, count=3, label="During"))
        assert "the drain will send it" in during.stderr
        time.sleep(max(0.0, 20 - (time.monotonic() - began)))  # down for 20 s (a minute, shortened)
        assert OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()
        broker.start()  # back, empty: whatever it held before is gone

        drains = "from helpdesk.celery import app; app.send_task('helpdesk.outbox_drain');"
        run_with_broker(broker.url, drains + " app.send_task('helpdesk.webhook_drain')")  # the beat's next ticks
        delivered = lambda: not WebhookDelivery.objects.exclude(status="delivered").exists()  # noqa: E731
        wait_for(lambda: all_sent() and delivered(), what="everything queued to drain", timeout=120)
    finally:
        broker.stop()
        receiver.server.shutdown()

    assert Case.objects.count() == 5
    assert CaseEvent.objects.filter(code="case.opened").count() == 5
    assert SurveyInvitation.objects.count() == 5  # one per closed case
    assert Counter(SurveyInvitation.objects.values_list("case", flat=True)).most_common(1)[0][1] == 1
    assert_each_queued_mail_once(postmark.accepted_ids())
    deliveries = {str(pk) for pk in WebhookDelivery.objects.values_list("pk", flat=True)}
    assert len(deliveries) == 5 and set(receiver.deliveries) == deliveries
    assert max(receiver.deliveries.values()) == 1
