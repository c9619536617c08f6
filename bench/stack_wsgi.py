"""The product's WSGI application as the stack benchmark serves it (bench/stack.py): unchanged,
except that each answer carries `X-Bench-Queries`, the number of SQL statements the request ran
on its database connection. Only the benchmark's gunicorn loads this module; production's entry
point (helpdesk.wsgi) has no such counting, so it costs production nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from helpdesk.wsgi import application as product

HEADER = "X-Bench-Queries"


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    count = [0]

    def counted(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        return start_response(status, [*headers, (HEADER, str(count[0]))], exc_info)

    with connection.execute_wrapper(counted):
        return product(environ, start)
