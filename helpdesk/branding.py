"""A tenant's branding: the logo's checks (kind by its bytes, size) and the support numbers' lines."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from helpdesk.validators import size_text

LOGO_MAX_BYTES = 512 * 1024
# Raster kinds only, told by their first bytes (an SVG could carry script; a name proves nothing).
LOGO_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)

# "1-877-282-7436 in the US", "+61 2 9000 0000 (outside the US)": a number, then what it is for.
PHONE_LINE = re.compile(r"^\s*(\+?[\d][\d\s().-]{4,30}\d)\s*(.*?)\s*$")
PHONE_MAX = 6


def logo_content_type(upload: UploadedFile) -> str:
    """The logo's content type by its bytes, or a ValidationError naming what is accepted."""
    if upload.size is not None and upload.size > LOGO_MAX_BYTES:
        raise ValidationError(f"The logo is {size_text(upload.size)}; use one of at most {size_text(LOGO_MAX_BYTES)}.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in LOGO_KINDS:
        if head.startswith(magic):
            return kind
    raise ValidationError("Use a PNG, JPEG or WebP image for the logo.")


def phone_lines(text: str) -> list[str]:
    """The support numbers typed one per line, each a number with an optional label, as stored."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > PHONE_MAX:
        raise ValidationError(f"Give at most {PHONE_MAX} numbers.")
    numbers = []
    for line in lines:
        match = PHONE_LINE.match(line)
        if match is None or len(re.sub(r"\D", "", match.group(1))) < 6:
            raise ValidationError(f"“{line[:60]}” does not start with a phone number such as 1-877-282-7436.")
        label = match.group(2)
        if len(label) > 60:
            raise ValidationError(f"Keep the label of {match.group(1)} under 60 characters.")
        numbers.append(f"{match.group(1)} {label}".strip())
    return numbers
