"""The tenant SQL guard: while a request runs with a tenant bound, every SELECT that reads a
tenant-owned table must carry a tenant condition (`"tenant_id" = %s` or `IN (...)`).

It proves, for every request the suite makes, that views and selectors went through
`helpdesk.tenancy` rather than a bare `objects.all()`. The Django admin is left out: its scoping
lives in `TenantScopedAdmin` and is pinned by behaviour tests instead (its deletion collector and
inlines query by foreign key, which is safe but carries no tenant condition), and so are Django's
password-reset views, which load the one user named by a signed token.

Requests served by a live server (pytest-django's `live_server`) run in threads of their own, each
with its own database connection: the guard installs itself on that connection when the request
starts, so that pages and API calls driven over real HTTP are guarded too.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_started
from django.db import connection

from helpdesk.tenancy import current_scope, tenant_owned_tables

TABLE_RE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)
TENANT_CONDITION_RE = re.compile(r'"tenant_id"\s*(?:=\s*%s|IN\s*\(\s*%s)', re.IGNORECASE)
EXEMPT_PATH_PREFIXES = ("/admin/", "/password-reset/")


def unscoped_tables(sql: str, guarded: set[str]) -> set[str]:
    """Tenant-owned tables a SELECT reads with no tenant condition anywhere in it."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return set()
    tables = set(TABLE_RE.findall(sql)) & guarded
    if not tables or TENANT_CONDITION_RE.search(sql):
        return set()
    return tables


class TenantSqlGuard:
    def __init__(self) -> None:
        self.violations: list[str] = []
        self._request = threading.local()  # the path of the request this thread serves
        self._guarded: set[str] | None = None

    @property
    def _path(self) -> str:
        return getattr(self._request, "path", "")

    def _on_request_started(self, sender: Any, environ: dict | None = None, **kwargs: Any) -> None:
        self._request.path = (environ or {}).get("PATH_INFO", "")
        if self not in connection.execute_wrappers:  # a live server's request thread
            connection.execute_wrappers.append(self)

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        if current_scope() is not None and not self._path.startswith(EXEMPT_PATH_PREFIXES):
            if self._guarded is None:
                self._guarded = tenant_owned_tables()
            tables = unscoped_tables(sql, self._guarded)
            if tables:
                message = f"{self._path}: query on {sorted(tables)} without a tenant condition: {sql}"
                self.violations.append(message)
                raise AssertionError(message)
        return execute(sql, params, many, context)

    @contextmanager
    def installed(self) -> Iterator[TenantSqlGuard]:
        request_started.connect(self._on_request_started)
        connection.execute_wrappers.append(self)
        try:
            yield self
        finally:
            connection.execute_wrappers.remove(self)
            request_started.disconnect(self._on_request_started)
