"""Inbound mail: a merchant's reply to a case mail becomes a public comment on that case."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from django.db import transaction

from helpdesk.models import Role, User
from tickets.models import Case, Channel, Comment, Status
from tickets.services.lifecycle import comment_add

log = logging.getLogger(__name__)
_QUOTE_HEADER = re.compile(r"^\s*(On .+ wrote:|-----Original Message-----|From: .+)\s*$", re.IGNORECASE)


def strip_quoted(text: str) -> str:
    """The new part of a reply: everything above the quoted original."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_HEADER.match(line) or line.startswith(">"):
            break
        kept.append(line)
    return "\n".join(kept).strip()


@transaction.atomic
def comment_from_email(*, case_id: int, sender: str, text: str, at: datetime | None = None) -> Comment | None:
    """Attach a reply as a comment when its sender is a user of the case's account; refuse and log
    anything else. Returns the comment, or None when refused."""
    case = Case.objects.select_related("tenant").filter(pk=case_id).first()
    if case is None:
        log.warning("inbound mail refused: no case %s (from %s)", case_id, sender)
        return None
    user = (
        User.objects.for_tenant(case.tenant)
        .filter(email__iexact=sender.strip(), account_id=case.account_id, role=Role.MERCHANT, is_active=True)
        .first()
    )
    if user is None:
        log.warning(
            "inbound mail refused: %s is not a user of %s's account (case %s)", sender, case.account_id, case.number
        )
        return None
    body = strip_quoted(text)
    if not body:
        log.info("inbound mail on case %s from %s had no new text", case.number, sender)
        return None
    if case.status == Status.CLOSED:
        log.warning("inbound mail on closed case %s from %s refused", case.number, sender)
        return None
    return comment_add(case=case, actor=user, body=body, public=True, channel=Channel.EMAIL, at=at)
