"""Keyset (cursor) pagination for the API and the case pages: stable under inserts, and as fast on
page 1,000 as on page 1."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from helpdesk.errors import ValidationFailed

MAX_LIMIT = 200


def encode(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        assert isinstance(values, list) and len(values) == size
        decoded = [datetime.fromisoformat(v) if isinstance(v, str) else v for v in values]
        assert all(v is None or isinstance(v, int | datetime) for v in decoded)
        assert all(v.tzinfo is not None and 1900 <= v.year <= 9998 for v in decoded if isinstance(v, datetime))
        return decoded
    except Exception:
        raise ValidationFailed(
            "The cursor is not one this API gave out.", errors={"cursor": ["Invalid cursor."]}
        ) from None


def limit_from(raw: str | None, default: int = 50) -> int:
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit must be a whole number from 1 to {MAX_LIMIT}.", errors={"limit": ["Out of range."]}
        )
    return int(raw)


def urgency_page(cases: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of cases in urgency order (sla_due_at, nulls last; then opened_at, pk)."""
    if cursor:
        due, opened, pk = decode(cursor, 3)
        # (opened_at, pk) > (opened, pk), with opened_at >= opened spelled out so that the
        # index on (..., sla_due_at, opened_at, id) starts its range there.
        after_in_group = Q(opened_at__gte=opened) & (Q(opened_at__gt=opened) | Q(pk__gt=pk))
        if due is None:
            cases = cases.filter(Q(sla_due_at__isnull=True) & after_in_group)
        else:
            cases = cases.filter(
                Q(sla_due_at__gt=due) | Q(sla_due_at=due) & after_in_group | Q(sla_due_at__isnull=True)
            )
    rows = list(cases[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode([last.sla_due_at, last.opened_at, last.pk])


def time_page(rows: QuerySet, field: str, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of rows in (field, pk) order, for incremental exports."""
    rows = rows.order_by(field, "pk")
    if cursor:
        moment, pk = decode(cursor, 2)
        rows = rows.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode([getattr(last, field), last.pk])
