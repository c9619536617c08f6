"""Saved replies: managers and tenant admins keep the tenant's list."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import User
from helpdesk.roles import MANAGING_ROLES
from tickets.models import CannedFollowUp, CannedReply
from tickets.services._common import require_text


def _check_manager(actor: User) -> None:
    if actor.tenant_id is None or actor.role not in MANAGING_ROLES:
        raise PermissionDenied("Only support managers and tenant admins keep the saved replies.")


@transaction.atomic
def canned_reply_save(
    *, actor: User, title: str, body: str, follow_up: str = "", reply: CannedReply | None = None
) -> CannedReply:
    """Add a saved reply to the actor's tenant, or change `reply`."""
    _check_manager(actor)
    if reply is not None and reply.tenant_id != actor.tenant_id:
        raise NotFound("No such saved reply.")
    title = require_text(title, "title", "Give the reply a title.")[:120]
    body = require_text(body, "body", "Write the reply.")
    if follow_up not in CannedFollowUp.values:
        raise ValidationFailed("Unknown follow-up.", errors={"follow_up": ["Unknown follow-up."]})
    if actor.tenant_id is None:
        raise PermissionDenied("Only a tenant's staff keep saved replies.")
    reply = reply or CannedReply(tenant_id=actor.tenant_id)
    reply.title, reply.body, reply.follow_up = title, body, follow_up
    reply.updated_by, reply.updated_at = actor, timezone.now()
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise ValidationFailed(
            f"There is a saved reply called “{title}” already.", errors={"title": ["Already in use."]}
        ) from None
    return reply


@transaction.atomic
def canned_reply_delete(*, actor: User, reply: CannedReply) -> None:
    _check_manager(actor)
    if reply.tenant_id != actor.tenant_id:
        raise NotFound("No such saved reply.")
    CannedReply.objects.filter(tenant_id=actor.tenant_id, pk=reply.pk).delete()
