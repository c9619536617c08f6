"""Real Celery worker processes for the tests: started against the test database and Redis, with
mail going through django-anymail's Postmark backend to a local fake Postmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from helpdesk.celery import app
from helpdesk.models import OutboxMessage, OutboxStatus

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(
        self,
        *,
        mail_api_url: str,
        concurrency: int = 1,
        log_path: Path,
        queues: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        # Without queues the worker consumes every queue of helpdesk.celery.QUEUES. `env` goes on
        # top (e.g. REDIS_URL of another broker, which the readiness ping then uses too).
        self.broker_url = (env or {}).get("REDIS_URL", settings.REDIS_URL)
        self.hostname = f"test-{time.monotonic_ns()}@{socket.gethostname()}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": "test-server-token",
            "ANYMAIL_POSTMARK_API_URL": mail_api_url,
            **(env or {}),
        }
        command = [
            sys.executable, "-m", "celery", "-A", "helpdesk", "worker",
            "--loglevel=INFO", f"--concurrency={concurrency}", "--pool=prefork",
            "--without-mingle", "--without-gossip", f"--hostname={self.hostname}",
            *(["-Q", ",".join(queues)] if queues else []),
        ]  # fmt: skip
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited with {self.process.returncode}; see {self.log.name}")
            # This worker's answer, not one from a worker the test started before it.
            if self.broker_url != settings.REDIS_URL:  # the app's control commands use its own broker
                if f"{self.hostname} ready." in Path(self.log.name).read_text(errors="replace"):
                    return
                time.sleep(0.2)
            elif app.control.ping(destination=[self.hostname], timeout=0.5):
                return
        raise RuntimeError(f"the worker did not answer within {timeout} s; see {self.log.name}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: no clean-up, no acknowledgements."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self.log.close()


def database_url() -> str:
    """The URL of the database this test process uses (the test database), for child processes."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def purge_queue() -> None:
    """Drop task messages that earlier tests left in Redis, so that a new worker starts clean."""
    app.control.purge()


def wait_for(condition: Callable[[], bool], *, timeout: float = 60, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def all_sent() -> bool:
    """No mail is waiting in the outbox."""
    return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


def assert_each_queued_mail_once(delivered: dict[str, int]) -> None:
    """Every message in the outbox reached the provider exactly once (`delivered`: message id ->
    times the provider took it): none lost, none doubled, none that nobody queued."""
    queued = {str(pk) for pk in OutboxMessage.objects.values_list("pk", flat=True)}
    assert queued, "the test queued no mail"
    assert set(delivered) == queued, "some mail was lost, or mail nobody queued was sent"
    assert max(delivered.values()) == 1, f"mail sent twice: {[k for k, v in delivered.items() if v > 1]}"
