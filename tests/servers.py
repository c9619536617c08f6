"""Real servers on 127.0.0.1 for the tests: an S3-compatible object store (moto's server mode)
and web processes (gunicorn) running this project against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child process in its own session, answering HTTP on `url` once started."""

    def __init__(self, command: list[str], *, env: dict[str, str], log_path: Path, ready_path: str) -> None:
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_until_answering(ready_path)

    url: str

    def _wait_until_answering(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.process.args[:4]} exited with {self.process.returncode}; see {self.log.name}"
                )
            try:
                urllib.request.urlopen(self.url + path, timeout=2).close()  # noqa: S310 - our own loopback server
                return
            except urllib.error.HTTPError:
                return  # it answers, whatever it says
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.process.args[:4]} did not answer within {timeout} s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(20)
        self.log.close()


class S3Server(Process):
    """moto in server mode: a real S3 HTTP API in a child process, state in its memory."""

    region = "eu-west-1"
    access_key = "test-access-key"
    secret_key = "test-secret-key"  # moto accepts any credentials

    def __init__(self, *, log_path: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        super().__init__(command, env={**os.environ}, log_path=log_path, ready_path="/moto-api/")

    def env(self, bucket: str) -> dict[str, str]:
        """The variables a deployment sets to keep its files in `bucket`."""
        return {
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": self.region,
        }

    def client(self):  # -> botocore S3 client
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )


class WebServer(Process):
    """This project under gunicorn (one worker), with the given environment on top of ours."""

    def __init__(self, *, env: dict[str, str], log_path: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable, "-m", "gunicorn", "helpdesk.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
        ]  # fmt: skip
        super().__init__(command, env={**os.environ, **env}, log_path=log_path, ready_path="/login/")
