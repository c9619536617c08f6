"""One Celery beat at a time, whatever was started: the beat that holds a lock sends the schedule.

The sweeps are safe to overlap, but a second beat started by mistake would still double every
send and every check, so beat takes a lock first. With Redis it is a key set with `SET NX PX`,
renewed by the leader on every tick and deleted on a clean shutdown; a leader that dies stops
renewing, and another beat takes over once the key expires (`BEAT_LOCK_TTL_SECONDS`). Without
Redis (the demo's filesystem broker) it is an exclusive `flock` on a file under `var/`, which the
kernel drops when its process dies. A beat without the lock schedules nothing and tries again
every third of the expiry.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import uuid
from pathlib import Path
from typing import IO, Any, Protocol

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)

LOCK_KEY = "helpdesk:beat:leader"
LEADING = "holding the leader lock: sending the schedule"
STANDING_BY = "another beat holds the leader lock: sending nothing"

# Extend the expiry only while the key still holds our token, and delete only our own key: a
# leader paused past its expiry must not renew or release the lock another beat now holds.
RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class LeaderLock(Protocol):
    def hold(self) -> bool:
        """Take the lock or keep it; True while this process holds it."""

    def release(self) -> None: ...


class RedisLeaderLock:
    def __init__(self, *, url: str, ttl_seconds: float, key: str = LOCK_KEY) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.key = key
        self.ttl_ms = int(ttl_seconds * 1000)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self.held = False

    def hold(self) -> bool:
        try:
            if self.held and self.client.eval(RENEW, 1, self.key, self.token, self.ttl_ms):
                return True
            self.held = bool(self.client.set(self.key, self.token, nx=True, px=self.ttl_ms))
        except redis.RedisError:
            # Without Redis nobody can prove leadership; sending nothing is the safe side, since
            # the broker is the same Redis and could not take the tasks either.
            log.warning("beat: cannot reach Redis for the leader lock", exc_info=True)
            self.held = False
        return self.held

    def release(self) -> None:
        if self.held:
            try:
                self.client.eval(RELEASE, 1, self.key, self.token)
            except redis.RedisError:
                log.warning("beat: could not release the leader lock; it expires by itself", exc_info=True)
            self.held = False


class FileLeaderLock:
    def __init__(self, *, path: Path) -> None:
        self.path = path
        self.file: IO[bytes] | None = None

    def hold(self) -> bool:
        if self.file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("ab")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        self.file = file
        return True

    def release(self) -> None:
        if self.file is not None:
            fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            self.file.close()
            self.file = None


def leader_lock(*, broker_url: str) -> LeaderLock:
    if broker_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisLeaderLock(url=broker_url, ttl_seconds=settings.BEAT_LOCK_TTL_SECONDS)
    return FileLeaderLock(path=Path(settings.BEAT_LOCK_FILE))


class SingleBeatScheduler(PersistentScheduler):
    """PersistentScheduler that sends only while it holds the leader lock.

    The schedule file is opened only once the lock is held, so a second beat on the demo's
    `var/celerybeat-schedule` never opens the file the leader has open."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock = leader_lock(broker_url=kwargs["app"].conf.broker_url or "")
        self.ready = False
        self.leading: bool | None = None
        super().__init__(*args, **kwargs)

    @property
    def renew_every(self) -> float:
        return settings.BEAT_LOCK_TTL_SECONDS / 3

    def setup_schedule(self) -> None:
        # Deferred to the first tick that holds the lock (see tick()).
        pass

    def tick(self, *args: Any, **kwargs: Any) -> float:
        leading = self.lock.hold()
        if leading != self.leading:
            # Logged on each change only, so the log tells when a standby beat took over.
            log.info("beat: %s", LEADING if leading else STANDING_BY)
            self.leading = leading
        if not leading:
            return self.renew_every
        if not self.ready:
            super().setup_schedule()
            self.ready = True
        return min(super().tick(*args, **kwargs), self.renew_every)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.lock.release()
