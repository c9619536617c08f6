"""Tenant admins keep their priority scheme (criteria, flags, order) and their plans (name, order).
Every save records what changed in the settings history, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Max

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.models import Tenant, User
from helpdesk.roles import ADMIN_ROLES
from helpdesk.services import setting_change_record
from tickets.models import Plan, Priority
from tickets.services.presets import priority_cases_rerank

PRIORITY_LABELS = {
    "name": "Name",
    "criteria": "Criteria",
    "worked_first": "Worked ahead of all others",
    "escalate_on_open": "Escalates on opening",
    "must_phone": "Must be phoned in",
    "retired": "Retired",
}
PLAN_LABELS = {"name": "Name", "retired": "Retired"}


def _admin_tenant(actor: User) -> Tenant:
    if actor.tenant is None or actor.role not in ADMIN_ROLES:
        raise PermissionDenied("Only tenant admins keep priorities and plans.")
    return actor.tenant


def _values(row: Priority | Plan | None, labels: dict[str, str]) -> dict[str, object]:
    if row is None:
        return {}
    values = {label: getattr(row, name) for name, label in labels.items()}
    return {label: ("yes" if value is True else "no" if value is False else value) for label, value in values.items()}


def _check_name(model: type[Priority] | type[Plan], tenant: Tenant, row: Priority | Plan, name: str) -> None:
    namesakes = model.objects.for_tenant(tenant).filter(name__iexact=name).exclude(pk=row.pk)
    if namesakes.exists():
        raise ValidationFailed(f"“{name}” exists already.", errors={"name": ["Already in use."]})


def _check_one_offered(model: type[Priority] | type[Plan], tenant: Tenant, row: Priority | Plan) -> None:
    """Retiring the last row still offered would leave new cases (or accounts) nothing to choose."""
    others = model.objects.for_tenant(tenant).filter(retired=False).exclude(pk=row.pk)
    if row.retired and not others.exists():
        what = "priority" if model is Priority else "plan"
        raise ValidationFailed(
            f"Keep at least one {what} offered.", errors={"retired": [f"The only {what} still offered."]}
        )


def _full_clean(row: Priority | Plan) -> None:
    try:
        row.full_clean(exclude=["tenant", "rank"], validate_unique=False)
    except DjangoValidationError as invalid:
        raise ValidationFailed("Not saved.", errors=invalid.message_dict) from None


@transaction.atomic
def priority_save(*, actor: User, priority: Priority | None, fields: dict[str, Any]) -> Priority:
    """Add a priority (least urgent, at the end) or change one; a changed "worked ahead" flag
    moves its open cases in the work order."""
    tenant = _admin_tenant(actor)
    rows = Priority.objects.for_tenant(tenant)
    row = rows.select_for_update().get(pk=priority.pk) if priority else Priority(tenant=tenant)
    before = _values(priority and row, PRIORITY_LABELS)
    was_first = row.worked_first
    for name in PRIORITY_LABELS:
        setattr(row, name, fields[name])
    _check_name(Priority, tenant, row, row.name)
    _check_one_offered(Priority, tenant, row)
    if priority is None:
        row.rank = (rows.aggregate(last=Max("rank"))["last"] or 0) + 1
    _full_clean(row)
    row.save()
    if priority is not None and row.worked_first != was_first:
        priority_cases_rerank(priority=row)
    label = f"Priority {row.name}"
    setting_change_record(
        tenant=tenant, actor=actor, area="priorities", label=label, before=before, after=_values(row, PRIORITY_LABELS)
    )
    return row


@transaction.atomic
def plan_save(*, actor: User, plan: Plan | None, name: str, retired: bool = False) -> Plan:
    tenant = _admin_tenant(actor)
    rows = Plan.objects.for_tenant(tenant)
    row = rows.select_for_update().get(pk=plan.pk) if plan else Plan(tenant=tenant)
    before = _values(plan and row, PLAN_LABELS)
    row.name, row.retired = name.strip(), retired
    _check_name(Plan, tenant, row, row.name)
    _check_one_offered(Plan, tenant, row)
    if plan is None:
        row.rank = (rows.aggregate(last=Max("rank"))["last"] or 0) + 1
    _full_clean(row)
    row.save()
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area="plans",
        label=f"Plan {row.name}",
        before=before,
        after=_values(row, PLAN_LABELS),
    )
    return row


@transaction.atomic
def reference_move(*, actor: User, row: Priority | Plan, up: bool) -> None:
    """Swap a priority or plan with its neighbour above (up) or below, recording the new order."""
    tenant = _admin_tenant(actor)
    model = type(row)
    rows: list[Priority | Plan] = list(model.objects.for_tenant(tenant).select_for_update().order_by("rank", "name"))
    index = next((i for i, r in enumerate(rows) if r.pk == row.pk), None)
    if index is None:
        raise ValidationFailed("No such item.", errors={})
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return
    before = ", ".join(r.name for r in rows)
    rows[index], rows[other] = rows[other], rows[index]
    # Ranks are unique per tenant: park every row above the range, then number them in order.
    top = max(r.rank for r in rows) + len(rows) + 1
    for offset, item in enumerate(rows):
        model.objects.filter(pk=item.pk).update(rank=top + offset)
    for rank, item in enumerate(rows, start=1):
        model.objects.filter(pk=item.pk).update(rank=rank)
    area, label = ("priorities", "Priority order") if model is Priority else ("plans", "Plan order")
    setting_change_record(
        tenant=tenant,
        actor=actor,
        area=area,
        label=label,
        before={"Order": before},
        after={"Order": ", ".join(r.name for r in rows)},
    )
