"""A local stand-in for Postmark's HTTP API, so that django-anymail's real Postmark backend can be
exercised end to end (in this process or in a worker process) without the internet."""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count


class FakePostmark:
    """Answers every send with the status and body the test chose; by default, success with a
    new MessageID each time. Keeps every request it received."""

    def __init__(self) -> None:
        self.status: int = 200
        self.body: dict | None = None
        self.requests: list[dict] = []
        ids = count(1)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                request = json.loads(self.rfile.read(length))
                outer.requests.append(request)
                body = outer.body
                if body is None:
                    body = {
                        "To": request.get("To", ""),
                        "MessageID": f"pm-{next(ids)}",
                        "ErrorCode": 0,
                        "Message": "OK",
                    }
                payload = json.dumps(body).encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, status: int, body: dict | None) -> None:
        self.status, self.body = status, body

    def outbox_ids(self) -> Counter:
        """How many times each outbox message (by its X-Outbox-Id header) reached the provider."""
        return Counter(
            header["Value"]
            for request in self.requests
            for header in request.get("Headers", [])
            if header["Name"] == "X-Outbox-Id"
        )

    def close(self) -> None:
        self.server.shutdown()
