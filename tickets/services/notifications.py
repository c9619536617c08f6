"""Staff notifications as their recipient handles them: marking read, choosing what comes by mail.

Notifications are created by `tickets.staff_notifications` with the event that causes them; these
services only change the recipient's own rows, so they take the recipient and never a case lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.models import User
from tickets.models import Notification, NotificationKind, StaffProfile
from tickets.services._common import now_or


def _check_recipient(notification: Notification, user: User) -> None:
    if notification.recipient_id != user.pk or notification.tenant_id != user.tenant_id:
        raise NotFound("No such notification.")


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: User, at: datetime | None = None) -> Notification:
    """Mark one of the user's notifications read (again is harmless: the first time is kept)."""
    _check_recipient(notification, user)
    at = now_or(at)
    unread = Notification.objects.filter(tenant_id=_tenant_id(user), pk=notification.pk, read_at__isnull=True)
    if unread.update(read_at=at):
        notification.read_at = at
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: User, at: datetime | None = None) -> int:
    """Mark every unread notification of the user read; returns how many were unread."""
    if user.tenant_id is None:
        return 0
    unread = Notification.objects.filter(tenant_id=_tenant_id(user), recipient=user, read_at__isnull=True)
    return unread.update(read_at=now_or(at))


@transaction.atomic
def notification_mail_set(*, user: User, mail_off: Iterable[str]) -> set[str]:
    """Choose which kinds of notification the user does not want by mail (the bell shows all)."""
    if not user.is_support_staff:
        raise PermissionDenied("Notifications are for support staff.")
    off = set(mail_off)
    unknown = sorted(off - set(NotificationKind.values))
    if unknown:
        raise ValidationFailed(
            f"Unknown notification kinds: {', '.join(unknown)}.", errors={"mail_off": ["Unknown kind."]}
        )
    profile, _ = StaffProfile.objects.get_or_create(tenant_id=_tenant_id(user), user=user)
    profile.mail_off = sorted(off)
    profile.save(update_fields=["mail_off"])
    return off


def _tenant_id(user: User) -> int:
    """The staff user's tenant (platform users have none and get no notifications)."""
    if user.tenant_id is None:
        raise PermissionDenied("Only a tenant's staff have notifications.")
    return user.tenant_id
