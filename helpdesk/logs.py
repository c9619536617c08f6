"""Log lines an operator can follow: one request id per request, carried into the Celery tasks
the request queues, and JSON lines (`LOG_FORMAT=json`) for a log collector.

The id comes from the `X-Request-ID` header when the proxy or client sent a sane one (so one id
follows a request through the proxy's log and ours), else it is made here; the response carries
it back. It travels to tasks in a message header, not in the task's arguments, so tasks keep
taking ids only and a redelivered task logs the id of the request that caused it.

Nothing here touches models: the logging configuration imports it before apps are ready.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
TASK_HEADER = "helpdesk_request_id"
# Anything else (too long, spaces, control characters) could forge or break log lines.
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
log = logging.getLogger(__name__)


def request_id_from(value: str | None) -> str:
    """The id to use for a request that sent `value` in its X-Request-ID header."""
    if value and _SANE_ID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` ("-" outside a request or task), for any formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        task = getattr(record, "task", None)
        if task:
            line["task"] = task
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


# Celery: the publishing side (a web request, or a task queueing another) puts the id in the
# message headers; the worker binds it around the task, so the task's log lines carry it.


def _before_task_publish(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


_task_tokens: dict[str, Any] = {}


def _task_prerun(task_id: str = "", task: Any = None, **kwargs: Any) -> None:
    request_id = getattr(getattr(task, "request", None), TASK_HEADER, None)
    if request_id is None:
        return  # run eagerly in the caller (its id is already bound), or queued outside a request
    _task_tokens[task_id] = _request_id.set(request_id)
    log.info("task %s started", task.name, extra={"task": task.name})


def _task_postrun(task_id: str = "", **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _request_id.reset(token)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(_before_task_publish, weak=False, dispatch_uid="helpdesk-request-id-publish")
    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="helpdesk-request-id-prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="helpdesk-request-id-postrun")


def configure_worker_logging(**kwargs: Any) -> None:
    """Celery's setup_logging receiver: the worker logs through Django's LOGGING (the same
    format, request ids and JSON) instead of replacing the root handlers with its own."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
