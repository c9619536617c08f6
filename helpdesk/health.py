"""Probes for load balancers and orchestrators: `/healthz` (this process answers) and `/readyz`
(the database, Redis, file storage and Celery broker all answer), plus `/metrics`.

They are answered by a middleware near the top of the chain rather than by URL routes, so that
they need no session, user or tenant, are not redirected to HTTPS (probes speak plain HTTP to
the instance) and are not refused by ALLOWED_HOSTS (probes address the instance by its IP).
They show no data: readyz names each part and whether it answered, never an error's text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from helpdesk import metrics

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_redis() -> bool:
    """False when no Redis is configured (the demo), which is not a failure."""
    if not settings.REDIS_URL:
        return False
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return True


def check_storage() -> None:
    bucket = getattr(default_storage, "bucket", None)
    if bucket is not None:  # S3-compatible: a missing object would not tell a wrong bucket apart
        bucket.meta.client.head_bucket(Bucket=bucket.name)
        return
    location = getattr(default_storage, "location", None)
    if location is not None:  # files under MEDIA_ROOT: created on first upload, so create it now
        Path(location).mkdir(parents=True, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise PermissionError("MEDIA_ROOT is not writable")
        return
    default_storage.exists("readyz")


def check_broker() -> None:
    from kombu import Connection

    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=TIMEOUT_SECONDS,
    ) as broker:
        broker.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)


CHECKS: dict[str, Callable[[], object]] = {
    "database": check_database,
    "redis": check_redis,
    "storage": check_storage,
    "broker": check_broker,
}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz(request: HttpRequest) -> HttpResponse:
    return _no_store(JsonResponse({"status": "alive"}))


def readyz(request: HttpRequest) -> HttpResponse:
    checks: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = "not configured" if check() is False else "ok"
        except Exception as error:  # any failure means not ready; the log has the details
            log.warning("readiness check %s failed: %r", name, error)
            checks[name] = f"failed ({type(error).__name__})"
    failing = [name for name, result in checks.items() if result.startswith("failed")]
    if failing:
        body = {"status": "unavailable", "message": f"Not ready: {', '.join(failing)}.", "failing": failing}
        return _no_store(JsonResponse({**body, "checks": checks}, status=503))
    return _no_store(JsonResponse({"status": "ready", "checks": checks}))


ROUTES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics.metrics,
}


class OperationsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ROUTES.get(request.path_info)
        if view is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"message": "Only GET and HEAD are answered here.", "errors": {}}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request)
