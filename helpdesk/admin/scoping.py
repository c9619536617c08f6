"""Django admin scoped by tenant: platform superusers see everything, tenant admins their tenant only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpRequest

from helpdesk.models import Role, User


def admin_user(request: HttpRequest) -> User:
    """The admin site's user: Django's admin lets only signed-in staff past its login."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def is_tenant_admin(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and not user.is_superuser and user.role == Role.ADMIN and user.tenant_id is not None


def tenant_choices(request: HttpRequest, model: type[models.Model]) -> models.QuerySet:
    """The rows of `model` a user of the admin may choose: every row for platform superusers,
    the tenant's own for a tenant admin (no other tenant's accounts, plans or users), none else."""
    rows = model._default_manager.all()
    if not any(f.name == "tenant" for f in model._meta.get_fields()):
        return rows
    return tenant_rows(request, rows)


def tenant_rows(request: HttpRequest, rows: models.QuerySet) -> models.QuerySet:
    """Tenant-owned `rows` as the admin's user may see them: all for platform superusers, their
    tenant's for a tenant admin, none for anyone else."""
    if request.user.is_superuser:
        return rows
    return rows.filter(tenant_id=admin_user(request).tenant_id) if is_tenant_admin(request) else rows.none()


def _is_relation(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return bool(field.is_relation)


class TenantRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The admin's filter by a related row, offering only rows the user may choose."""

    def field_choices(  # type: ignore[override]  # Django returns primary keys here, not the str its stubs say
        self, field: Any, request: HttpRequest, model_admin: Any
    ) -> list[tuple[Any, str]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        allowed = tenant_choices(request, field.related_model)
        return [(row.pk, str(row)) for row in allowed.order_by(*ordering)]


class TenantScopedAdmin(admin.ModelAdmin):
    """Admin for a tenant-owned model. Tenant admins get full rights inside their tenant, none outside."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return tenant_rows(request, super().get_queryset(request))

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        excluded = list(super().get_exclude(request, obj) or [])
        if not request.user.is_superuser:
            excluded.append("tenant")
        return excluded

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser:
            return filters
        # A filter by a related row (plan, account, user) lists only the tenant's own rows.
        return [
            (f, TenantRelatedFieldListFilter) if isinstance(f, str) and _is_relation(self.model, f) else f
            for f in filters
            if f != "tenant"
        ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", tenant_choices(request, db_field.related_model))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        kwargs.setdefault("queryset", tenant_choices(request, db_field.related_model))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if is_tenant_admin(request):
            obj.tenant_id = admin_user(request).tenant_id
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
        return tenant_rows(request, super().get_queryset(request))

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
