"""A signed-in user's own profile: display name, time zone and, for analysts and managers, their
weekly shift hours (read by tickets.shifts for auto-assignment, the on-shift dot and hand-offs)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import User
from helpdesk.roles import SHIFT_ROLES
from helpdesk.validators import validate_time_zone
from tickets.models import StaffProfile
from tickets.shifts import check_shift_hours


@transaction.atomic
def profile_update(
    *, user: User, full_name: str, time_zone: str, shift_hours: dict[str, list[list[str]]] | None = None
) -> User:
    """Save the user's own name and zone (empty: the account's or tenant's), and their shift hours
    when they work shifts (None leaves them as they are; {} means no shift hours)."""
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationFailed("Give the name others see.", errors={"full_name": ["Give the name others see."]})
    if len(full_name) > 150:
        raise ValidationFailed("The name is too long.", errors={"full_name": ["At most 150 characters."]})
    time_zone = (time_zone or "").strip()
    if time_zone:
        try:
            validate_time_zone(time_zone)
        except ValidationError as error:
            raise ValidationFailed(error.messages[0], errors={"time_zone": error.messages}) from None
    user.full_name, user.time_zone = full_name, time_zone
    user.save(update_fields=["full_name", "time_zone"])
    if shift_hours is not None:
        _save_shift_hours(user, shift_hours)
    return user


def _save_shift_hours(user: User, hours: dict[str, list[list[str]]]) -> None:
    if user.role not in SHIFT_ROLES or user.tenant_id is None:
        raise PermissionDenied("Shift hours are for analysts and managers.")
    worked = {day: intervals for day, intervals in hours.items() if intervals}
    try:
        checked = check_shift_hours(worked) if worked else {}
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], errors={"shift_hours": error.messages}) from None
    profile, _ = StaffProfile.objects.get_or_create(tenant_id=user.tenant_id, user=user)
    profile.shift_hours = checked
    profile.save(update_fields=["shift_hours"])
