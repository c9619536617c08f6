"""How a tenant's queue is worked: automatic assignment, the on-call and team addresses."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.services import setting_change_record
from tickets.models import QueueSettings


def _values(settings: QueueSettings) -> dict[str, object]:
    return {
        "Automatic assignment": "on" if settings.auto_assign else "off",
        "On-call address": settings.on_call_email,
        "Team address": settings.team_email,
    }


@transaction.atomic
def queue_settings_update(*, actor: User, auto_assign: bool, on_call_email: str, team_email: str) -> QueueSettings:
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins change how the queue is worked.")
    tenant = actor.tenant
    QueueSettings.objects.get_or_create(tenant=tenant)  # the tenant's one row (a unique constraint)
    settings = QueueSettings.objects.for_tenant(tenant).select_for_update().get()
    before = _values(settings)
    settings.auto_assign, settings.on_call_email, settings.team_email = auto_assign, on_call_email, team_email
    try:
        settings.full_clean(exclude=["tenant"], validate_unique=False)
    except DjangoValidationError as invalid:
        raise ValidationFailed("The queue settings were not saved.", errors=invalid.message_dict) from None
    settings.save()
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="assignment",
        label="Assignment and on-call",
        before=before,
        after=_values(settings),
    )
    return settings
