"""The inbound-mail handler tickets registers with the platform (`helpdesk.messaging.inbound`): a
reply to case mail, sent to the case's signed reply address, becomes a comment on that case."""

from __future__ import annotations

import logging
from typing import Any

from tickets.notifications import case_from_reply_address
from tickets.services import comment_from_email

log = logging.getLogger(__name__)


def case_reply_receive(message: Any) -> bool:
    """Turn the reply into a comment if it names exactly one case; True once the mail is handled
    (a comment, or a refusal logged by the service)."""
    recipients = [address.addr_spec for address in (message.to or []) + (message.cc or [])]
    case_ids = {case_id for address in recipients if (case_id := case_from_reply_address(address)) is not None}
    sender_address = message.from_email.addr_spec if message.from_email else ""
    if len(case_ids) != 1:
        log.warning("inbound mail from %s refused: no valid case reply address among %s", sender_address, recipients)
        return False
    comment_from_email(case_id=case_ids.pop(), sender=sender_address, text=message.text or "")
    return True
