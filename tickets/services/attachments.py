"""Attachments: checked by size and by what the bytes are (not what the name says)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from tickets.models import Attachment, Case, Status
from tickets.services._common import check_actor, illegal, lock_case, now_or, record, save_case

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]


def sniff_content_type(data: bytes) -> str | None:
    """The type of an allowed file judged by its bytes: images, PDF, or UTF-8 text (logs, CSV)."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain"


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    actor: User,
    filename: str,
    data: bytes,
    public: bool = True,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Attachment:
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    check_actor(case, actor)
    if case.status == Status.CLOSED:
        raise illegal(case, "given attachments")
    limit = settings.ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        message = f"The file is {_size(len(data))}; attachments may be up to {_size(limit)}."
        raise ValidationFailed(message, errors={"file": [message]})
    if not data:
        raise ValidationFailed("The file is empty.", errors={"file": ["Empty file."]})
    content_type = sniff_content_type(data)
    if content_type is None:
        message = "Only images (PNG, JPEG, GIF), PDF and plain-text files such as logs or CSV can be attached."
        raise ValidationFailed(message, errors={"file": [message]})
    if not public and not actor.is_support_staff:
        public = True  # merchants' files are always visible to them
    name = (filename or "attachment").replace("/", "_").replace("\\", "_")[-200:]
    attachment = Attachment(
        tenant_id=case.tenant_id,
        case=case,
        uploaded_by=actor,
        token=secrets.token_hex(16),
        filename=name,
        content_type=content_type,
        size=len(data),
        is_public=public,
        created_at=at,
    )
    attachment.file.save(attachment.token, ContentFile(data), save=False)
    attachment.save()
    save_case(case, [], at=at)
    record(
        case,
        "attachment.added",
        actor=actor,
        at=at,
        new={"attachment": attachment.pk, "filename": name, "public": public},
    )
    return attachment
