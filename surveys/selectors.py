"""Reads of survey data: satisfaction by analyst, plan, priority and month; follow-ups; bounces."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from helpdesk.models import Tenant
from surveys.models import Expectations, FollowUpState, SurveyFollowUp, SurveyInvitation, SurveyResponse
from tickets.drill import Window

UNDELIVERED = ("bounced", "complained", "rejected", "failed")


@dataclass(frozen=True)
class Row:
    label: str
    responses: int
    overall: float
    product_quality: float
    service_delivery: float
    process: float
    satisfied: int = 0  # answers of 4 or 5 overall
    # What the group is, as case-list filters ({"plan": id}, {"priority": id}, {"month": date}),
    # so the report's figures open the cases they count; empty for analysts.
    group: dict[str, object] = field(default_factory=dict)

    @property
    def csat(self) -> float | None:
        """CSAT: the share of answers scoring 4 or 5 overall, in percent."""
        return round(100 * self.satisfied / self.responses, 1) if self.responses else None


GROUPS = {
    "analyst": ("invitation__analyst__full_name", "invitation__analyst__email"),
    "plan": ("invitation__case__plan__name", "invitation__case__plan_id"),
    "priority": ("invitation__case__priority__name", "invitation__case__priority_id"),
}
# The case-list filter each group's id field answers to.
GROUP_FILTERS = {"invitation__case__plan_id": "plan", "invitation__case__priority_id": "priority", "month": "month"}


def response_list(*, tenant: Tenant) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.for_tenant(tenant).select_related(
        "invitation__case__account", "invitation__case__priority", "invitation__case__plan", "invitation__analyst"
    )


def _rows(grouped: QuerySet, label: Callable[[dict], str]) -> list[Row]:
    """One row per group of a values() queryset, with the count and the average scores."""
    rows = grouped.annotate(
        n=Count("pk"),
        o=Avg("overall"),
        pq=Avg("product_quality"),
        sd=Avg("service_delivery"),
        pr=Avg("process"),
        satisfied=Count("pk", filter=Q(overall__gte=4)),
    )
    return [
        Row(
            label=label(row),
            responses=row["n"],
            overall=round(row["o"], 2),
            product_quality=round(row["pq"], 2),
            service_delivery=round(row["sd"], 2),
            process=round(row["pr"], 2),
            satisfied=row["satisfied"],
            group={name: row[f] for f, name in GROUP_FILTERS.items() if f in row},
        )
        for row in rows
    ]


def _first_filled(fields: tuple[str, ...]) -> Callable[[dict], str]:
    return lambda row: str(next((row[f] for f in fields if row[f]), None) or "—")


def satisfaction_report(
    *, tenant: Tenant, start: datetime | None = None, end: datetime | None = None
) -> dict[str, object]:
    """Averages and CSAT per analyst, plan, priority and month (in the tenant's zone, e.g.
    "November 2026", as the compliance report names them) of the answers given in [start, end),
    and the response rate of the invitations sent then (a handful of queries)."""
    responses = SurveyResponse.objects.for_tenant(tenant)
    invitations = SurveyInvitation.objects.for_tenant(tenant).filter(superseded_at__isnull=True)
    if start is not None:
        responses, invitations = responses.filter(answered_at__gte=start), invitations.filter(created_at__gte=start)
    if end is not None:
        responses, invitations = responses.filter(answered_at__lt=end), invitations.filter(created_at__lt=end)
    report: dict[str, object] = {
        name: _rows(responses.values(*fields).order_by(*fields), _first_filled(fields))
        for name, fields in GROUPS.items()
    }
    zone = ZoneInfo(tenant.time_zone)
    months = responses.annotate(month=TruncMonth("answered_at", tzinfo=zone)).values("month").order_by("month")
    report["month"] = _rows(months, lambda row: row["month"].strftime("%B %Y"))
    invited = invitations.aggregate(sent=Count("pk"), answered=Count("response"))
    report["invited"], report["answered"] = invited["sent"], invited["answered"]
    said = dict(responses.exclude(met_expectations="").values_list("met_expectations").annotate(n=Count("pk")))
    report["expectations"] = {choice: said.get(choice, 0) for choice in Expectations.values}
    report["response_rate"] = round(100 * invited["answered"] / invited["sent"], 1) if invited["sent"] else None
    return report


def follow_up_list(*, tenant: Tenant, include_closed: bool = False) -> QuerySet[SurveyFollowUp]:
    rows = SurveyFollowUp.objects.for_tenant(tenant).select_related(
        "owner", "response__invitation__case__account", "response__invitation__analyst"
    )
    return rows if include_closed else rows.exclude(state=FollowUpState.CLOSED)


def undelivered_invitations(*, tenant: Tenant) -> QuerySet[SurveyInvitation]:
    """Invitations the provider reported bounced, complained or rejected, or that failed to send."""
    return (
        SurveyInvitation.objects.for_tenant(tenant)
        .filter(Q(message__delivery_status__in=UNDELIVERED) | Q(message__status="failed"))
        .select_related("case", "recipient", "message")
        .annotate(delivery=F("message__delivery_status"))
    )


def response_for(*, invitation: SurveyInvitation) -> SurveyResponse | None:
    """The answer to this invitation, if it was answered."""
    return SurveyResponse.objects.for_tenant(invitation.tenant).filter(invitation=invitation).first()


def answered_case_ids(*, tenant: Tenant, kind: str, window: Window) -> QuerySet[SurveyResponse, Any]:
    """The cases (as `invitation__case`) with a survey answered in `window`: any answer
    ("answered"), or one of 4–5 overall ("positive"). Registered as the case lists' `survey=`."""
    answers = response_list(tenant=tenant).filter(window.holds("answered_at"))
    if kind == "positive":
        answers = answers.filter(overall__gte=4)
    return answers.order_by().values("invitation__case")
