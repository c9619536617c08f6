"""The project's Celery app with a fast schedule, for the beat tests (`celery -A tests.beat_app
beat`): one entry every half second, sent to the test's own queue and naming the beat that sent
it, so that a test can count what each beat published. Scheduler and lock are the project's."""

from __future__ import annotations

import os

from helpdesk.celery import app

app.conf.beat_schedule = {
    "test-tick": {
        "task": "tests.beat_tick",
        "schedule": 0.5,
        "args": [os.environ.get("BEAT_TEST_NAME", "")],
        "options": {"queue": os.environ.get("BEAT_TEST_QUEUE", "beat-test")},
    },
}
