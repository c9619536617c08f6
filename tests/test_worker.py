"""Background work on a real Celery worker against PostgreSQL and Redis, including faults:
the worker killed in the middle of a sweep, Redis down when a case opens, sweeps racing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from helpdesk.celery import app
from helpdesk.models import OutboxMessage, OutboxStatus
from helpdesk.tasks import outbox_drain
from sla.models import SlaClock
from tests.support.worker import ROOT, all_sent, assert_each_queued_mail_once, database_url, wait_for
from tickets.models import Case, CaseEvent, Escalation
from tickets.tests.factories import open_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_mail_is_sent_by_the_worker_after_commit(world, setup_a, start_worker, postmark):
    start_worker()
    case = open_case(world.account_a1, setup_a.normal, at=timezone.now())
    wait_for(all_sent, what="the acknowledgement to be sent")
    message = OutboxMessage.objects.get(case=case, kind="case_acknowledgement")
    assert message.kind == "case_acknowledgement" and message.provider_message_id.startswith("pm-")
    assert "merchant@alpha-one.test" in [request["To"] for request in postmark.requests]
    assert_each_queued_mail_once(postmark.outbox_ids())


def test_worker_killed_mid_sweep_records_and_mails_every_breach_once(
    world, setup_a, start_worker, postmark, monkeypatch
):
    long_ago = timezone.now() - timedelta(days=10)
    for n in range(150):
        open_case(world.account_a1, setup_a.normal, subject=f"Case {n}", at=long_ago)
    clocks = SlaClock.objects.count()  # first response and resolution, both long past due
    monkeypatch.setenv("SLA_SWEEP_CHUNK", "50")  # the worker's sweep works in chunks of 50 clocks
    worker = start_worker()
    wait_for(all_sent, what="the acknowledgements to be sent")

    # Hold the last-due clock, so the sweep commits its first chunks and then waits in the chunk
    # that claims it: the worker is killed with that chunk's transaction open.
    with transaction.atomic():
        held = SlaClock.objects.select_for_update().order_by("-due_at", "-pk").first()
        assert held is not None
        app.send_task("sla.sweep_breaches")
        # Read committed: each count sees what the worker committed meanwhile.
        breached = SlaClock.objects.filter(breached_at__isnull=False)
        wait_for(lambda: breached.count() >= 150, what="the sweep to commit its first chunks")
        time.sleep(0.5)  # the chunk with the held clock is now waiting for it
        worker.kill()
    half_done = SlaClock.objects.filter(breached_at__isnull=False).count()
    assert 150 <= half_done < clocks, "the worker should have been killed in the middle of the sweep"
    assert half_done % 50 == 0, "a chunk is recorded whole or not at all"

    start_worker()
    app.send_task("sla.sweep_breaches")  # the next beat tick
    wait_for(lambda: not SlaClock.objects.filter(breached_at__isnull=True).exists(), what="every breach", timeout=120)
    app.send_task("helpdesk.outbox_drain")
    wait_for(all_sent, what="every mail to be sent", timeout=120)

    assert CaseEvent.objects.filter(code="sla.breached").count() == clocks
    # One breach escalation per case (a second breached metric adds a note to it, PRODUCT.md).
    cases = SlaClock.objects.values("case").distinct().count()
    assert Escalation.objects.filter(reason="sla_breached").count() == cases
    assert OutboxMessage.objects.filter(kind="sla_breached").count() == clocks
    for clock_id in SlaClock.objects.values_list("pk", flat=True):
        assert CaseEvent.objects.filter(code="sla.breached", new__clock=clock_id).count() == 1
    assert_each_queued_mail_once(postmark.outbox_ids())


def test_a_case_opened_while_redis_is_down_is_saved_and_acknowledged_later(world, setup_a, start_worker, postmark):
    code = (
        "from helpdesk.models import Account; from tickets.models import Priority; "
        "from tickets.tests.factories import open_case; "
        f"account = Account.objects.get(pk={world.account_a1.pk}); "
        f"print(open_case(account, Priority.objects.get(pk={setup_a.normal.pk}), subject='Redis is down').number)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
    }
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - began < 30
    assert "the drain will send it" in result.stderr
    case = Case.objects.get(subject="Redis is down")
    assert result.stdout.strip().endswith(case.number)
    message = OutboxMessage.objects.get(case=case, kind="case_acknowledgement")
    assert message.status == OutboxStatus.PENDING

    start_worker()  # Redis is back (the worker and this process use the real one)
    app.send_task("helpdesk.outbox_drain")
    wait_for(all_sent, what="the acknowledgement to be sent")
    assert outbox_drain() == 0  # another drain finds nothing left to send
    assert_each_queued_mail_once(postmark.outbox_ids())


def test_two_sweeps_started_at_the_same_moment_record_nothing_twice(world, setup_a, start_worker, postmark):
    long_ago = timezone.now() - timedelta(days=10)
    for n in range(40):
        open_case(world.account_a1, setup_a.normal, subject=f"Case {n}", at=long_ago)
    start_worker(concurrency=2)
    wait_for(all_sent, what="the acknowledgements to be sent")
    app.send_task("sla.sweep_breaches")
    app.send_task("sla.sweep_breaches")
    wait_for(lambda: not SlaClock.objects.filter(breached_at__isnull=True).exists(), what="every breach")
    wait_for(lambda: all_sent() and OutboxMessage.objects.filter(kind="sla_breached").count() == 80, what="mail")
    assert CaseEvent.objects.filter(code="sla.breached").count() == 80
    assert Escalation.objects.filter(reason="sla_breached").count() == 40  # one per case: 40 cases, 80 clocks
    assert_each_queued_mail_once(postmark.outbox_ids())


def test_survey_path_close_mail_link_answer_report(world, setup_a, start_worker, postmark, client):
    import re

    from tickets.services import case_confirm_resolution, case_propose_resolution

    start_worker()
    now = timezone.now()
    case = open_case(world.account_a1, setup_a.normal, at=now - timedelta(hours=2))
    case_propose_resolution(case=case, actor=world.analyst_a, summary="Fixed", at=now - timedelta(hours=1))
    case_confirm_resolution(case=case, actor=world.merchant_a1, at=now)
    wait_for(all_sent, what="the survey invitation to be sent")
    sent = [r for r in postmark.requests if "How did we do?" in r["Subject"]]
    assert len(sent) == 1 and sent[0]["To"] == "merchant@alpha-one.test"
    link = re.search(r"http://127\.0\.0\.1:8000(/survey/\S+/)", sent[0]["TextBody"]).group(1)
    assert "How did we do?" in client.get(link).content.decode()
    answer = {
        "overall": "5",
        "product_quality": "4",
        "service_delivery": "5",
        "process": "4",
        "met_expectations": "yes",
        "comment": "Great",
    }
    assert "Thank you for your answer" in client.post(link, answer, follow=True).content.decode()
    assert "You have answered this survey" in client.post(link, {**answer, "overall": "1"}).content.decode()
    client.force_login(world.manager_a)
    report = client.get("/reports/satisfaction/").content.decode()
    assert "1 of 1 survey answered (100.0%)" in report
    assert_each_queued_mail_once(postmark.outbox_ids())
