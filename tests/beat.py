"""Real `celery beat` processes for the tests, and what they published."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tests.support.worker import ROOT


class Beat:
    def __init__(self, *, name: str, env: dict[str, str], tmp_path: Path) -> None:
        self.name = name
        self.log_path = tmp_path / f"beat-{name}.log"
        self.log = self.log_path.open("ab")
        command = [
            sys.executable, "-m", "celery", "-A", "tests.beat_app", "beat", "--loglevel=INFO",
            f"--schedule={tmp_path / f'schedule-{name}'}",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env, "BEAT_TEST_NAME": name},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def said(self, text: str) -> bool:
        return text in self.log_path.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        os.killpg(self.process.pid, signum)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.signal(signal.SIGTERM)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
        self.log.close()


def senders(messages: Iterable[bytes]) -> Counter:
    """How many of kombu's queued messages (as the Redis and filesystem transports store them)
    each beat sent: the schedule entry's one argument names its beat."""
    names: Counter = Counter()
    for raw in messages:
        try:
            message = json.loads(raw)
        except json.JSONDecodeError:
            continue  # the filesystem transport is still writing this message: count it next time
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        names[args[0]] += 1
    return names
