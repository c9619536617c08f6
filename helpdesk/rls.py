"""PostgreSQL row-level security: the database's own wall between tenants, behind `for_tenant`.

Every tenant-owned table (`helpdesk.tenancy.tenant_owned_tables`) carries the policy
`tenant_isolation`: a row is visible and writable only while the connection's setting
`helpdesk.tenant_id` names its tenant, or while `helpdesk.cross_tenant` is `on`. With neither set,
a query returns no rows and an insert is refused.

- The tenancy layer sets the tenant when it binds a request's scope and clears it when it unbinds
  (`helpdesk.tenancy.bind`), so a reused connection never carries the last request's tenant.
  Celery tasks start and end with both settings cleared (`connect_celery_signals`).
- Work that spans tenants says so, with a reason that is logged: `cross_tenant(reason)`. The
  places that use it are few and listed in one table each: request paths in
  `helpdesk.tenancy.CROSS_TENANT_PATHS` (sign-in, password reset, survey links, the mail
  provider's webhooks, platform superusers), tasks in `CROSS_TENANT_TASKS` and `ROW_TASKS` here,
  and resolving a signed-in user's or API key's scope.
- The policies bind the application's role only: the owner of the tables (the role that runs the
  migrations) bypasses them, as PostgreSQL owners do, and superusers always do. Deployments give
  the web and worker processes a role of their own (`manage.py rls_setup --app-role NAME` grants
  it the data, never the tables), see README "Reliability and security".
- SQLite (`make demo`) has no row-level security: every function here does nothing there.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger("helpdesk.rls")

TENANT_SETTING = "helpdesk.tenant_id"
CROSS_TENANT_SETTING = "helpdesk.cross_tenant"
POLICY = "tenant_isolation"
DEFAULT_APP_ROLE = "helpdesk_app"
# Each setting is read once per query (a scalar subquery is an InitPlan), not once per row.
CONDITION = (
    f"tenant_id = (SELECT NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint)"
    f" OR (SELECT current_setting('{CROSS_TENANT_SETTING}', true)) = 'on'"
)

# Periodic tasks that act on every tenant by design (beat's sweeps and drains, housekeeping).
CROSS_TENANT_TASKS = frozenset(
    {
        "helpdesk.outbox_drain",
        "helpdesk.webhook_drain",
        "helpdesk.idempotency_purge",
        "sla.sweep_warnings",
        "sla.sweep_breaches",
        "sla.sweep_auto_close",
        "surveys.send_reminders",
        "monitoring.sweep_stores",
        "reports.rollup_recent",
        "reports.rollup_account_marks",
    }
)
# Tasks about one row: the row's tenant is looked up (the one cross-tenant read) and set for the task.
ROW_TASKS: dict[str, tuple[str, str]] = {
    "helpdesk.outbox_send": ("helpdesk.OutboxMessage", "message_id"),
    "helpdesk.webhook_deliver": ("helpdesk.WebhookDelivery", "delivery_id"),
    "monitoring.check_store": ("helpdesk.Store", "store_id"),
    "tickets.auto_assign": ("tickets.Case", "case_id"),
}


def active(db: BaseDatabaseWrapper | None = None) -> bool:
    return (db or connection).vendor == "postgresql"


# What this thread or task last set on the connection, so that blocks restore it without asking.
_tenant: contextvars.ContextVar[str] = contextvars.ContextVar("rls_tenant", default="")
_cross: contextvars.ContextVar[str] = contextvars.ContextVar("rls_cross", default="")


def _set(name: str, value: str) -> None:
    tracked = _tenant if name == TENANT_SETTING else _cross
    if value == "" and tracked.get() == "":
        return  # clear already (an anonymous page asks nothing of the database for this)
    tracked.set(value)
    if active():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def set_tenant(tenant_id: int | None) -> None:
    """Make the connection see only this tenant's rows (None: no tenant's)."""
    _set(TENANT_SETTING, "" if tenant_id is None else str(int(tenant_id)))


def connection_opened(sender: Any = None, connection: Any = None, **_: Any) -> None:
    """A new connection carries neither setting: track that (connection_created)."""
    _tenant.set("")
    _cross.set("")


def clear() -> None:
    """Neither a tenant nor cross-tenant work: a query on tenant-owned tables returns no rows.

    Always asks the database (tasks start and end with it), whatever was tracked."""
    _tenant.set("")
    _cross.set("")
    if active():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config(%s, '', false), set_config(%s, '', false)", [TENANT_SETTING, CROSS_TENANT_SETTING]
            )


@contextmanager
def tenant(tenant_id: int | None) -> Iterator[None]:
    """This tenant's rows for the block; the tenant set before it afterwards."""
    before = _tenant.get()
    set_tenant(tenant_id)
    try:
        yield
    finally:
        _set(TENANT_SETTING, before)


@contextmanager
def cross_tenant(reason: str) -> Iterator[None]:
    """Every tenant's rows for the block: the one door for work that spans tenants, logged."""
    if _cross.get() == "on":
        yield
        return
    log.debug("cross-tenant: %s", reason)
    _set(CROSS_TENANT_SETTING, "on")
    try:
        yield
    finally:
        _set(CROSS_TENANT_SETTING, "")


def policy_statements(table: str) -> list[str]:
    quoted = connection.ops.quote_name(table)
    return [
        f"ALTER TABLE {quoted} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY} ON {quoted}",
        f"CREATE POLICY {POLICY} ON {quoted} USING ({CONDITION}) WITH CHECK ({CONDITION})",
    ]


def grant_statements(role: str) -> list[str]:
    quoted = connection.ops.quote_name(role)
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]


def create_role(role: str) -> None:
    """The application role, unless it exists (safe when two processes race to create it)."""
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {quoted} NOLOGIN NOSUPERUSER NOBYPASSRLS;"
            " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def role_exists(role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def install(app_role: str | None = DEFAULT_APP_ROLE) -> list[str]:
    """Policies on every tenant-owned table, and the app role's grants when it exists (idempotent).

    Run by the owner after every `migrate` (post_migrate) and by `manage.py rls_setup`.
    """
    from helpdesk.tenancy import tenant_owned_tables

    if not active():
        return []
    tables = sorted(tenant_owned_tables() & set(connection.introspection.table_names()))
    with connection.cursor() as cursor:
        for table in tables:
            for statement in policy_statements(table):
                cursor.execute(statement)
        if app_role and role_exists(app_role):
            for statement in grant_statements(app_role):
                cursor.execute(statement)
    return tables


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    if sender.name == "helpdesk" and active() and using == "default":
        install()


def _task_started(task: Any = None, args: Any = None, kwargs: dict | None = None, **_: Any) -> None:
    clear()
    name = getattr(task, "name", "")
    if name in CROSS_TENANT_TASKS:
        log.debug("cross-tenant: task %s", name)
        _set(CROSS_TENANT_SETTING, "on")
    elif name in ROW_TASKS:
        set_tenant(_row_tenant(name, list(args or ()), kwargs or {}))


def _row_tenant(name: str, args: list, kwargs: dict) -> int | None:
    from django.apps import apps

    label, argument = ROW_TASKS[name]
    pk = kwargs.get(argument, args[0] if args else None)
    model = apps.get_model(label)
    with cross_tenant(f"the tenant of {label} {pk}"):
        return model.objects.filter(pk=pk).values_list("tenant_id", flat=True).first()


def _task_finished(**_: Any) -> None:
    clear()


def connect_celery_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, weak=False, dispatch_uid="helpdesk.rls.task_started")
    task_postrun.connect(_task_finished, weak=False, dispatch_uid="helpdesk.rls.task_finished")
