"""Field validators shared by the platform's models and forms."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{value}” is not an IANA time zone such as Australia/Sydney.") from None


def validate_email_list(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Enter a list of e-mail addresses.")
    for item in value:
        if not isinstance(item, str):
            raise ValidationError("Enter a list of e-mail addresses.")
        try:
            validate_email(item)
        except ValidationError:
            raise ValidationError(f"“{item}” is not a valid e-mail address.") from None


def validate_phone_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise ValidationError("Enter a list of phone numbers as text.")


def size_text(n: int) -> str:
    """A byte count as the refusals of too-large uploads and requests word it: 1.5 MB, 300 KB."""
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"
