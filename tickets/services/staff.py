"""The tenant's staff, kept by its admins: invite by mail, change a role or shift hours, deactivate.

Nobody is deleted: a deactivated user cannot sign in or be given cases, and every case keeps who
worked it. An invited user has no usable password until they follow the mailed link, which is
Django's password-reset link (so it expires after PASSWORD_RESET_TIMEOUT and works once)."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.messaging.outbox import mail_enqueue
from helpdesk.models import Account, Role, Tenant, User
from helpdesk.roles import ADMIN_ROLES, STAFF_ROLES
from helpdesk.services import setting_change_record
from tickets.models import StaffProfile
from tickets.shifts import DAY_NAMES, check_shift_hours, shift_text

# What an address another tenant's user holds is told: the same as any address that cannot be used.
ADDRESS_UNAVAILABLE = "Cannot be used for a new user: ask for another address."


def _check_admin(actor: User) -> Tenant:
    """The admin's tenant; anyone else is refused."""
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins keep the staff list.")
    return actor.tenant


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise ValidationFailed("Choose a staff role.", errors={"role": ["Choose analyst, manager or admin."]})


def _values(user: User, hours: dict[str, list[list[str]]]) -> dict[str, object]:
    days = [f"{DAY_NAMES[day][:3]} {shift_text(intervals)}" for day, intervals in hours.items() if intervals]
    return {
        "Name": user.full_name,
        "Role": Role(user.role).label,
        "Active": "yes" if user.is_active else "no",
        "Shift hours": "; ".join(days),
    }


@transaction.atomic
def staff_invite(
    *, actor: User, email: str, full_name: str, role: str, shift_hours: dict[str, list[list[str]]] | None = None
) -> User:
    """A new staff user without a password, and a mail with a link to set one."""
    tenant = _check_admin(actor)
    _check_role(role)
    hours = check_shift_hours(shift_hours) if shift_hours else {}
    user = user_invite(tenant=tenant, actor=actor, email=email, full_name=full_name, role=role)
    StaffProfile.objects.create(tenant_id=tenant.pk, user=user, shift_hours=hours)
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="staff",
        label=f"Staff {user.email}",
        after={**_values(user, hours), "Invitation": f"mailed to {user.email}"},
    )
    return user


def user_invite(
    *,
    tenant: Tenant,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    account: Account | None = None,
    role_text: str = "",
    field: str = "email",
) -> User:
    """A new user of `tenant` without a password, mailed a link to choose one: the one invitation
    every kind of user gets (staff, partners, merchant users). A taken address is refused at
    `field`. The caller checks the actor and records the change, in its transaction."""
    email = email.strip().lower()
    try:
        # Addresses are unique across tenants; asking the database to insert is the one check that
        # reads no other tenant's rows (a request sees only its own).
        with transaction.atomic():
            user = User.objects.create_user(
                email, None, tenant=tenant, role=role, account=account, full_name=full_name.strip()
            )
    except IntegrityError:
        raise _address_taken(tenant, email, field) from None
    invitation_mail(tenant, actor, user, role_text=role_text)
    return user


def _address_taken(tenant: Tenant, email: str, field: str) -> ValidationFailed:
    """Why the address cannot be used: a user of this tenant is named (the admin sees them anyway);
    another tenant's user is not even hinted at: the message is the same whoever holds it."""
    own = User.objects.for_tenant(tenant).select_related("account").filter(email=email).first()
    if own is None:
        return ValidationFailed(
            "That e-mail address cannot be used for a new user; ask them for another one.",
            errors={field: [ADDRESS_UNAVAILABLE]},
        )
    what = Role(own.role).label.lower() + (f" of {own.account.name}" if own.account else "")
    return ValidationFailed(
        f"{email} is one of your users already ({what}).", errors={field: [f"Already one of your users: {what}."]}
    )


def invitation_mail(tenant: Tenant, actor: User, user: User, *, role_text: str = "") -> None:
    """Mail `user` (no usable password yet) a link to choose one: Django's password-reset link, so
    it works once and for PASSWORD_RESET_TIMEOUT. `role_text` says what they were added as."""
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "inviter": actor, "role": role_text or Role(user.role).label, "link_path": link}
    mail_enqueue(tenant=tenant, kind="staff_invitation", to=[user.email], context=context)


def staff_invitation_pending(user: User) -> bool:
    """Invited and not yet in: no password chosen and never signed in."""
    return user.last_login is None and not user.has_usable_password()


@transaction.atomic
def staff_invite_again(*, actor: User, user: User) -> User:
    """Mail a fresh set-password link to a staff member who has not chosen a password yet."""
    tenant = _check_admin(actor)
    if user.tenant_id != tenant.pk or not staff_invitation_pending(user) or not user.is_active:
        raise ValidationFailed(
            "Only an active invited member who has not signed in yet gets the invitation again.", errors={}
        )
    invitation_mail(tenant, actor, user)
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="staff",
        label=f"Staff {user.email}",
        before={"Invitation": "mailed"},
        after={"Invitation": "mailed again"},
    )
    return user


@transaction.atomic
def staff_update(
    *, actor: User, user: User, role: str, is_active: bool, shift_hours: dict[str, list[list[str]]]
) -> User:
    """Change a staff member's role, whether they may sign in, and their shift hours."""
    tenant = _check_admin(actor)
    _check_role(role)
    locked = User.objects.for_tenant(tenant).staff().select_for_update().filter(pk=user.pk).first()
    if locked is None:
        raise ValidationFailed("No such staff member.", errors={})
    if locked.pk == actor.pk and (role != locked.role or not is_active):
        raise ValidationFailed(
            "You cannot change your own role or deactivate yourself; ask another admin.",
            errors={"role" if role != locked.role else "is_active": ["Not for your own user."]},
        )
    hours = check_shift_hours(shift_hours) if shift_hours else {}
    profile, _ = StaffProfile.objects.select_for_update().get_or_create(tenant_id=tenant.pk, user=locked)
    before = _values(locked, profile.shift_hours)
    locked.role, locked.is_active = role, is_active
    locked.save(update_fields=["role", "is_active"])
    if profile.shift_hours != hours:
        profile.shift_hours = hours
        profile.save(update_fields=["shift_hours"])
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="staff",
        label=f"Staff {locked.email}",
        before=before,
        after=_values(locked, hours),
    )
    return locked
