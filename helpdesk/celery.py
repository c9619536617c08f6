"""The Celery application. Broker and schedule come from Django settings; the schedule lives here."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.dev")

app = Celery("helpdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # Tasks are idempotent, so a task that dies half-way is safe to run again: acknowledge late.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_soft_time_limit=60,
    task_time_limit=90,
    broker_connection_retry_on_startup=True,
    timezone="UTC",
)

# Queues by kind, so that one kind of work never waits behind another: a breach sweep must not sit
# behind hundreds of webhook retries to a slow receiver. Workers consume one or more of these with
# `-Q` (README "Deployment"); a worker started without `-Q` consumes them all.
QUEUES = ("default", "sweeps", "mail", "webhooks", "monitoring")
app.conf.update(
    task_default_queue="default",
    task_queues=[Queue(name, routing_key=name) for name in QUEUES],
    task_routes={
        "sla.*": {"queue": "sweeps"},
        "surveys.send_reminders": {"queue": "sweeps"},
        "reports.rollup_recent": {"queue": "sweeps"},
        "reports.rollup_account_marks": {"queue": "sweeps"},
        "helpdesk.idempotency_purge": {"queue": "sweeps"},
        "helpdesk.outbox_*": {"queue": "mail"},
        "helpdesk.webhook_*": {"queue": "webhooks"},
        # Store health checks call merchants' URLs and may hang until their timeout.
        "monitoring.*": {"queue": "monitoring"},
    },
    # At most one beat sends the schedule (helpdesk/scheduler.py): a second one started by
    # mistake waits on a lock in Redis (or a file under var/ without Redis).
    beat_scheduler="helpdesk.scheduler:SingleBeatScheduler",
)

# The one beat schedule. Every entry is a short, idempotent sweep (see README "Periodic work").
EVERY_MINUTE = 60.0
app.conf.beat_schedule = {
    "sla-warnings": {"task": "sla.sweep_warnings", "schedule": EVERY_MINUTE},
    "sla-breaches": {"task": "sla.sweep_breaches", "schedule": EVERY_MINUTE},
    "close-unanswered-resolved-cases": {"task": "sla.sweep_auto_close", "schedule": EVERY_MINUTE},
    "outbox-drain": {"task": "helpdesk.outbox_drain", "schedule": EVERY_MINUTE},
    "webhook-drain": {"task": "helpdesk.webhook_drain", "schedule": EVERY_MINUTE},
    "survey-reminders": {"task": "surveys.send_reminders", "schedule": 15 * EVERY_MINUTE},
    "dashboard-rollups": {"task": "reports.rollup_recent", "schedule": 5 * EVERY_MINUTE},
    "account-sla-rollups": {"task": "reports.rollup_account_marks", "schedule": EVERY_MINUTE},
    # Stores are checked at their own interval (60 s by default); the sweep only queues due ones.
    "store-checks": {"task": "monitoring.sweep_stores", "schedule": EVERY_MINUTE / 2},
    "idempotency-purge": {"task": "helpdesk.idempotency_purge", "schedule": 60 * EVERY_MINUTE},
}

app.autodiscover_tasks()


@setup_logging.connect(weak=False)
def configure_logging(**kwargs: object) -> None:
    """Workers and beat log through Django's LOGGING (request ids, LOG_FORMAT=json), not Celery's own."""
    from helpdesk.logs import configure_worker_logging

    configure_worker_logging()
