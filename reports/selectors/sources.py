"""The source rows one day's roll-up is counted from (reports.services.rollup_day)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime

from django.db.models import Count, Q

from helpdesk.models import Tenant
from sla.models import CasePause, SlaClock
from surveys.models import SurveyInvitation, SurveyResponse


def decided_clocks(*, tenant: Tenant, start: datetime, end: datetime) -> list[SlaClock]:
    """Clocks met or breached in [start, end), with their case's priority and plan and their
    calendar (two partial indexes: clock_met_day, clock_breached_day)."""
    met = Q(met_at__gte=start, met_at__lt=end)
    breached = Q(breached_at__gte=start, breached_at__lt=end)
    return list(SlaClock.objects.for_tenant(tenant).filter(met | breached).select_related("calendar", "case"))


def pauses_of(*, tenant: Tenant, case_ids: Collection[int]) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """The pauses of these cases, (start, end or None) per case."""
    found: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    if not case_ids:
        return found
    rows = CasePause.objects.for_tenant(tenant).filter(case_id__in=case_ids).order_by("started_at")
    for case_id, started, ended in rows.values_list("case_id", "started_at", "ended_at"):
        found[case_id].append((started, ended))
    return found


def satisfaction_counts(*, tenant: Tenant, start: datetime, end: datetime) -> dict[str, int]:
    """Invitations sent, answers given, and answers of 4–5 overall in [start, end)."""
    invited = SurveyInvitation.objects.for_tenant(tenant).filter(created_at__gte=start, created_at__lt=end).count()
    answers = (
        SurveyResponse.objects.for_tenant(tenant)
        .filter(answered_at__gte=start, answered_at__lt=end)
        .aggregate(responses=Count("pk"), satisfied=Count("pk", filter=Q(overall__gte=4)))
    )
    return {"invited": invited, "responses": answers["responses"], "satisfied": answers["satisfied"]}
