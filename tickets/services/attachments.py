"""Attachments: checked by size and by what the bytes are (not what the name says).

Files arrive as file objects (an upload that Django streamed to memory or a temporary file,
or a ContentFile), never as one `bytes`: the size is known before anything is read, the type is
judged from the first bytes, and the content reaches storage chunk by chunk, so an upload costs
the worker a chunk of memory whatever its size.
"""

from __future__ import annotations

import codecs
import secrets
from datetime import datetime

from django.conf import settings
from django.core.files.base import File
from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from helpdesk.validators import size_text
from tickets.models import Attachment, Case, Status
from tickets.services._common import check_actor, illegal, lock_case, now_or, record, save_case

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
# Enough for every signature above; text is then checked over the whole file, chunk by chunk.
_SNIFF_BYTES = 512
_TYPES_MESSAGE = "Only images (PNG, JPEG, GIF), PDF and plain-text files such as logs or CSV can be attached."


def _is_utf8_text(chunks: list[bytes] | File) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks if isinstance(chunks, list) else chunks.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_content_type(data: bytes) -> str | None:
    """The type of an allowed file judged by its bytes: images, PDF, or UTF-8 text (logs, CSV)."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    return "text/plain" if _is_utf8_text([data]) else None


def _file_content_type(file: File) -> str | None:
    """Like sniff_content_type, reading the first bytes for a signature and streaming the rest
    only when it has to be checked as text; the file is left at its start."""
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    is_text = _is_utf8_text(file)
    file.seek(0)
    return "text/plain" if is_text else None


def check_attachment_size(size: int) -> None:
    """Refuse a file by its size alone, before any of it is read."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        message = f"The file is {size_text(size)}; attachments may be up to {size_text(limit)}."
        raise ValidationFailed(message, errors={"file": [message]})
    if not size:
        raise ValidationFailed("The file is empty.", errors={"file": ["Empty file."]})


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    actor: User,
    file: File,
    public: bool = True,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Attachment:
    """Attach `file` (its `name` is the file name shown; its `size` is checked before reading)."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    check_actor(case, actor)
    if case.status == Status.CLOSED:
        raise illegal(case, "given attachments")
    attachment = attachment_write(
        case, actor=actor, file=file, content_type=attachment_check(file), public=public, at=at
    )
    save_case(case, [], at=at)
    return attachment


def attachment_check(file: File) -> str:
    """The type of an acceptable file, or ValidationFailed (at the field `file`) by size or content."""
    check_attachment_size(file.size)
    content_type = _file_content_type(file)
    if content_type is None:
        raise ValidationFailed(_TYPES_MESSAGE, errors={"file": [_TYPES_MESSAGE]})
    return content_type


def attachment_write(
    case: Case, *, actor: User, file: File, content_type: str, public: bool, at: datetime
) -> Attachment:
    """Store a checked file on the locked case and record it in the history; the caller saves the
    case (a reply with files shares its one save)."""
    if not public and not actor.is_support_staff:
        public = True  # merchants' files are always visible to them
    name = (file.name or "attachment").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(
        tenant_id=case.tenant_id,
        case=case,
        uploaded_by=actor,
        token=secrets.token_hex(16),
        filename=name,
        content_type=content_type,
        size=file.size,
        is_public=public,
        created_at=at,
    )
    attachment.file.save(attachment.token, file, save=False)
    attachment.save()
    record(
        case,
        "attachment.added",
        actor=actor,
        at=at,
        new={"attachment": attachment.pk, "filename": name, "public": public},
    )
    return attachment
