"""Users, who sign in with an e-mail address, and their roles."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from helpdesk.models.tenants import Account, Tenant
from helpdesk.roles import STAFF_ROLES, Role
from helpdesk.tenancy import TenantOwned, TenantQuerySet
from helpdesk.validators import validate_time_zone


class UserQuerySet(TenantQuerySet):
    def staff(self) -> UserQuerySet:
        return self.filter(role__in=STAFF_ROLES)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_superuser=True, tenant=None, role="", account=None)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Belongs to one tenant, except platform superusers."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    time_zone = models.CharField(
        max_length=64, blank=True, validators=[validate_time_zone], help_text="Empty: the account's or tenant's."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    account_scope_field = "account"

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.MERCHANT) & Q(account__isnull=False))
                | (~Q(role=Role.MERCHANT) & Q(account__isnull=True)),
                name="user_merchant_has_account",
            ),
            models.CheckConstraint(
                condition=(Q(tenant__isnull=True) & Q(role="") & Q(is_superuser=True))
                | (Q(tenant__isnull=False) & ~Q(role="")),
                name="user_tenant_role_or_platform_superuser",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Django admin access: platform superusers and tenant admins (scoped to their tenant)."""
        return self.is_active and (self.is_superuser or self.role == Role.ADMIN)

    @property
    def is_support_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_merchant(self) -> bool:
        return self.role == Role.MERCHANT

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class PartnerLink(TenantOwned):
    """A partner user (an agency or integrator) working for one merchant account of its tenant."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="partner_links")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="partner_links")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    account_scope_field = "account"

    class Meta:
        ordering = ["account__name"]
        constraints = [models.UniqueConstraint(fields=["user", "account"], name="partner_link_unique")]

    def __str__(self) -> str:
        return f"{self.user} for {self.account}"
