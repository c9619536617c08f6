"""Offboarding: delete every row a tenant owns, and its stored files, and nothing of anyone else.

Case history is protected in PostgreSQL (tickets.models: cases cannot be deleted, case events
cannot be changed or deleted). This is the one path that lifts that protection, for the tables of
one tenant, inside one transaction; `manage.py purge_tenant` is its only caller.
"""

from __future__ import annotations

import graphlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pgtrigger
from django.apps import apps
from django.core.files.storage import Storage
from django.db import connection, models, transaction

log = logging.getLogger("helpdesk.purge")

# The history triggers this module may pass (uri "app_label.Model:trigger_name").
HISTORY_TRIGGERS = ("tickets.Case:case_no_delete", "tickets.CaseEvent:case_event_append_only")


@contextmanager
def history_protection_lifted() -> Iterator[None]:
    """Let this thread's statements through the history triggers (a transaction-local setting)."""
    with pgtrigger.ignore(*HISTORY_TRIGGERS):
        yield


@dataclass
class PurgeResult:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows deleted
    files: int = 0


def _tenant_model() -> type[models.Model]:
    return apps.get_model("helpdesk", "Tenant")


def _is_tenant_owned(model: type[models.Model]) -> bool:
    try:
        tenant_field = model._meta.get_field("tenant")
    except Exception:
        return False
    return getattr(tenant_field, "related_model", None) is _tenant_model()


def _deletion_order(owned: list[type[models.Model]]) -> list[type[models.Model]]:
    """Rows that point at others first. Only required (NOT NULL) references order the tables;
    nullable ones can form cycles (an account's contact is its user) and PostgreSQL checks
    Django's foreign keys at commit (DEFERRABLE INITIALLY DEFERRED) anyway."""
    owned_set = set(owned)
    sorter: graphlib.TopologicalSorter[type[models.Model]] = graphlib.TopologicalSorter()
    for model in owned:
        sorter.add(model)
        for fk in model._meta.concrete_fields:
            target = getattr(fk, "related_model", None)
            if fk.is_relation and target in owned_set and target is not model and not fk.null:
                # The target is deleted after the model that references it.
                sorter.add(target, model)
    return list(sorter.static_order())


@dataclass(frozen=True)
class _Reference:
    table: str
    column: str
    target: type[models.Model]


def _dependents_outside(owned: list[type[models.Model]]) -> list[_Reference]:
    """Tables without a tenant column that reference tenant rows: sign-in history (admin log),
    user groups and permissions. Their rows go with the tenant rows they point at."""
    owned_set = set(owned) | {_tenant_model()}
    return [
        _Reference(model._meta.db_table, fk.column, fk.related_model)
        for model in apps.get_models(include_auto_created=True)
        if model not in owned_set
        for fk in model._meta.concrete_fields
        if fk.is_relation and fk.column and isinstance(fk.related_model, type) and fk.related_model in owned_set
    ]


def _stored_files(owned: list[type[models.Model]], tenant_id: int) -> list[tuple[Storage, str]]:
    files = []
    for model in owned:
        for file_field in model._meta.concrete_fields:
            if isinstance(file_field, models.FileField):
                names = model._base_manager.filter(tenant_id=tenant_id).exclude(**{file_field.attname: ""})
                files += [(file_field.storage, name) for name in names.values_list(file_field.attname, flat=True)]
    return files


def _delete(table: str, where: str, params: list[int]) -> int:
    # Identifiers come from the models' metadata and are quoted; the only value is a parameter.
    sql = "DELETE FROM %s WHERE %s" % (connection.ops.quote_name(table), where)  # noqa: S608, UP031  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _ids_of_tenant(model: type[models.Model]) -> str:
    qn = connection.ops.quote_name
    # Identifiers from the models' metadata, quoted; the tenant id is left as a parameter.
    pk = model._meta.pk
    if pk is None or not pk.column:
        raise ValueError(f"{model.__name__} has no primary key column")
    columns = (qn(pk.column), qn(model._meta.db_table))
    return "SELECT %s FROM %s WHERE tenant_id = %%s" % columns  # noqa: S608, UP031  # nosec B608


def tenant_purge(*, tenant_id: int) -> PurgeResult:
    """Delete the tenant, every row of every tenant-owned table, and their stored files.

    Raw DELETEs by tenant_id, not the ORM's collector: the collector follows PROTECT references
    between rows that are all going anyway (a case protects its account) and refuses.
    """
    qn = connection.ops.quote_name
    tenant_model = _tenant_model()
    owned = [model for model in apps.get_models(include_auto_created=True) if _is_tenant_owned(model)]
    result = PurgeResult()
    files = _stored_files(owned, tenant_id)
    with transaction.atomic(), history_protection_lifted():
        for ref in _dependents_outside(owned):
            if ref.target is tenant_model:
                count = _delete(ref.table, f"{qn(ref.column)} = %s", [tenant_id])
            else:
                count = _delete(ref.table, f"{qn(ref.column)} IN ({_ids_of_tenant(ref.target)})", [tenant_id])
            result.rows[ref.table] = result.rows.get(ref.table, 0) + count
        for model in _deletion_order(owned):
            result.rows[model._meta.db_table] = _delete(model._meta.db_table, "tenant_id = %s", [tenant_id])
        tenant_table = tenant_model._meta.db_table
        result.rows[tenant_table] = _delete(tenant_table, "id = %s", [tenant_id])

        def delete_files() -> None:
            for storage, name in files:
                try:
                    storage.delete(name)
                except Exception:  # the rows are gone; a file left behind is logged for a manual sweep
                    log.exception("purge: could not delete stored file %s", name)

        # Files go only once the rows are gone for good: a failed purge rolls back and keeps both.
        transaction.on_commit(delete_files)
    result.files = len(files)
    return result
