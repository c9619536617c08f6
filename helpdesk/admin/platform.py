"""Admin for tenants (superusers only) and, scoped per tenant, accounts, stores and users."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from helpdesk.admin.scoping import TenantScopedAdmin, TenantScopedInline, save_inline_rows
from helpdesk.messaging import outbound_http
from helpdesk.models import Account, OutboxMessage, OutboxStatus, PartnerLink, Role, Store, Tenant, User


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "case_number_prefix"]
    search_fields = ["name", "slug"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Case history refuses deletion in the database; offboarding is `manage.py purge_tenant`.
        return False


class StoreForm(forms.ModelForm):
    class Meta:
        model = Store
        fields = ["account", "name", "url", "health_url", "check_interval_seconds", "failure_threshold"]

    def clean_health_url(self) -> str:
        url = self.cleaned_data.get("health_url", "")
        if url:
            try:
                outbound_http.check_url(url)
            except outbound_http.RefusedURL as refusal:
                raise ValidationError(refusal.message) from None
        return url


class StoreInline(TenantScopedInline):
    model = Store
    fields = ["name", "url", "health_url"]


class AccountForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ["slug", "name", "plan", "time_zone", "technical_contact", "cc_addresses", "tenant"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        contact = cleaned.get("technical_contact")
        if self.instance.pk and contact is None:
            self.add_error("technical_contact", "Every account needs one primary technical contact.")
        if contact is not None and (contact.account_id != self.instance.pk or not self.instance.pk):
            self.add_error("technical_contact", "The technical contact must be a merchant user of this account.")
        return cleaned


@admin.register(Account)
class AccountAdmin(TenantScopedAdmin):
    form = AccountForm
    list_display = ["name", "slug", "plan", "technical_contact"]
    list_filter = ["tenant", "plan"]
    search_fields = ["name", "slug"]
    inlines = [StoreInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if "technical_contact" in form.base_fields:
            # The contact is one of the account's own merchant users, never staff or another account's.
            contacts = User.objects.filter(role=Role.MERCHANT, account=obj) if obj else User.objects.none()
            field = form.base_fields["technical_contact"]
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = contacts
        return form

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_inline_rows(form, formset)


@admin.register(Store)
class StoreAdmin(TenantScopedAdmin):
    form = StoreForm
    list_display = ["name", "account", "url", "health_url", "last_status", "consecutive_failures"]
    readonly_fields = ["last_status", "last_checked_at", "last_latency_ms", "consecutive_failures", "outage_open"]
    list_filter = ["tenant"]
    search_fields = ["name", "url"]

    def save_model(self, request: HttpRequest, obj: Store, form: Any, change: bool) -> None:
        obj.tenant_id = obj.account.tenant_id
        super().save_model(request, obj, form, change)


class TenantUserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "tenant", "role", "account", "time_zone", "is_active"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role, account = cleaned.get("role"), cleaned.get("account")
        if not role and not self.instance.is_superuser:
            self.add_error("role", "Choose the user's role.")
        if role == Role.MERCHANT and account is None:
            self.add_error("account", "A merchant user belongs to one account: choose it.")
        if role and role != Role.MERCHANT and account is not None:
            self.add_error("account", "Only merchant users belong to an account; leave it empty for staff.")
        tenant = cleaned.get("tenant")
        if role and "tenant" in self.fields and tenant is None:
            self.add_error("tenant", "A user with a role belongs to a tenant: choose it.")
        if tenant is not None and account is not None and account.tenant_id != tenant.pk:
            self.add_error("account", "The account belongs to another tenant.")
        return cleaned


class UserCreationAdminForm(TenantUserForm):
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    class Meta(TenantUserForm.Meta):
        fields = ["email", "full_name", "tenant", "role", "account"]

    def clean_password2(self) -> str:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data["password2"]
        if first and second and first != second:
            raise ValidationError("The two passwords differ.")
        return second

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


@admin.register(User)
class UserAdmin(TenantScopedAdmin, DjangoUserAdmin):
    list_display = ["email", "full_name", "role", "account", "is_active"]
    list_filter = ["tenant", "role", "is_active"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    form = TenantUserForm
    add_form = UserCreationAdminForm
    fieldsets = [
        (None, {"fields": ["email", "full_name", "time_zone", "is_active"]}),
        ("Role", {"fields": ["tenant", "role", "account"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "tenant", "role", "account", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = ()

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("account")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [(name, {**opts, "fields": [f for f in opts["fields"] if f != "tenant"]}) for name, opts in fieldsets]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(TenantScopedAdmin):
    """Outgoing mail as staff see it: what failed and why, and what the provider reported."""

    list_display = ["created_at", "kind", "subject", "status", "attempts", "delivery_status", "last_error"]
    list_filter = ["tenant", "status", "delivery_status", "kind"]
    search_fields = ["subject", "to"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields if f.name != "tenant"]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Send the selected failed messages again")
    def send_again(self, request: HttpRequest, queryset: Any) -> None:
        count = queryset.filter(status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        self.message_user(
            request, f"{count} message{'s' if count != 1 else ''} queued again; the next drain sends them."
        )


class PartnerLinkForm(forms.ModelForm):
    class Meta:
        model = PartnerLink
        fields = ["user", "account"]

    def clean_user(self) -> User:
        user = self.cleaned_data["user"]
        if user.role != Role.PARTNER:
            raise ValidationError("Only partner users are linked to accounts; a merchant belongs to one.")
        return user


@admin.register(PartnerLink)
class PartnerLinkAdmin(TenantScopedAdmin):
    """Which merchant accounts each partner user works for."""

    form = PartnerLinkForm
    list_display = ["user", "account"]
    list_filter = ["account"]
    search_fields = ["user__email", "account__name"]
