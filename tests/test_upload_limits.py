"""Request bodies are capped before they are read, and uploads stream to storage: a real gunicorn
worker refuses an 80 MB upload without its memory growing, and in-process requests show the
answers a client or a person gets."""

from __future__ import annotations

import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from helpdesk.services import api_key_create
from tests.support.worker import database_url
from tickets.models import Attachment
from tickets.tests.factories import open_case

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x03" * 64
MB = 1_048_576


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The parent pid is the second field after the parenthesised command name.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _peak_rss_bytes(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM), which the kernel keeps for us."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmHWM for {pid}")


def _http(port: int, head: bytes, body_chunks: Iterator[bytes]) -> tuple[int, bytes]:
    """Send a request over a raw socket, as a client that keeps sending until the server stops
    listening, and return the status and body of whatever the server answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed without reading the rest: that is the point
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1."), answer[:200]
    response = http.client.HTTPResponse(_Received(answer))  # type: ignore[arg-type]
    response.begin()
    return response.status, response.read()


class _Received:
    """What http.client needs of a socket, over bytes already received."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self.data)


def _multipart(port: int, path: str, key: str, filename: str, size: int, first: bytes) -> tuple[int, bytes]:
    boundary = "----helpdesk-test-boundary"
    start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    end = f"\r\n--{boundary}--\r\n".encode()
    length = len(start) + size + len(end)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield start + first
        left = size - len(first)
        block = b"a" * MB
        while left > 0:
            yield block[: min(left, MB)]
            left -= MB
        yield end

    return _http(port, head, chunks())


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """A real gunicorn (one sync worker, as production runs it) on the test database."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    command = [
        sys.executable, "-m", "gunicorn", "helpdesk.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--worker-class", "sync", "--timeout", "120", "--no-control-socket",
    ]  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("ab")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn exited; see {log.name}"
            assert time.monotonic() < deadline, f"gunicorn did not start; see {log.name}"
            workers = _children(process.pid)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.2)
                continue
            if workers:
                break
        yield port, workers[0]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        log.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_80_mb_api_upload_is_refused_without_the_worker_memory_growing(gunicorn, world, setup_a):
    port, worker = gunicorn
    case = open_case(world.account_a1, setup_a.normal)
    _, key = api_key_create(user=world.merchant_a1, name="uploads")
    path = f"/api/v1/cases/{case.number}/attachments/"
    # A first upload that is taken loads every code path the refused one could use.
    status, body = _multipart(port, path, key, "small.png", 2 * MB, PNG)
    assert status == 201, body
    before = _peak_rss_bytes(worker)

    status, body = _multipart(port, path, key, "huge.png", 80 * MB, PNG)

    grown = _peak_rss_bytes(worker) - before
    assert grown < 4 * MB, f"the worker's peak memory grew by {grown / MB:.1f} MB"
    assert status == 413
    message = "The upload is 80.0 MB; files may be up to 10.0 MB."
    assert json.loads(body) == {"message": message, "errors": {"file": [message]}}
    assert list(Attachment.objects.for_tenant(world.tenant_a).values_list("filename", flat=True)) == ["small.png"]


def test_the_case_page_refuses_an_oversized_upload_with_a_page_that_says_why(client, world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client.force_login(world.merchant_a1)
    # The declared length alone decides: nothing of the body is read.
    response = client.generic(
        "POST",
        f"/cases/{case.number}/do/attach/",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(80 * MB),
    )
    assert response.status_code == 413
    assert "The upload is 80.0 MB; files may be up to 10.0 MB." in response.content.decode()


def test_an_over_limit_file_under_the_body_cap_gets_the_size_message_at_its_field(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=world.merchant_a1)[1]}")
    too_big = SimpleUploadedFile("big.png", PNG + b"\x00" * (settings.ATTACHMENT_MAX_BYTES - len(PNG) + MB))
    response = client.post(f"/api/v1/cases/{case.number}/attachments/", {"file": too_big}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["The file is 11.0 MB; attachments may be up to 10.0 MB."]}


def test_a_json_body_over_the_cap_is_refused_before_it_is_parsed(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=world.merchant_a1)[1]}")
    body = json.dumps({"body": "x" * (3 * MB)})
    response = client.post(f"/api/v1/cases/{case.number}/comments/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"message": "The request body is 3.0 MB; it may be up to 2.5 MB.", "errors": {}}


def test_an_idempotent_upload_larger_than_the_form_field_cap_is_taken_once_and_replayed(world, setup_a):
    case = open_case(world.account_a1, setup_a.normal)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_create(user=world.merchant_a1)[1]}")
    data = PNG + b"\x00" * (3 * MB)  # over DATA_UPLOAD_MAX_MEMORY_SIZE, which caps fields, not files
    path = f"/api/v1/cases/{case.number}/attachments/"

    def upload(boundary: str):
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="trace.png"\r\n\r\n'.encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return client.generic(
            "POST",
            path,
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )

    first = upload("first-boundary")
    assert first.status_code == 201, first.content
    again = upload("another-boundary")  # a client's retry: same content, a new random boundary
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Attachment.objects.for_tenant(world.tenant_a).count() == 1
