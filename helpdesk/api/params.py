"""Values taken from request parameters (form fields, query strings) by pages and the API alike:
ids, yes/no flags, instants, and a page's size.

A value that cannot be one is the client's mistake, answered with a 400 that names the field
(pages show it as an error, the API in its error format), never a database error.
"""

from __future__ import annotations

from datetime import UTC, datetime

from helpdesk.errors import ValidationFailed

_LARGEST_ID = 2**63 - 1  # bigint
MAX_LIMIT = 200  # rows in one page of a list


def id_param(raw: object, *, field: str) -> int:
    """The id in `raw`, or ValidationFailed naming `field`."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= _LARGEST_ID:
        raise ValidationFailed(f"“{field}” must name one of the listed items.", errors={field: ["Not a valid id."]})
    return int(text)


def parse_bool(raw: str | None, name: str) -> bool | None:
    if raw in (None, ""):
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise ValidationFailed(f"{name} must be true or false.", errors={name: ["Use true or false."]})


def parse_time(raw: str | None, name: str) -> datetime | None:
    """An ISO 8601 time with an offset, in UTC; years 1900–9998 (what the database can compare)."""
    if not raw:
        return None
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(raw.replace(" ", "+"))
        moment = moment.astimezone(UTC) if moment.tzinfo else None
    except (ValueError, OverflowError):
        moment = None
    if moment is None or not 1900 <= moment.year <= 9998:
        raise ValidationFailed(
            f"{name} must be an ISO 8601 time with an offset, e.g. 2026-11-24T14:00:00+11:00.",
            errors={name: ["Invalid time."]},
        )
    return moment


def limit_from(raw: str | None, default: int = 50) -> int:
    if raw in (None, ""):
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit must be a whole number from 1 to {MAX_LIMIT}.", errors={"limit": ["Out of range."]}
        )
    return int(raw)
