"""Store monitoring against real servers on 127.0.0.1 that fail, hang and recover: results are
kept on the store, the threshold opens exactly one case per outage, the first success notes the
recovery, and a store is never checked twice at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from helpdesk.models import Store
from helpdesk.monitoring import check_health, store_check_claim, stores_claim_due
from helpdesk.services import store_update
from tests.support.health_server import health_server
from tickets.models import Case, Channel, Comment, MonitoringAlert
from tickets.store_monitoring import store_check

pytestmark = pytest.mark.django_db

TIMEOUT = 0.5


@pytest.fixture
def server():
    with health_server() as running:
        yield running


@pytest.fixture
def store(world, setup_a, server):
    store = Store.objects.for_tenant(world.tenant_a).get(account=world.account_a1)
    return store_update(store=store, changes={"health_url": server.url, "failure_threshold": 3})


def _cases(world):
    return Case.objects.for_tenant(world.tenant_a).filter(channel=Channel.MONITORING)


@override_settings(STORE_CHECK_TIMEOUT_SECONDS=TIMEOUT)
def test_a_store_that_goes_down_opens_one_case_and_its_recovery_notes_it(world, store, server):
    assert store_check(store_id=store.pk) == "up"
    server.mode = "fail"
    assert [store_check(store_id=store.pk) for _ in range(2)] == ["down", "down"]
    assert not _cases(world).exists()  # below the threshold

    assert store_check(store_id=store.pk) == "outage"
    assert store_check(store_id=store.pk) == "down"  # the outage goes on: no second case
    case = _cases(world).get()
    assert case.store_id == store.pk
    assert case.account_id == world.account_a1.pk
    assert "3 health checks in a row failed" in case.subject
    assert "answered 503" in case.subject

    server.mode = "up"
    assert store_check(store_id=store.pk) == "recovery"
    assert store_check(store_id=store.pk) == "up"
    assert _cases(world).count() == 1
    notes = Comment.objects.for_tenant(world.tenant_a).filter(case=case).values_list("body", flat=True)
    assert any("is up again" in note for note in notes)
    assert MonitoringAlert.objects.for_tenant(world.tenant_a).get(case=case).status == "resolved"

    store.refresh_from_db()
    assert store.last_status == "up"
    assert store.consecutive_failures == 0
    assert [entry["ok"] for entry in store.check_history] == [True, True, False, False, False, False, True]
    assert store.check_history[2]["status"] == 503


@override_settings(STORE_CHECK_TIMEOUT_SECONDS=TIMEOUT)
def test_a_second_outage_after_recovery_opens_a_second_case_once_the_first_is_closed(world, store, server):
    from tickets.services import case_close, case_propose_resolution

    server.mode = "fail"
    for _ in range(3):
        store_check(store_id=store.pk)
    first = _cases(world).get()
    server.mode = "up"
    store_check(store_id=store.pk)
    first = case_propose_resolution(case=first, actor=world.analyst_a, summary="The store answers again.")
    case_close(case=first, actor=world.analyst_a, note="Store back")
    server.mode = "fail"
    assert [store_check(store_id=store.pk) for _ in range(3)][-1] == "outage"
    assert _cases(world).count() == 2


@override_settings(STORE_CHECK_TIMEOUT_SECONDS=TIMEOUT)
def test_a_hanging_store_fails_within_the_timeout(store, server):
    server.mode = "hang"
    started = timezone.now()
    result = check_health(server.url, timeout=TIMEOUT)
    assert (timezone.now() - started) < timedelta(seconds=3)
    assert result.ok is False
    assert result.status is None
    assert result.error == f"no answer within {TIMEOUT:g} s"


def test_a_store_nobody_listens_on_fails_with_the_reason():
    with health_server() as gone:
        url = gone.url
    result = check_health(url, timeout=TIMEOUT)
    assert result.ok is False
    assert "refused" in result.error.lower()


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
def test_checks_obey_the_webhook_address_rules(server):
    result = check_health(server.url, timeout=TIMEOUT)
    assert result.ok is False
    assert result.error == "127.0.0.1 is not a public address; webhooks go to the public internet only."
    assert server.requests == 0


def test_a_store_being_checked_is_not_claimed_again(store):
    now = timezone.now()
    lease = timedelta(seconds=30)
    assert store_check_claim(store_id=store.pk, now=now, lease=lease) is not None
    assert store_check_claim(store_id=store.pk, now=now + timedelta(seconds=5), lease=lease) is None
    assert store_check(store_id=store.pk) == "busy"
    # A check that died leaves its lease to run out; then the store is checked again.
    assert store_check_claim(store_id=store.pk, now=now + timedelta(seconds=31), lease=lease) is not None


def test_the_sweep_claims_each_due_store_once_per_interval(world, store):
    unmonitored = Store.objects.for_tenant(world.tenant_a).get(account=world.account_a2)
    now = timezone.now()
    assert stores_claim_due(now=now) == [store.pk]
    assert stores_claim_due(now=now) == []  # a second sweep at once queues nothing
    assert stores_claim_due(now=now + timedelta(seconds=59)) == []
    assert stores_claim_due(now=now + timedelta(seconds=60)) == [store.pk]
    assert unmonitored.health_url == ""


@override_settings(STORE_CHECK_TIMEOUT_SECONDS=TIMEOUT)
def test_the_store_page_and_the_case_show_the_check_history(client, world, store, server):
    server.mode = "fail"
    for _ in range(3):
        store_check(store_id=store.pk)
    case = _cases(world).get()
    client.force_login(world.merchant_a1)
    page = client.get(f"/stores/{store.pk}/").content.decode()
    assert "3 failed checks in a row" in page
    assert page.count("503 answered 503 Service Unavailable") == 3
    case_page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="store-checks"' in case_page
    assert "3 failed checks in a row" in case_page
    # Another account's merchant and another tenant's staff do not find the store.
    client.force_login(world.merchant_a2)
    assert client.get(f"/stores/{store.pk}/").status_code == 404
    client.force_login(world.analyst_b)
    assert client.get(f"/stores/{store.pk}/").status_code == 404


def _metric(text: str, line_start: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    assert len(lines) == 1, f"{line_start} not exactly once in the metrics"
    return float(lines[0].split()[-1])


@override_settings(STORE_CHECK_TIMEOUT_SECONDS=TIMEOUT)
def test_metrics_count_checks_by_result_and_stores_by_status(client, store, server, django_capture_on_commit_callbacks):
    before = client.get("/metrics").content.decode()
    down_before = _metric(before, 'helpdesk_store_checks_total{result="down"}')
    server.mode = "fail"
    with django_capture_on_commit_callbacks(execute=True):
        store_check(store_id=store.pk)
        store_check(store_id=store.pk)
    after = client.get("/metrics").content.decode()
    assert _metric(after, 'helpdesk_store_checks_total{result="down"}') == down_before + 2
    assert _metric(after, 'helpdesk_monitored_stores{status="down"}') == 1
    assert _metric(after, 'helpdesk_monitored_stores{status="up"}') == 0
