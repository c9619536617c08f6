"""How many requests the schemathesis runs sent in this pytest session (printed at its end by
tests/api/conftest.py, so `make test-fuzz` shows that it reached its count)."""

from __future__ import annotations

_sent = {"requests": 0}


def add(count: int) -> None:
    _sent["requests"] += count


def total() -> int:
    return _sent["requests"]
