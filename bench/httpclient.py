"""The HTTP client of the stack and peer benchmarks (bench/stack.py, bench/peer/run.py): one
`http.client` connection per simulated client, kept alive while the server allows it (gunicorn's
sync workers close after each answer, so the connection is opened again), cookies kept like a
browser's for one origin, and a sign-in through Django's login form with its CSRF token.

`load` runs N clients as N processes (forked, so that one client's Python never waits on
another's), each sending its share of the requests back to back after one warm-up request; it
reports requests per second over the wall time of the measured requests, and p50 / p95 / p99
of each request's time as the client saw it (connect, send, wait, read the whole body).
"""

from __future__ import annotations

import html
import http.client
import math
import multiprocessing
import re
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

QUERIES_HEADER = "x-bench-queries"  # set by bench/stack_wsgi.py: SQL statements the request ran
SERVER_MS_HEADER = "x-bench-server-ms"  # set by bench/stack_wsgi.py: the application's own time
# One request as measured: seconds, status (0: no answer), SQL statements, when it ended, server ms.
Row = tuple[float, int, int | None, float, float | None]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Call:
    """One request to send: what `load` asks its `next_call` for before each request."""

    path: str
    method: str = "GET"
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


class Client:
    """One simulated user against one origin (`http://host:port`)."""

    def __init__(self, origin: str, *, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(origin)
        self.origin = origin
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}
        self._connection: http.client.HTTPConnection | None = None

    def clone(self) -> Client:
        """The same user (cookies, headers) on a connection of its own."""
        twin = Client(self.origin, timeout=self.timeout)
        twin.cookies, twin.headers = dict(self.cookies), dict(self.headers)
        return twin

    def request(self, call: Call) -> Answer:
        headers = {"Host": f"{self.host}:{self.port}", **self.headers, **call.headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if call.body is not None:
            headers.setdefault("Content-Length", str(len(call.body)))
        began = time.perf_counter()
        reused = self._connection is not None
        try:
            answer = self._send(call, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.close()
            if not reused:
                raise
            began = time.perf_counter()  # the server had closed the kept connection: once more, anew
            answer = self._send(call, headers)
        except Exception:
            self.close()  # a timed-out or broken exchange leaves nothing to reuse
            raise
        answer.seconds = time.perf_counter() - began
        return answer

    def _send(self, call: Call, headers: dict[str, str]) -> Answer:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        connection = self._connection
        connection.request(call.method, call.path, body=call.body, headers=headers)
        response = connection.getresponse()
        body = response.read()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.will_close:
            self.close()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body, 0.0)

    def get(self, path: str, **headers: str) -> Answer:
        return self.request(Call(path, headers=headers))

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def sign_in(client: Client, path: str, fields: dict[str, str]) -> None:
    """Django's login form: fetch it (the CSRF cookie and token), post the fields, expect a redirect."""
    form = client.get(path)
    token = CSRF_INPUT.search(form.text)
    if form.status != 200 or token is None:
        raise RuntimeError(f"{path} answered {form.status} without a login form")
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": html.unescape(token.group(1)), **fields}).encode()
    answer = client.request(
        Call(path, "POST", body, {"Content-Type": "application/x-www-form-urlencoded", "Referer": client.origin + path})
    )
    if answer.status != 302:
        raise RuntimeError(f"signing in as {fields.get('username')} at {path} answered {answer.status}, not a redirect")


def json_call(path: str, method: str, payload: bytes, **headers: str) -> Call:
    return Call(path, method, payload, {"Content-Type": "application/json", **headers})


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


Picker = Callable[[int, int], Call]  # (client number, request number) -> the request to send


def load(template: Client, next_call: Picker, *, clients: int, requests: int, ok: frozenset[int]) -> dict[str, Any]:
    """`requests` requests (at least one per client) by `clients` concurrent clients, each a copy
    of `template`. A client whose request times out stops there (the rest would wait as long)."""
    context = multiprocessing.get_context("fork")
    start = context.Barrier(clients + 1)
    results: Any = context.Queue()
    share = [requests // clients + (1 if n < requests % clients else 0) for n in range(clients)]
    workers = [
        context.Process(target=_client, args=(template, next_call, n, max(share[n], 1), start, results))
        for n in range(clients)
    ]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    rows: list[Row] = []
    for _ in workers:
        rows += results.get()
    wall = (max((row[3] for row in rows), default=began) - began) if rows else 0.0
    for worker in workers:
        worker.join()
    return _figures(rows, wall, ok, template.timeout)


def _client(template: Client, next_call: Picker, number: int, count: int, start: Any, results: Any) -> None:
    client = template.clone()
    rows: list[Row] = []
    try:
        warm = True
        try:
            client.request(next_call(number, -1))  # warm-up: connection, caches of this worker
        except TimeoutError:
            warm = False  # it took longer than the cap: that is the figure, and another would too
        except (OSError, http.client.HTTPException):
            pass  # a refused or broken warm-up shows again in the measured requests
        start.wait()
        if not warm:
            rows.append((client.timeout, 0, None, time.perf_counter(), None))
        for n in range(count if warm else 0):
            try:
                answer = client.request(next_call(number, n))
            except (OSError, http.client.HTTPException):  # TimeoutError too
                rows.append((client.timeout, 0, None, time.perf_counter(), None))
                break
            queries, server = answer.headers.get(QUERIES_HEADER), answer.headers.get(SERVER_MS_HEADER)
            statements = int(queries) if queries else None
            rows.append(
                (answer.seconds, answer.status, statements, time.perf_counter(), float(server) if server else None)
            )
    finally:
        client.close()
        results.put(rows)


def _figures(rows: list[Row], wall: float, ok: frozenset[int], cap: float) -> dict:
    times = sorted(row[0] * 1000 for row in rows)
    server = sorted(row[4] for row in rows if row[4] is not None)
    queries = sorted(row[2] for row in rows if row[2] is not None)
    statuses = Counter(str(row[1]) for row in rows)
    answered = sum(1 for row in rows if row[1])
    return {
        "requests": len(rows),
        "rps": (answered / wall) if answered and wall > 0 else math.nan,
        "p50_ms": percentile(times, 0.50),
        "p95_ms": percentile(times, 0.95),
        "p99_ms": percentile(times, 0.99),
        "max_ms": times[-1] if times else math.nan,
        "server_p50_ms": percentile(server, 0.50) if server else None,
        "server_p95_ms": percentile(server, 0.95) if server else None,
        "queries": queries[len(queries) // 2] if queries else None,
        "queries_max": queries[-1] if queries else None,
        "statuses": dict(statuses),
        "errors": sum(n for status, n in statuses.items() if int(status) not in ok),
        "timed_out": statuses.get("0", 0),
        "timeout_s": cap,
    }
