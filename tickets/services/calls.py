"""Phone calls on an existing case: staff log a call they made or took, publicly or staff-only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from tickets.models import Case, Channel, Comment, Status
from tickets.services._common import illegal, lock_case, now_or, record, require_staff, require_text, save_case


class CallDirection:
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    LABELS = {INBOUND: "Inbound call from", OUTBOUND: "Outbound call to"}


MAX_MINUTES = 24 * 60


def _check_call(direction: str, called_at: datetime, minutes: int, at: datetime) -> None:
    if direction not in CallDirection.LABELS:
        raise ValidationFailed("Say whether you made or took the call.", errors={"direction": ["Unknown."]})
    if called_at.tzinfo is None or called_at > at + timedelta(minutes=5):
        raise ValidationFailed("A call is logged after it happened.", errors={"called_at": ["In the future."]})
    if not 0 <= minutes <= MAX_MINUTES:
        raise ValidationFailed(
            f"A call lasts 0 to {MAX_MINUTES} minutes.", errors={"duration_minutes": ["Out of range."]}
        )


@transaction.atomic
def case_log_call(
    *,
    case: Case,
    actor: User,
    direction: str,
    contact: str,
    called_at: datetime,
    duration_minutes: int,
    summary: str,
    public: bool = True,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Comment:
    """Record a phone call on the case as a phone-channel comment (public: the merchant sees it;
    otherwise staff-only) with who, when and how long in its event."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "log calls")
    if case.status == Status.CLOSED:
        raise illegal(case, "given a call log")
    contact = require_text(contact, "contact", "Say who was on the call.")[:200]
    summary = require_text(summary, "summary", "Summarise the call.")
    _check_call(direction, called_at, duration_minutes, at)
    heading = f"{CallDirection.LABELS[direction]} {contact} ({duration_minutes} min)"
    comment = Comment.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        author=actor,
        body=f"{heading}:\n{summary}",
        is_public=public,
        channel=Channel.PHONE,
        created_at=called_at,
    )
    new = {
        "comment": comment.pk,
        "direction": direction,
        "contact": contact,
        "called_at": called_at.isoformat(),
        "duration_minutes": duration_minutes,
        "public": public,
    }
    record(case, "case.call_logged", actor=actor, at=at, new=new)
    save_case(case, [], at=at)
    return comment
