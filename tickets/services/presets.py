"""Applying a seed preset: the tenant's plans and priorities (tickets' reference data), then the
calendars and SLA targets for them (sla), in one transaction."""

from __future__ import annotations

from django.db import transaction

from helpdesk.models import Tenant, User
from sla.models import SlaPolicy
from sla.presets import Preset
from sla.services import preset_targets_apply
from tickets.models import ACTIVE_STATUSES, OTHER_RANK, WORKED_FIRST_RANK, Case, Plan, Priority


@transaction.atomic
def preset_apply(*, tenant: Tenant, preset: Preset, actor: User | None = None) -> SlaPolicy:
    """Give a tenant the preset's plans, priorities, calendars and SLA targets.

    Idempotent: rows that exist already (matched by name) are updated only where they differ, and
    a policy version is published only when the targets differ from the current version.
    """
    plans = {
        name: Plan.objects.for_tenant(tenant).update_or_create(tenant=tenant, name=name, defaults={"rank": rank})[0]
        for rank, name in enumerate(preset.plans, start=1)
    }
    priorities = {}
    for rank, level in enumerate(preset.priorities, start=1):
        priorities[level.name], _ = Priority.objects.for_tenant(tenant).update_or_create(
            tenant=tenant,
            name=level.name,
            defaults={
                "rank": rank,
                "criteria": level.criteria,
                "must_phone": level.must_phone,
                "escalate_on_open": level.escalate_on_open,
                "worked_first": level.worked_first,
            },
        )
        priority_cases_rerank(priority=priorities[level.name])
    return preset_targets_apply(tenant=tenant, preset=preset, plans=plans, priorities=priorities, actor=actor)


def priority_cases_rerank(*, priority: Priority) -> int:
    """Move a priority's open cases to their work-order group after its "worked ahead of all
    others" flag was set or cleared (a sort column, not a change of the cases: no event)."""
    rank = WORKED_FIRST_RANK if priority.worked_first else OTHER_RANK
    cases = Case.objects.filter(tenant_id=priority.tenant_id, priority=priority, status__in=ACTIVE_STATUSES)
    return cases.exclude(work_rank=rank).update(work_rank=rank)
