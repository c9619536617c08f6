"""Django admin scoped by tenant: platform superusers see everything, tenant admins their tenant only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from helpdesk.models import Role


def is_tenant_admin(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and not user.is_superuser and user.role == Role.ADMIN and user.tenant_id is not None


class TenantScopedAdmin(admin.ModelAdmin):
    """Admin for a tenant-owned model. Tenant admins get full rights inside their tenant, none outside."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if is_tenant_admin(request):
            return queryset.filter(tenant_id=request.user.tenant_id)
        return queryset.none()

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            excluded.append("tenant")
        return excluded

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        return filters if request.user.is_superuser else [f for f in filters if f != "tenant"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Choices of related rows stay inside the tenant: no other tenant's accounts, plans or users.
        related = db_field.related_model
        if is_tenant_admin(request) and any(f.name == "tenant" for f in related._meta.get_fields()):
            kwargs["queryset"] = related._default_manager.filter(tenant_id=request.user.tenant_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if is_tenant_admin(request):
            obj.tenant_id = request.user.tenant_id
        super().save_model(request, obj, form, change)

    def _allowed(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or is_tenant_admin(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class TenantScopedInline(admin.TabularInline):
    """Inline rows of a tenant-owned parent: scoped reads, and the parent's tenant on every new row."""

    exclude = ["tenant"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if is_tenant_admin(request):
            return queryset.filter(tenant_id=request.user.tenant_id)
        return queryset.none()

    def _allowed(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or is_tenant_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


def save_inline_rows(form: Any, formset: Any) -> None:
    """Save an inline formset whose rows carry their parent's tenant."""
    for row in formset.save(commit=False):
        row.tenant_id = form.instance.tenant_id
        row.save()
    for row in formset.deleted_objects:
        row.delete()
