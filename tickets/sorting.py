"""The queue's sortable columns: case number, priority, next deadline and last update, each
either way, paged by keyset like the work order (helpdesk.api.pagination.urgency_page), which
stays the default and keeps its index read. Cases with no running deadline sort last either way."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict

from helpdesk.api.pagination import decode, encode
from tickets.models import Case

# key: (label, the expression sorted on, the kind of its value in a cursor)
SORTS: dict[str, tuple[str, Any, type]] = {
    "number": ("Case", None, int),  # numbers are given in order, so the id orders them
    "priority": ("Priority", F("priority__rank"), int),
    "due": ("Next due", None, datetime),
    "updated": ("Updated", F("updated_at"), datetime),
}
_NO_DEADLINE_LATE = datetime(9998, 1, 1, tzinfo=UTC)  # within what a cursor may carry
_NO_DEADLINE_EARLY = datetime(1900, 1, 2, tzinfo=UTC)


def sort_chosen(value: str | None) -> str:
    """A known sort ("due", "-due", ...) or "" for the work order; anything else is the default."""
    return value if value and value.lstrip("-") in SORTS and value.count("-") <= 1 else ""


def sort_headers(query: QueryDict, sort: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the query string its header links to (this order reversed when
    it is the current one, else this column ascending; filters kept, back to the first page) and
    its aria-sort state."""
    headers = {}
    for key in SORTS:
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        chosen = query.copy()
        chosen["sort"] = f"-{key}" if sort == key else key
        chosen.pop("cursor", None)
        headers[key] = {"query": chosen.urlencode(), "state": state}
    return headers


def _expression(key: str, descending: bool) -> Any:
    if key == "due":
        return Coalesce("sla_due_at", _NO_DEADLINE_EARLY if descending else _NO_DEADLINE_LATE)
    return SORTS[key][1]


def sorted_page(cases: QuerySet[Case], sort: str, cursor: str | None, limit: int) -> tuple[list[Case], str | None]:
    """A page of `cases` in the chosen sort (ties by id, the same way), and the next page's cursor."""
    descending, key = sort.startswith("-"), sort.lstrip("-")
    direction = "-" if descending else ""
    after = "lt" if descending else "gt"
    if key == "number":
        cases = cases.order_by(f"{direction}pk")
        if cursor:
            (pk,) = decode(cursor, int)
            cases = cases.filter(**{f"pk__{after}": pk})
        rows = list(cases[: limit + 1])
        return (rows, None) if len(rows) <= limit else (rows[:limit], encode([rows[limit - 1].pk]))
    cases = cases.annotate(sort_value=_expression(key, descending)).order_by(f"{direction}sort_value", f"{direction}pk")
    if cursor:
        value, pk = decode(cursor, SORTS[key][2], int)
        cases = cases.filter(Q(**{f"sort_value__{after}": value}) | Q(sort_value=value, **{f"pk__{after}": pk}))
    rows = list(cases[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    return rows[:limit], encode([last.sort_value, last.pk])  # type: ignore[attr-defined]
