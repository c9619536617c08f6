"""Inbound mail: a merchant's reply to a case mail becomes a public comment on that case."""

from __future__ import annotations

import logging
import re
from datetime import datetime

from django.db import transaction

from helpdesk.models import Role, User
from tickets.models import Case, Channel, Comment, Status
from tickets.services.conversation import comment_add

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
    """Attach a reply as a public comment when its sender is a user of the case's account, or one
    of the case's or the account's CC addresses; refuse and log anything else. Returns the
    comment, or None when refused."""
    case = Case.objects.select_related("tenant", "account").filter(pk=case_id).first()
    if case is None:
        log.warning("inbound mail refused: no case %s (from %s)", case_id, sender)
        return None
    author, on_behalf_of = _reply_author(case, sender.strip())
    if author is None:
        log.warning(
            "inbound mail refused: %s is neither a user of %s's account nor one of its CC addresses (case %s)",
            sender,
            case.account_id,
            case.number,
        )
        return None
    body = strip_quoted(text)
    if not body:
        log.info("inbound mail on case %s from %s had no new text", case.number, sender)
        return None
    if case.status == Status.CLOSED:
        log.warning("inbound mail on closed case %s from %s refused", case.number, sender)
        return None
    return comment_add(
        case=case, actor=author, body=body, public=True, channel=Channel.EMAIL, at=at, sender_email=on_behalf_of
    )


def _reply_author(case: Case, sender: str) -> tuple[User | None, str]:
    """Who a reply is recorded under, and the CC address it came from when that is not the author's.

    A CC address (e.g. a distribution list) has no sign-in, and a comment needs a user: its reply
    is recorded under the account's technical contact, the one person who answers for the
    account's case mail, with the real sender kept on the comment and shown with it. An address
    that is a sign-in of this tenant speaks only for itself: staff and other accounts' users are
    refused even when listed as CC."""
    if not sender:
        return None, ""
    users = User.objects.for_tenant(case.tenant)
    user = users.filter(email__iexact=sender).first()
    if user is not None:
        is_merchant_here = user.is_active and user.role == Role.MERCHANT and user.account_id == case.account_id
        return (user if is_merchant_here else None), ""
    cc = {address.lower() for address in [*case.cc_emails, *case.account.cc_addresses]}
    if sender.lower() not in cc:
        return None, ""
    contact = users.filter(pk=case.account.technical_contact_id, account_id=case.account_id, is_active=True).first()
    return contact, sender.lower() if contact else ""
