"""Replies, internal notes and asking the merchant for information (which pauses the resolution
clock). A merchant's reply to a case waiting on them reopens the conversation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.base import File
from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from sla.models import MetBy, PauseReason
from tickets.models import Case, Channel, Comment, Status
from tickets.services._clock_steps import advance_clocks, meet_first_response, record_met, reply_meets
from tickets.services._common import (
    check_actor,
    illegal,
    lock_case,
    now_or,
    record,
    require_staff,
    require_text,
    save_case,
)
from tickets.services.attachments import attachment_check, attachment_write


@transaction.atomic
def comment_add(
    *,
    case: Case,
    actor: User,
    body: str,
    public: bool = True,
    channel: str = Channel.PORTAL,
    at: datetime | None = None,
    expected_version: int | None = None,
    notify: bool = True,
    sender_email: str = "",
    files: Sequence[File] = (),
) -> Comment:
    """A public reply or an internal note. A merchant's reply to a case waiting on them reopens
    the conversation (→ open); the first public staff reply meets the first-response target
    where the policy says so. `sender_email` names a CC address that wrote on the actor's behalf.
    `files` are attached with it (as public as the message), each checked like `attachment_add`
    before anything is written: one refused file refuses the whole reply."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    check_actor(case, actor)
    checked = [(file, attachment_check(file)) for file in files]
    comment, fields = comment_write(
        case, actor=actor, body=body, public=public, channel=channel, at=at, notify=notify, sender_email=sender_email
    )
    for file, content_type in checked:
        attachment_write(case, actor=actor, file=file, content_type=content_type, public=public, at=at)
    save_case(case, fields, at=at)
    return comment


def comment_write(
    case: Case,
    *,
    actor: User,
    body: str,
    public: bool,
    at: datetime,
    channel: str = Channel.PORTAL,
    notify: bool = True,
    sender_email: str = "",
    move_clocks: bool = True,
) -> tuple[Comment, list[str]]:
    """Add a comment to the locked case and move its status and clocks; returns the case fields
    changed, for the caller's one save (steps that start with a reply share this). Without
    `move_clocks` the caller meets the first response in its own clock step (`reply_meets`)."""
    body = require_text(body, "body", "Write something first.")
    if case.status == Status.CLOSED:
        raise illegal(case, "commented on")
    if not public and not actor.is_support_staff:
        raise ValidationFailed(
            "Internal notes are for support staff.", errors={"public": ["Merchants write public replies."]}
        )
    comment = Comment.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        author=actor,
        body=body,
        is_public=public,
        channel=channel,
        sender_email=sender_email,
        created_at=at,
    )
    fields = []
    if actor.is_support_staff and public:
        record(case, "case.commented", actor=actor, at=at, new={"comment": comment.pk}, notify=notify)
        if case.first_responded_at is None:
            case.first_responded_at = at
            fields.append("first_responded_at")
        if move_clocks:
            record_met(case, meet_first_response(case, MetBy.REPLY, at), at)
            fields.append("sla_due_at")
    elif actor.is_support_staff:
        record(case, "case.noted", actor=actor, at=at, new={"comment": comment.pk})
    else:
        record(case, "case.customer_replied", actor=actor, at=at, new={"comment": comment.pk})
        if case.status == Status.WAITING:
            advance_clocks(case, at=at, resume=True)
            record(
                case,
                "case.status_changed",
                actor=actor,
                at=at,
                old={"status": case.status},
                new={"status": Status.OPEN},
            )
            case.status = Status.OPEN
            fields += ["status", "sla_due_at"]
    return comment, fields


@transaction.atomic
def case_request_information(
    *, case: Case, actor: User, message: str, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    """Ask the merchant for something (a public reply) and wait: the resolution clock pauses."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "ask the merchant for information")
    if case.status not in (Status.NEW, Status.OPEN, Status.REOPENED):
        raise illegal(case, "put on waiting for the customer")
    comment, fields = comment_write(
        case, actor=actor, body=message, public=True, at=at, notify=False, move_clocks=False
    )
    old = case.status
    case.status = Status.WAITING
    record_met(case, advance_clocks(case, at=at, meet=reply_meets(case), pause=PauseReason.WAITING), at)
    save_case(case, {*fields, "status", "sla_due_at"}, at=at)
    record(
        case,
        "case.information_requested",
        actor=actor,
        at=at,
        old={"status": old},
        new={"status": case.status, "comment": comment.pk},
    )
    return case
