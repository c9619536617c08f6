"""A store's health endpoint on 127.0.0.1 for the monitoring tests: a real HTTP server in a thread
that answers 200, fails with 503, or hangs without answering, as the test switches it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HealthServer(ThreadingHTTPServer):
    daemon_threads = True
    mode = "up"  # up, fail or hang
    requests = 0
    release: threading.Event

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/health"


class _Handler(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:
        self.server.requests += 1
        if self.server.mode == "hang":
            self.server.release.wait(10)  # answers nothing until the test ends
            return
        status = 200 if self.server.mode == "up" else 503
        body = b"ok" if status == 200 else b"down"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def health_server() -> Iterator[HealthServer]:
    server = HealthServer(("127.0.0.1", 0), _Handler)
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
