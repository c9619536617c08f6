"""Values taken from request parameters (form fields, query strings) that name a row by its id.

A value that cannot be an id is the client's mistake, answered with a 400 that names the field
(pages show it as an error, the API in its error format), never a database error.
"""

from __future__ import annotations

from helpdesk.errors import ValidationFailed

_LARGEST_ID = 2**63 - 1  # bigint


def id_param(raw: object, *, field: str) -> int:
    """The id in `raw`, or ValidationFailed naming `field`."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= _LARGEST_ID:
        raise ValidationFailed(f"“{field}” must name one of the listed items.", errors={field: ["Not a valid id."]})
    return int(text)
