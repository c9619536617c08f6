"""Operating the product: /healthz and /readyz for load balancers, /metrics for Prometheus, and
request ids that follow a change from its request into the Celery task it queues."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk.models import OutboxMessage, OutboxStatus
from helpdesk.services import api_key_create
from sla.models import SlaClock
from tests.servers import free_port
from tests.support.worker import Worker, purge_queue, wait_for
from tickets.tests.factories import MONDAY_9, open_case

DEAD_REDIS = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


@pytest.fixture
def bucket(s3) -> str:
    name = f"ready-{uuid.uuid4().hex[:12]}"
    s3.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": s3.region})
    return name


def s3_storages(s3, bucket: str) -> dict:
    options = {"bucket_name": bucket, "endpoint_url": s3.url, "region_name": s3.region}
    options |= {"access_key": s3.access_key, "secret_key": s3.secret_key}
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Health


@pytest.mark.django_db
def test_healthz_answers_any_host_over_plain_http_without_a_session(settings, client, world):
    settings.SECURE_SSL_REDIRECT = True  # as in production: the probe must not be redirected
    client.force_login(world.analyst_a)
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "Cookie" not in response.get("Vary", "")  # the session was never read
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200


@pytest.mark.django_db
def test_readyz_reports_every_part_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok", "broker": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_503_naming_redis_when_redis_is_down(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["message"] == "Not ready: redis."
    assert body["checks"]["redis"].startswith("failed")
    assert body["checks"]["database"] == body["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_readyz_names_the_broker_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


@pytest.mark.django_db
def test_readyz_checks_the_bucket_of_shared_storage(client, settings, s3, bucket):
    settings.STORAGES = s3_storages(s3, bucket)
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    settings.STORAGES = s3_storages(s3, bucket + "-missing")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


@pytest.mark.django_db
def test_probes_answer_only_get_and_without_a_trailing_slash(client):
    assert client.post("/readyz").status_code == 405
    assert client.get("/healthz/").status_code == 404


# Metrics


def metric(text: str, line_start: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(line_start + " ")]
    assert len(lines) == 1, f"{line_start} not exactly once in the metrics"
    return float(lines[0].rsplit(" ", 1)[1])


@pytest.mark.django_db
def test_metrics_show_backlogs_failures_sweep_lag_and_request_latency(client, world, setup_a):
    open_case(world.account_a1, setup_a.normal, subject="Overdue")
    open_case(world.account_a1, setup_a.normal, subject="Also overdue")
    messages = OutboxMessage.objects.filter(tenant=world.tenant_a)
    assert messages.count() >= 2
    failed = messages.first()
    OutboxMessage.objects.filter(pk=failed.pk).update(status=OutboxStatus.FAILED)
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
    oldest_due = SlaClock.objects.filter(due_at__isnull=False).order_by("due_at").first().due_at
    assert oldest_due < timezone.now()
    client.force_login(world.analyst_a)
    assert client.get("/queue/").status_code == 200

    text = client.get("/metrics").content.decode()
    assert metric(text, 'helpdesk_outbox_messages{status="pending"}') == pending
    assert metric(text, 'helpdesk_outbox_messages{status="failed"}') == 1
    assert metric(text, 'helpdesk_webhook_deliveries{status="failed"}') == 0
    lag = metric(text, "helpdesk_sla_sweep_lag_seconds")
    expected = (timezone.now() - oldest_due).total_seconds()
    assert expected - 60 < lag <= expected
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="queue"}' in text


@pytest.mark.django_db
def test_metrics_report_how_long_the_last_sweep_took(client, world, setup_a):
    from tickets.tasks import sweep_breaches

    cache.delete("metrics:sweep:sla.sweep_breaches")
    assert 'sweep="sla.sweep_breaches"' not in client.get("/metrics").content.decode()
    open_case(world.account_a1, setup_a.normal, at=MONDAY_9)
    sweep_breaches.apply()
    text = client.get("/metrics").content.decode()
    assert metric(text, 'helpdesk_sweep_duration_seconds{sweep="sla.sweep_breaches"}') > 0
    finished = metric(text, 'helpdesk_sweep_last_finished_timestamp_seconds{sweep="sla.sweep_breaches"}')
    assert abs(finished - timezone.now().timestamp()) < 60


@pytest.mark.django_db
def test_metrics_want_the_bearer_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "metrics-token-0123456789"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-wrong")
    assert wrong.status_code == 401
    assert wrong.json()["message"] == "Send Authorization: Bearer <METRICS_TOKEN> to read the metrics."
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer metrics-token-0123456789")
    assert right.status_code == 200
    assert "helpdesk_outbox_messages" in right.content.decode()


@pytest.mark.django_db
def test_metrics_are_not_served_without_a_token_outside_development(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_OPEN_WITHOUT_TOKEN = False
    response = client.get("/metrics")
    assert response.status_code == 404
    assert b"helpdesk_" not in response.content


# Request ids


@pytest.mark.django_db
def test_a_sane_request_id_is_kept_and_any_other_replaced():
    client = Client()
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.1")["X-Request-ID"] == "lb-7f3a.1"
    forged = client.get("/login/", HTTP_X_REQUEST_ID='x" level=ERROR')["X-Request-ID"]
    made = client.get("/login/")["X-Request-ID"]
    assert len(forged) == len(made) == 32
    assert forged != made
    int(forged, 16)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_request_id_follows_a_change_into_its_task_logged_as_json(world, setup_a, postmark, tmp_path, monkeypatch):
    purge_queue()
    monkeypatch.setenv("LOG_FORMAT", "json")
    worker = Worker(mail_api_url=postmark.url, log_path=tmp_path / "worker.log")
    try:
        client = APIClient()
        _, key = api_key_create(user=world.merchant_a1, name="request ids")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        body = {"subject": "Checkout fails", "description": "Payments answer 500", "priority": "Normal"}
        response = client.post("/api/v1/cases/", body, format="json", HTTP_X_REQUEST_ID="req-change-42")
        assert response.status_code == 201, response.content
        assert response["X-Request-ID"] == "req-change-42"
        wait_for(
            lambda: not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists(), what="the mail to be sent"
        )
    finally:
        worker.stop()
        purge_queue()
    lines = [json.loads(line) for line in (tmp_path / "worker.log").read_text().splitlines() if line.startswith("{")]
    ours = [line for line in lines if line["request_id"] == "req-change-42"]
    assert {"level", "logger", "message", "time"} <= set(ours[0])
    assert "task helpdesk.outbox_send started" in [line["message"] for line in ours]
