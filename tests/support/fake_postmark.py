"""A local stand-in for Postmark's HTTP API, so that django-anymail's real Postmark backend can be
exercised end to end (in this process or in a worker process) without the internet."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count


class FakePostmark:
    """Answers every send with the status and body the test chose; by default, success with a
    new MessageID each time. Keeps every request it received, and apart those it accepted (a 2xx
    answer). With `hang` set it holds each request that many seconds before answering, as a
    provider that stopped answering does (a client that timed out meanwhile gets nothing)."""

    def __init__(self) -> None:
        self.status: int = 200
        self.body: dict | None = None
        self.hang: float = 0
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        ids = count(1)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                request = json.loads(self.rfile.read(length))
                outer.requests.append(request)
                status, body = outer.status, outer.body  # as the provider stood when it arrived
                if outer.hang:
                    time.sleep(outer.hang)
                if body is None:
                    body = {
                        "To": request.get("To", ""),
                        "MessageID": f"pm-{next(ids)}",
                        "ErrorCode": 0,
                        "Message": "OK",
                    }
                payload = json.dumps(body).encode()
                if 200 <= status < 300:
                    outer.accepted.append(request)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (a timeout)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, status: int, body: dict | None) -> None:
        self.status, self.body = status, body

    def outbox_ids(self) -> Counter:
        """How many times each outbox message (by its X-Outbox-Id header) reached the provider."""
        return _outbox_ids(self.requests)

    def accepted_ids(self) -> Counter:
        """How many times the provider accepted each outbox message (answered it with a 2xx)."""
        return _outbox_ids(self.accepted)

    def close(self) -> None:
        self.server.shutdown()


def _outbox_ids(requests: list[dict]) -> Counter:
    return Counter(
        header["Value"]
        for request in requests
        for header in request.get("Headers", [])
        if header["Name"] == "X-Outbox-Id"
    )
