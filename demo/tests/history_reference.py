"""The reference for the demo's history: the same plan played through the life-cycle services one
step at a time (as the demo did before it wrote the history in bulk), and a snapshot of the rows
a history leaves, comparable between the two ways of writing it (ids are replaced by what they
name: case numbers, the comment or escalation an event points at)."""

from __future__ import annotations

from typing import Any

from demo.history import PastCase
from helpdesk.models import Tenant
from sla.models import CasePause, SlaClock
from surveys.models import SurveyFollowUp, SurveyInvitation, SurveyResponse
from surveys.services import survey_answer
from tickets.models import (
    Case,
    CaseEngineeringLink,
    CaseEvent,
    CaseSequence,
    Comment,
    EngineeringIssue,
    Escalation,
    EscalationReason,
)
from tickets.services import (
    case_assign,
    case_close_if_unanswered,
    case_confirm_resolution,
    case_open,
    case_propose_resolution,
    case_record_workaround,
    case_request_information,
    comment_add,
    engineering_issue_link,
    escalation_raise,
)


def play_through_services(tenant: Tenant, plan: list[PastCase]) -> None:
    for past in plan:
        contact = past.account.technical_contact
        assert contact is not None
        case = case_open(
            tenant=tenant,
            account=past.account,
            requester=contact,
            subject=past.subject,
            description=past.description,
            priority=past.priority,
            channel=past.channel,
            at=past.opened_at,
        )
        for step in past.steps:
            actor, at = (contact if step.by == "contact" else past.analyst), step.at
            match step.action:
                case "assign":
                    case_assign(case=case, actor=actor, assignee=actor, at=at)
                case "reply" | "customer_reply":
                    comment_add(case=case, actor=actor, body=step.text, at=at)
                case "request_information":
                    case_request_information(case=case, actor=actor, message=step.text, at=at)
                case "workaround":
                    case_record_workaround(case=case, actor=actor, workaround=step.text, at=at)
                case "link":
                    engineering_issue_link(case=case, actor=actor, reference=step.text, title=case.subject, at=at)
                case "escalate":
                    reason = EscalationReason.RESPONSIVENESS
                    escalation_raise(case=case, actor=actor, reason=reason, notes=step.text, at=at)
                case "propose":
                    case_propose_resolution(case=case, actor=actor, summary=step.text, at=at)
                case "confirm":
                    case_confirm_resolution(case=case, actor=actor, at=at)
                case "close_unanswered":
                    assert case_close_if_unanswered(case=case, at=at) is not None
                case _:
                    raise AssertionError(step.action)
        if past.survey is not None:
            answer, at = past.survey
            invitation = SurveyInvitation.objects.for_tenant(tenant).get(case=case)
            survey_answer(invitation=invitation, answer=answer, at=at)


def _row(obj: Any, *skip: str) -> dict[str, Any]:
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    return {k: v for k, v in values.items() if k not in {"id", "case_id", "tenant_id", *skip}}


def history_snapshot(tenant: Tenant, *, after_case: int) -> dict[str, Any]:
    """Every row of the tenant's cases opened after case id `after_case`, keyed by case number."""
    cases = {c.pk: c for c in Case.objects.for_tenant(tenant).filter(pk__gt=after_case)}
    number = {pk: case.number for pk, case in cases.items()}
    comments = {c.pk: c for c in Comment.objects.for_tenant(tenant).filter(case_id__in=cases)}
    escalations = {e.pk: e for e in Escalation.objects.for_tenant(tenant).filter(case_id__in=cases)}
    snap: dict[str, Any] = {n: {"case": _row(c)} for c, n in ((c, c.number) for c in cases.values())}

    def add(key: str, case_id: int, row: Any) -> None:
        snap[number[case_id]].setdefault(key, []).append(row)

    for comment in sorted(comments.values(), key=lambda c: (c.created_at, c.pk)):
        add("comments", comment.case_id, _row(comment))
    for escalation in sorted(escalations.values(), key=lambda e: (e.created_at, e.pk)):
        add("escalations", escalation.case_id, _row(escalation))
    for clock in SlaClock.objects.for_tenant(tenant).filter(case_id__in=cases).order_by("metric"):
        add("clocks", clock.case_id, _row(clock))
    for pause in CasePause.objects.for_tenant(tenant).filter(case_id__in=cases).order_by("started_at", "pk"):
        add("pauses", pause.case_id, _row(pause))
    for event in CaseEvent.objects.for_tenant(tenant).filter(case_id__in=cases).order_by("created_at", "pk"):
        new = dict(event.new)
        if "comment" in new:
            new["comment"] = comments[new["comment"]].body
        if "escalation" in new:
            new["escalation"] = escalations[new["escalation"]].reason
        add("events", event.case_id, {**_row(event), "new": new})
    links = CaseEngineeringLink.objects.for_tenant(tenant).filter(case_id__in=cases).select_related("issue")
    for link in links.order_by("linked_at"):
        add("links", link.case_id, {**_row(link, "issue_id"), "issue": link.issue.reference})
    invitations = SurveyInvitation.objects.for_tenant(tenant).filter(case_id__in=cases)
    for invitation in invitations.order_by("created_at"):
        add("invitations", invitation.case_id, _row(invitation, "message_id"))
    responses = SurveyResponse.objects.for_tenant(tenant).filter(invitation__case_id__in=cases)
    for response in responses.select_related("invitation"):
        follow_up = SurveyFollowUp.objects.for_tenant(tenant).filter(response=response).exists()
        add("responses", response.invitation.case_id, {**_row(response, "invitation_id"), "follow_up": follow_up})
    return {
        "cases": snap,
        "issues": [_row(i) for i in EngineeringIssue.objects.for_tenant(tenant).order_by("reference")],
        "last_number": CaseSequence.objects.for_tenant(tenant).get().last_number,
    }
