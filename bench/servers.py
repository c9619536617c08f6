"""Processes the stack and peer benchmarks start and stop: gunicorn (sync workers, loopback only)
and a Celery worker, their logs under var/bench/, and the peak resident memory of a process as
Linux keeps it (`VmHWM` in /proc/<pid>/status).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # nosec B404  # starts our own servers and workers with fixed command lines
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(command: list[str], *, env: dict[str, str], log: str, cwd: Path = ROOT) -> subprocess.Popen:
    LOGS.mkdir(parents=True, exist_ok=True)
    handle = (LOGS / log).open("wb")
    return subprocess.Popen(  # noqa: S603  # nosec B603  # our own fixed command lines
        command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def gunicorn(
    python: str, app: str, *, port: int, env: dict[str, str], log: str, timeout: int = 120, cwd: Path = ROOT
) -> subprocess.Popen:
    """gunicorn with 2 sync workers on 127.0.0.1:`port`; a worker busy longer than `timeout` is killed."""
    command = [
        python, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
        "--timeout", str(timeout), "--graceful-timeout", "5", "--log-level", "warning",
    ]  # fmt: skip
    return start(command, env=env, log=log, cwd=cwd)


def wait_for(url: str, process: subprocess.Popen, *, log: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}); see var/bench/{log}")
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310  # nosec B310  # loopback, our own server
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s; see var/bench/{log}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def children(pid: int) -> list[int]:
    """The processes `pid` started (gunicorn's workers, the master being `pid`)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def peak_rss_mb(pid: int) -> float | None:
    """The most resident memory the process has had since it started (VmHWM), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def rss_mb(pid: int) -> float | None:
    """Resident memory now (VmRSS), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None
