"""Keyset (cursor) pagination for the API and the case pages: stable under inserts, and as fast on
page 1,000 as on page 1. A page's size comes from `helpdesk.api.params.limit_from`."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from helpdesk.errors import ValidationFailed


def encode(values: Sequence[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode(cursor: str, *kinds: type, nullable: frozenset[int] = frozenset()) -> list[Any]:
    """The values a cursor carries, each of its kind (`datetime` or `int`, in order); only the
    positions in `nullable` may be null. Anything else is refused as a cursor we never gave out."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        _require(isinstance(values, list) and len(values) == len(kinds))
        pairs = enumerate(zip(values, kinds, strict=True))
        return [_cursor_value(value, kind, i in nullable) for i, (value, kind) in pairs]
    except Exception:
        raise ValidationFailed(
            "The cursor is not one this API gave out.", errors={"cursor": ["Invalid cursor."]}
        ) from None


def _cursor_value(value: Any, kind: type, nullable: bool) -> Any:
    if value is None:
        _require(nullable)
        return None
    if kind is datetime:
        _require(isinstance(value, str))
        moment = datetime.fromisoformat(value)
        _require(moment.tzinfo is not None and 1900 <= moment.year <= 9998)
        return moment
    _require(isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63)
    return value


def _require(condition: bool) -> None:
    if not condition:
        raise ValueError("not a cursor value")  # decode() answers it as an invalid cursor


# The last group of the work order (tickets.models.OTHER_RANK; the platform imports no app above it).
LAST_WORK_RANK = 2


def urgency_page(cases: QuerySet, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of cases in the work order (work_rank; sla_due_at, nulls last; then opened_at, pk)."""
    if cursor:
        rank, due, opened, pk = decode(cursor, int, datetime, datetime, int, nullable=frozenset({1}))
        # (opened_at, pk) > (opened, pk), with opened_at >= opened spelled out so that the
        # index on (..., work_rank, sla_due_at, opened_at, id) starts its range there.
        after_in_group = Q(opened_at__gte=opened) & (Q(opened_at__gt=opened) | Q(pk__gt=pk))
        if due is None:
            after_in_rank = Q(sla_due_at__isnull=True) & after_in_group
        else:
            after_in_rank = Q(sla_due_at__gt=due) | Q(sla_due_at=due) & after_in_group | Q(sla_due_at__isnull=True)
        in_rank = Q(work_rank=rank) & after_in_rank
        # In the last group the condition is a plain AND, which the index serves as a range; an
        # OR with the later groups would make PostgreSQL filter every row before the cursor.
        cases = cases.filter(in_rank if rank >= LAST_WORK_RANK else in_rank | Q(work_rank__gt=rank))
    rows = list(cases[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode([last.work_rank, last.sla_due_at, last.opened_at, last.pk])


def time_page(rows: QuerySet, field: str, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """A page of rows in (field, pk) order, for incremental exports."""
    rows = rows.order_by(field, "pk")
    if cursor:
        moment, pk = decode(cursor, datetime, int)
        rows = rows.filter(Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk}))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], encode([getattr(last, field), last.pk])
