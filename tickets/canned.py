"""Saved replies' placeholders, filled in for one case.

A placeholder is a name in braces; only the names below are replaced, by plain text substitution
(never `str.format`, so braces in a reply or a merchant's name cannot reach anything else). The
result is plain text: pages escape it when they show it, like any text a person typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tickets.models import Case
from tickets.notifications import merchant_zone

PLACEHOLDERS: dict[str, tuple[str, Callable[[Case], str]]] = {
    "merchant_name": ("The requester's name", lambda case: case.requester.get_full_name()),
    "case_number": ("The case number", lambda case: case.number),
    "case_subject": ("The case's subject", lambda case: case.subject),
    "next_deadline": (
        "The next running deadline, in the merchant's time zone",
        lambda case: (
            case.sla_due_at.astimezone(merchant_zone(case)).strftime("%A %d %B %Y, %H:%M %Z")
            if case.sla_due_at
            else "no committed time"
        ),
    ),
    "support_numbers": (
        "The support phone numbers",
        lambda case: " or ".join(case.tenant.support_phone_numbers or []) or "our support line",
    ),
}


TOKEN = re.compile(r"\{(\w+)\}")


def fill(body: str, *, case: Case) -> str:
    """The reply's text for this case: every known {placeholder} replaced in one pass, so a value
    that itself contains braces (a merchant called "{case_number}") is never filled in again."""

    def value(match: re.Match[str]) -> str:
        known = PLACEHOLDERS.get(match.group(1))
        return known[1](case) if known else match.group(0)

    return TOKEN.sub(value, body)
