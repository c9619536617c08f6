"""One scheduler, whatever was started: two real `celery beat` processes on a half-second
schedule, against the test Redis (and, like the demo, without Redis); only the one holding the
leader lock publishes, and the other takes over when the leader dies or stops."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from helpdesk.scheduler import LEADING, LOCK_KEY, STANDING_BY
from tests.beat import Beat, senders
from tests.support.worker import wait_for

pytestmark = pytest.mark.worker


@pytest.fixture
def client():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(LOCK_KEY)
    yield client
    client.delete(LOCK_KEY)


@pytest.fixture
def start_beat(tmp_path):
    beats: list[Beat] = []

    def start(name: str, **env: str) -> Beat:
        beat = Beat(name=name, env=env, tmp_path=tmp_path)
        beats.append(beat)
        return beat

    yield start
    for beat in beats:
        beat.stop()


@pytest.fixture
def queue(client):
    name = f"beat-test-{uuid.uuid4().hex}"
    yield name
    client.delete(name)


def leader_and_standby(start_beat, env: dict[str, str]) -> tuple[Beat, Beat]:
    first = start_beat("first", **env)
    wait_for(lambda: first.said(LEADING), what="the first beat to take the lock")
    second = start_beat("second", **env)
    wait_for(lambda: second.said(STANDING_BY), what="the second beat to stand by")
    return first, second


def test_a_second_beat_sends_nothing_and_takes_over_within_the_expiry_when_the_leader_dies(client, start_beat, queue):
    env = {"REDIS_URL": settings.REDIS_URL, "BEAT_LOCK_TTL_SECONDS": "3", "BEAT_TEST_QUEUE": queue}
    first, second = leader_and_standby(start_beat, env)

    def sent() -> dict[str, int]:
        return senders(client.lrange(queue, 0, -1))

    base = sent()["first"]
    # The standby retries every second meanwhile; the leader keeps its lock and keeps sending.
    wait_for(lambda: sent()["first"] >= base + 8, what="the leader to send eight more ticks")
    assert sent()["second"] == 0

    first.signal(signal.SIGKILL)  # no clean shutdown: the lock stays until it expires
    died = time.monotonic()
    assert client.exists(LOCK_KEY)
    wait_for(lambda: sent()["second"] > 0, what="the standby to take over", timeout=15)
    took_over = time.monotonic() - died
    assert took_over <= 3 + 1 + 1, f"took {took_over:.1f} s; the lock expires after 3 s, retried every 1 s"
    assert second.said(LEADING)


def test_a_leader_stopped_cleanly_hands_over_at_once(client, start_beat, queue):
    # An expiry longer than the wait below: only the release on shutdown lets the standby in.
    env = {"REDIS_URL": settings.REDIS_URL, "BEAT_LOCK_TTL_SECONDS": "18", "BEAT_TEST_QUEUE": queue}
    first, second = leader_and_standby(start_beat, env)
    wait_for(lambda: senders(client.lrange(queue, 0, -1))["first"] >= 2, what="the leader to send")

    first.signal(signal.SIGTERM)
    assert not client.exists(LOCK_KEY)
    # The standby retries every third of the expiry (6 s); an unreleased lock would hold for 18 s.
    wait_for(lambda: senders(client.lrange(queue, 0, -1))["second"] > 0, what="the standby to take over", timeout=10)
    assert second.said(LEADING)


def test_without_redis_a_file_lock_under_var_keeps_the_demo_to_one_beat(tmp_path, start_beat):
    var = tmp_path / "var"
    env = {
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.dev",
        "REDIS_URL": "",
        "VAR_DIR": str(var),
        "BEAT_LOCK_TTL_SECONDS": "3",
        "BEAT_TEST_QUEUE": "beat-test",
    }
    first, second = leader_and_standby(start_beat, env)

    def sent() -> dict[str, int]:
        return senders(path.read_bytes() for path in Path(var, "broker", "queue").glob("*.beat-test.msg"))

    wait_for(lambda: sent()["first"] >= 8, what="the leader to send eight ticks")
    assert sent()["second"] == 0
    assert (var / "beat.lock").exists()

    first.signal(signal.SIGKILL)  # the kernel drops a dead process's flock
    wait_for(lambda: sent()["second"] > 0, what="the standby to take over", timeout=10)
    assert second.said(LEADING)
    assert second.said(LEADING)
