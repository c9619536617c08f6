"""Prometheus metrics at /metrics: django-prometheus's request counts and latency by route,
plus this product's own figures, computed when scraped.

The figures are counts over partial indexes (outbox_due, outbox_failed, webhook_due,
webhook_failed, clock_due), so a scrape costs a few index reads whatever the tables hold. Sweep
durations are measured where the sweeps run (a worker) and kept in the cache (Redis when
configured), so whichever web process is scraped reports the last run of every sweep.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SWEEP_PREFIX = "sla.sweep_"
_SWEEP_KEY = "metrics:sweep:"
_SWEEPS = ("sla.sweep_warnings", "sla.sweep_breaches", "sla.sweep_auto_close")


def _counts_by_status(model_label: str, statuses: tuple[str, ...]) -> dict[str, int]:
    model = apps.get_model(model_label)
    return {status: model.objects.filter(status=status).count() for status in statuses}


def sweep_lag_seconds(now: Any) -> float:
    """Age of the oldest running clock whose deadline passed with no breach recorded: how far the
    breach sweep is behind (0 when it is keeping up)."""
    # A string reference: the platform must not import the SLA app (see STYLE.md, Layout).
    clock = apps.get_model("sla", "SlaClock")
    oldest = (
        clock.objects.filter(met_at__isnull=True, breached_at__isnull=True, due_at__isnull=False, due_at__lte=now)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


class HelpdeskCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        outbox = GaugeMetricFamily(
            "helpdesk_outbox_messages",
            "E-mails waiting to be sent (pending) or given up on (failed).",
            labels=["status"],
        )
        for status, count in _counts_by_status("helpdesk.OutboxMessage", ("pending", "failed")).items():
            outbox.add_metric([status], count)
        yield outbox
        webhooks = GaugeMetricFamily(
            "helpdesk_webhook_deliveries",
            "Webhook deliveries waiting (pending) or given up on (failed).",
            labels=["status"],
        )
        for status, count in _counts_by_status("helpdesk.WebhookDelivery", ("pending", "failed")).items():
            webhooks.add_metric([status], count)
        yield webhooks
        yield GaugeMetricFamily(
            "helpdesk_sla_sweep_lag_seconds",
            "Age of the oldest running SLA clock past its deadline without a recorded breach.",
            value=sweep_lag_seconds(now),
        )
        yield from _sweep_metrics()
        yield from _store_check_metrics()


def _sweep_metrics() -> Iterator[Metric]:
    duration = GaugeMetricFamily(
        "helpdesk_sweep_duration_seconds", "How long the last run of each sweep took.", labels=["sweep"]
    )
    finished = GaugeMetricFamily(
        "helpdesk_sweep_last_finished_timestamp_seconds", "When each sweep last finished (Unix time).", labels=["sweep"]
    )
    runs = cache.get_many([_SWEEP_KEY + name for name in _SWEEPS])
    for name in _SWEEPS:
        run = runs.get(_SWEEP_KEY + name)
        if run:
            duration.add_metric([name], run["seconds"])
            finished.add_metric([name], run["finished_at"])
    yield duration
    yield finished


_STORE_CHECKS_KEY = "metrics:store_checks"


def record_store_check(*, ok: bool, latency_ms: int) -> None:
    """Count one store health check where it ran (a monitoring worker), in the cache, so that
    whichever web process is scraped reports every worker's checks."""
    result = "up" if ok else "down"
    try:
        for key, amount in ((f"{_STORE_CHECKS_KEY}:{result}", 1), (f"{_STORE_CHECKS_KEY}:ms", latency_ms)):
            cache.add(key, 0, timeout=None)
            cache.incr(key, amount)
    except Exception:  # a metric must never fail the check it counts
        log.warning("could not count a store check", exc_info=True)


def _store_check_metrics() -> Iterator[Metric]:
    counts = cache.get_many([f"{_STORE_CHECKS_KEY}:{name}" for name in ("up", "down", "ms")])
    checks = CounterMetricFamily(
        "helpdesk_store_checks", "Store health checks run, by result (up or down).", labels=["result"]
    )
    for result in ("up", "down"):
        checks.add_metric([result], counts.get(f"{_STORE_CHECKS_KEY}:{result}", 0))
    yield checks
    yield CounterMetricFamily(
        "helpdesk_store_check_latency_seconds",
        "Time store health checks took in total (divide by the checks for the mean).",
        value=counts.get(f"{_STORE_CHECKS_KEY}:ms", 0) / 1000,
    )
    stores = GaugeMetricFamily(
        "helpdesk_monitored_stores", "Monitored stores by the result of their last check.", labels=["status"]
    )
    model = apps.get_model("helpdesk", "Store")
    monitored = model.objects.exclude(health_url="")
    for status, label in (("up", "up"), ("down", "down"), ("", "unchecked")):
        stores.add_metric([label], monitored.filter(last_status=status).count())
    yield stores


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HelpdeskCollector())
    return registry


def _process_metrics() -> bytes:
    """This process's request metrics; with several gunicorn workers, PROMETHEUS_MULTIPROC_DIR
    makes them add up across the workers."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def _allowed(request: HttpRequest) -> bool | None:
    """True to serve, False to refuse (401), None when metrics are not served here (404)."""
    token = settings.METRICS_TOKEN
    if not token:
        return True if settings.METRICS_OPEN_WITHOUT_TOKEN else None
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def metrics(request: HttpRequest) -> HttpResponse:
    allowed = _allowed(request)
    if allowed is None:
        return JsonResponse({"message": "Not found.", "errors": {}}, status=404)
    if not allowed:
        response: HttpResponse = JsonResponse(
            {"message": "Send Authorization: Bearer <METRICS_TOKEN> to read the metrics.", "errors": {}}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = _process_metrics() + generate_latest(_registry())
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


# Sweep timing, from Celery signals in the process that runs the task.
_started: dict[str, float] = {}


def _sweep_started(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    if getattr(task, "name", "").startswith(SWEEP_PREFIX):
        _started[task_id] = time.monotonic()


def _sweep_finished(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    started = _started.pop(task_id, None)
    if started is None:
        return
    run = {"seconds": time.monotonic() - started, "finished_at": time.time()}
    try:
        cache.set(_SWEEP_KEY + task.name, run, timeout=None)
    except Exception:  # a metric must never fail the sweep it measures
        log.warning("could not record the duration of %s", task.name, exc_info=True)


def connect_celery_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_sweep_started, weak=False, dispatch_uid="helpdesk-sweep-started")
    task_postrun.connect(_sweep_finished, weak=False, dispatch_uid="helpdesk-sweep-finished")
