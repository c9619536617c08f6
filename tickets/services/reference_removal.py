"""Tenant admins remove a priority, a plan or a store nothing refers to any more.

A removal is refused, with every reason, while anything still names the row: cases (their
history must stay readable, so a priority or plan a case ever had is never deleted), SLA policy
versions, accounts on a plan, alert routes. The refusal says what to do instead. A removal is
recorded in the settings history in the same transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import Store, Tenant, User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.services import setting_change_record
from helpdesk.tenancy import Scope
from tickets.models import Plan, Priority
from tickets.settings_selectors import plan_uses, priority_uses, store_uses

INSTEAD = {
    "priority": "Retire it instead (Change, then tick “Retired”): cases at it keep it, new cases cannot choose it.",
    "plan": "Retire it instead (Change, then tick “Retired”): accounts and cases on it keep it, no other account "
    "can be moved onto it. Move its accounts to another plan on their pages.",
    "store": "Keep it and stop its monitoring instead: empty its health-check URL.",
}


def _admin_scope(actor: User) -> Scope:
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins remove priorities, plans and stores.")
    return Scope(tenant=actor.tenant, user=actor, account=None)


def _refuse_in_use(kind: str, name: str, uses: list[str]) -> None:
    if uses:
        raise ValidationFailed(
            f"{name} is in use and stays. {INSTEAD[kind]}", errors={"uses": uses, "instead": [INSTEAD[kind]]}
        )


def _delete(rows: QuerySet[Any]) -> None:
    """Delete a row found unused, without Django's collector (which reads every related table
    without a tenant condition); the database's foreign keys still refuse anything missed."""
    rows._raw_delete(rows.db)


def _renumber(model: type[Priority] | type[Plan], tenant: Tenant) -> None:
    """Close the gap a removed row leaves (ranks are unique per tenant: park, then number)."""
    rows: list[Priority | Plan] = list(model.objects.for_tenant(tenant).select_for_update().order_by("rank", "name"))
    top = max((row.rank for row in rows), default=0) + len(rows) + 1
    for offset, row in enumerate(rows):
        model.objects.filter(pk=row.pk).update(rank=top + offset)
    for rank, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(rank=rank)


@transaction.atomic
def priority_remove(*, actor: User, priority: Priority) -> None:
    scope = _admin_scope(actor)
    locked = Priority.objects.for_tenant(scope.tenant).select_for_update().filter(pk=priority.pk).first()
    if locked is None:
        raise ValidationFailed("No such priority.", errors={})
    _refuse_in_use("priority", f"Priority {locked.name}", priority_uses(scope=scope, priority=locked))
    before = {"Name": locked.name, "Criteria": locked.criteria}
    _delete(Priority.objects.for_tenant(scope.tenant).filter(pk=locked.pk))
    _renumber(Priority, scope.tenant)
    setting_change_record(
        tenant=scope.tenant, actor=actor, area="priorities", label=f"Priority {before['Name']}", before=before
    )


@transaction.atomic
def plan_remove(*, actor: User, plan: Plan) -> None:
    scope = _admin_scope(actor)
    locked = Plan.objects.for_tenant(scope.tenant).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        raise ValidationFailed("No such plan.", errors={})
    _refuse_in_use("plan", f"Plan {locked.name}", plan_uses(scope=scope, plan=locked))
    name = locked.name
    _delete(Plan.objects.for_tenant(scope.tenant).filter(pk=locked.pk))
    _renumber(Plan, scope.tenant)
    setting_change_record(tenant=scope.tenant, actor=actor, area="plans", label=f"Plan {name}", before={"Name": name})


@transaction.atomic
def store_remove(*, actor: User, store: Store) -> None:
    scope = _admin_scope(actor)
    rows = Store.objects.for_tenant(scope.tenant).select_related("account")
    locked = rows.select_for_update(of=("self",)).filter(pk=store.pk).first()
    if locked is None:
        raise ValidationFailed("No such store.", errors={})
    _refuse_in_use("store", f"Store {locked.name}", store_uses(scope=scope, store=locked))
    before = {"Name": locked.name, "URL": locked.url, "Health-check URL": locked.health_url}
    account_name = locked.account.name
    _delete(Store.objects.for_tenant(scope.tenant).filter(pk=locked.pk))
    setting_change_record(
        tenant=scope.tenant,
        actor=actor,
        area="accounts",
        label=f"Store {before['Name']} of {account_name}",
        before=before,
    )
