"""The product's WSGI application as the stack benchmark serves it (bench/stack.py): unchanged,
except that each answer carries `X-Bench-Queries`, the number of SQL statements the request ran
on its database connection, and `X-Bench-Server-Ms`, the time from the request reaching the
application to its answer being ready (the server's own time, without gunicorn's socket work or
the client's). Only the benchmark's gunicorn loads this module; production's entry
point (helpdesk.wsgi) has no such counting, so it costs production nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from helpdesk.wsgi import application as product

HEADER = "X-Bench-Queries"
SERVER_MS = "X-Bench-Server-Ms"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    count = [0]
    began = time.perf_counter()

    def counted(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        server_ms = f"{(time.perf_counter() - began) * 1000:.2f}"  # Django has rendered the answer by now
        return start_response(status, [*headers, (HEADER, str(count[0])), (SERVER_MS, server_ms)], exc_info)

    with connection.execute_wrapper(counted):
        return product(environ, start)
