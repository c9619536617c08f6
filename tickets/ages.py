"""Age buckets of open cases: the managers' backlog counts them, and the case lists filter by
them (`?age=`), so each backlog figure opens exactly the cases it counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

# (key, label, lower bound of age, upper bound of age or None)
AGE_BUCKETS: tuple[tuple[str, str, timedelta, timedelta | None], ...] = (
    ("under_4h", "Under 4 h", timedelta(0), timedelta(hours=4)),
    ("4h_1d", "4–24 h", timedelta(hours=4), timedelta(days=1)),
    ("1d_3d", "1–3 days", timedelta(days=1), timedelta(days=3)),
    ("3d_7d", "3–7 days", timedelta(days=3), timedelta(days=7)),
    ("7d_30d", "7–30 days", timedelta(days=7), timedelta(days=30)),
    ("over_30d", "Over 30 days", timedelta(days=30), None),
)
AGE_CHOICES = [(key, label) for key, label, *_ in AGE_BUCKETS]


def opened_window(key: str, *, now: datetime) -> Q:
    """Cases opened within the bucket `key`'s ages as of `now` (KeyError for an unknown key)."""
    low, high = next((low, high) for k, _, low, high in AGE_BUCKETS if k == key)
    window = Q(opened_at__lte=now - low)
    if high is not None:
        window &= Q(opened_at__gt=now - high)
    return window
