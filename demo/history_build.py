"""Writing the demo's planned past cases (`demo.history.PastCase`) in a few bulk inserts.

Each step builds, in memory, the rows its life-cycle service would write: the case's fields,
version and work rank as `save_case` leaves them, the comments, escalations, engineering links,
pauses and survey rows, and the history events with the services' codes, fields and order. The
SLA clocks come from the SLA services' own functions (`clocks_plan` at opening, `clocks_step` for
every meeting, pause and resumption), so deadlines, at-risk instants, met and breached states are
the business-time engine's. Case numbers come from the tenant's sequence (`case_numbers_reserve`).

What the services would also queue is left out on purpose: mail, webhook deliveries and staff
notifications about the past (a worker would send them all when the demo starts); survey
invitations are written without their mail. `demo/tests/test_history.py` plays the same plan
through the services and checks that the rows agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models

from helpdesk.models import Tenant, User
from sla.models import CasePause, MetBy, Metric, PauseReason, SlaClock, SlaTarget
from sla.selectors import policy_current
from sla.services import clocks_plan, clocks_step, earliest_due
from surveys.models import SurveyFollowUp, SurveyInvitation, SurveyResponse
from surveys.services import LOW_SCORE
from tickets.models import (
    Case,
    CaseEngineeringLink,
    CaseEvent,
    Category,
    Comment,
    EngineeringIssue,
    Escalation,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    Plan,
    RaisedBy,
    Status,
    work_rank,
)
from tickets.services import case_numbers_reserve
from tickets.services._clock_steps import first_response_met_by, met_event_new, reply_meets

if TYPE_CHECKING:
    from demo.history import PastCase, PastStep


@dataclass
class Draft:
    """One past case's rows before they are written. `refs`: events whose `new[key]` is the id of
    a row written just before them (a comment or an escalation)."""

    past: PastCase
    case: Case
    clocks: list[SlaClock]
    pauses: list[CasePause] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    links: list[CaseEngineeringLink] = field(default_factory=list)
    invitation: SurveyInvitation | None = None
    response: SurveyResponse | None = None
    refs: list[tuple[CaseEvent, str, models.Model]] = field(default_factory=list)

    def person(self, by: str) -> User:
        return self.case.requester if by == "contact" else self.past.analyst


class HistoryBuilder:
    """Builds and writes one tenant's past cases; reads the tenant's policy, targets, plans and
    engineering issues once."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.policy = policy_current(tenant=tenant)
        self.targets: dict[tuple[int, int], list[SlaTarget]] = defaultdict(list)
        if self.policy is not None:
            rows = SlaTarget.objects.for_tenant(tenant).filter(policy=self.policy).select_related("calendar")
            for target in rows:
                self.targets[(target.plan_id, target.priority_id)].append(target)
        self.plans = {plan.pk: plan for plan in Plan.objects.for_tenant(tenant)}
        self.issues = {issue.reference: issue for issue in EngineeringIssue.objects.for_tenant(tenant)}
        self.new_issues: list[EngineeringIssue] = []
        self.retitled: dict[int, EngineeringIssue] = {}
        self.steps: dict[str, Callable[[Draft, PastStep], None]] = {
            "assign": self._assign,
            "reply": self._reply,
            "customer_reply": self._customer_reply,
            "request_information": self._request_information,
            "workaround": self._workaround,
            "link": self._link,
            "escalate": self._escalate,
            "propose": self._propose,
            "confirm": lambda draft, step: self._close(draft, step, how="merchant_confirmed"),
            "close_unanswered": lambda draft, step: self._close(draft, step, how="closed_after_no_reply"),
        }

    def write(self, plan: list[PastCase]) -> list[Case]:
        """Build every planned case, then write all their rows (the caller's transaction)."""
        numbers = case_numbers_reserve(self.tenant, len(plan))
        drafts = [self._build(past, number) for past, number in zip(plan, numbers, strict=True)]
        _insert(drafts, new_issues=self.new_issues, retitled=list(self.retitled.values()))
        return [draft.case for draft in drafts]

    def _build(self, past: PastCase, number: str) -> Draft:
        draft = self._open(past, number)
        for step in past.steps:
            self.steps[step.action](draft, step)
        if past.survey is not None and draft.invitation is not None:
            answer, at = past.survey
            draft.response = SurveyResponse(
                tenant_id=self.tenant.pk,
                invitation=draft.invitation,
                comment=answer.comment.strip()[:4000],
                met_expectations=answer.met_expectations,
                answered_at=at,
                overall=answer.overall,
                product_quality=answer.product_quality,
                service_delivery=answer.service_delivery,
                process=answer.process,
            )
        return draft

    # Opening (tickets.services.opening.case_open by the merchant, no owner).
    def _open(self, past: PastCase, number: str) -> Draft:
        account, at = past.account, past.opened_at.astimezone(UTC)
        if account.plan_id is None or account.technical_contact is None:
            raise ValueError(f"demo account {account.slug} needs a plan and a technical contact")
        case = Case(
            tenant=self.tenant,
            account=account,
            requester=account.technical_contact,
            number=number,
            subject=past.subject,
            description=past.description,
            category=Category.INCIDENT,
            priority=past.priority,
            plan=self.plans[account.plan_id],
            sla_policy=self.policy,
            channel=past.channel,
            cc_emails=[],
            opened_at=at,
            updated_at=at,
        )
        case.work_rank = work_rank(status=case.status, priority=case.priority)
        clocks = clocks_plan(case=case, targets=self.targets.get((account.plan_id, past.priority.pk), []))
        case.sla_due_at = earliest_due(clocks)
        draft = Draft(past, case, clocks)
        new = {"number": number, "priority": past.priority.name, "channel": case.channel, "status": case.status}
        self._event(draft, "case.opened", actor=case.requester, at=at, new=new)
        if past.priority.escalate_on_open:
            notes = f"{past.priority.name} opened: escalated to senior management as the priority requires."
            self._escalation(draft, None, EscalationReason.TOP_PRIORITY, EscalationLevel.SENIOR_MANAGEMENT, notes, at)
        return draft

    # What every step shares (tickets.services._common, _clock_steps).
    def _event(
        self,
        draft: Draft,
        code: str,
        *,
        actor: User | None,
        at: datetime,
        old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None,
        note: str = "",
        ref: tuple[str, models.Model] | None = None,
    ) -> None:
        event = CaseEvent(
            tenant_id=self.tenant.pk,
            case=draft.case,
            code=code,
            actor=actor,
            created_at=at,
            old=old or {},
            new=new or {},
            note=note,
        )
        draft.events.append(event)
        if ref is not None:
            draft.refs.append((event, *ref))

    def _save(self, draft: Draft, at: datetime) -> None:
        """What `save_case` does to the case."""
        case = draft.case
        case.version += 1
        case.updated_at = at
        case.work_rank = work_rank(status=case.status, priority=case.priority)

    def _clocks(self, draft: Draft, at: datetime, **step: Any) -> list[SlaClock]:
        """One clock step (the SLA services' `clocks_step`); returns the clocks met, the case
        takes the new earliest deadline."""
        for clock in draft.clocks:  # as `clocks_advance` reads them back from the database: in UTC
            for name in ("due_at", "at_risk_at"):
                if (value := getattr(clock, name)) is not None:
                    setattr(clock, name, value.astimezone(UTC))
        done = clocks_step(case=draft.case, clocks=draft.clocks, pauses=draft.pauses, at=at, **step)
        draft.case.sla_due_at = earliest_due(draft.clocks)
        return done.met

    def _met(self, draft: Draft, met: list[SlaClock], at: datetime) -> None:
        for clock in met:
            self._event(draft, "sla.met", actor=None, at=at, new=met_event_new(clock, at))

    def _meet_first_response(self, draft: Draft, rule: str, at: datetime) -> list[SlaClock]:
        if first_response_met_by(draft.case) != rule:
            return []
        return self._clocks(draft, at, meet=[Metric.FIRST_RESPONSE])

    def _comment(self, draft: Draft, step: PastStep) -> Comment:
        """`comment_write`'s comment and event (a staff reply also marks the first response)."""
        actor, case = draft.person(step.by), draft.case
        comment = Comment(
            tenant_id=self.tenant.pk, case=case, author=actor, body=step.text, is_public=True, created_at=step.at
        )
        draft.comments.append(comment)
        code = "case.commented" if actor.is_support_staff else "case.customer_replied"
        self._event(draft, code, actor=actor, at=step.at, ref=("comment", comment))
        if actor.is_support_staff and case.first_responded_at is None:
            case.first_responded_at = step.at
        return comment

    def _escalation(self, draft: Draft, actor: User | None, reason: str, level: str, notes: str, at: datetime) -> None:
        """`escalation_write`: the system's (no actor) or the merchant's escalation and its event."""
        raised_by = RaisedBy.SYSTEM if actor is None else RaisedBy.MERCHANT
        escalation = Escalation(
            tenant_id=self.tenant.pk,
            case=draft.case,
            raised_by=raised_by,
            raised_by_user=actor,
            reason=reason,
            level=level,
            notes=notes.strip(),
            created_at=at,
        )
        draft.escalations.append(escalation)
        new = {"reason": reason, "level": level, "raised_by": raised_by}
        self._event(
            draft,
            "escalation.raised",
            actor=actor,
            at=at,
            new=new,
            note=escalation.notes,
            ref=("escalation", escalation),
        )

    # The steps, each named after its service.
    def _assign(self, draft: Draft, step: PastStep) -> None:
        case, analyst = draft.case, draft.past.analyst
        old = case.status
        case.assignee = analyst
        case.status = Status.OPEN if case.status in (Status.NEW, Status.REOPENED) else case.status
        met = self._meet_first_response(draft, MetBy.ASSIGNMENT, step.at)
        self._save(draft, step.at)
        new = {"assignee": analyst.email, "status": case.status}
        self._event(draft, "case.assigned", actor=analyst, at=step.at, old={"status": old}, new=new)
        self._met(draft, met, step.at)

    def _reply(self, draft: Draft, step: PastStep) -> None:
        self._comment(draft, step)
        self._met(draft, self._meet_first_response(draft, MetBy.REPLY, step.at), step.at)
        self._save(draft, step.at)

    def _customer_reply(self, draft: Draft, step: PastStep) -> None:
        case = draft.case
        self._comment(draft, step)
        if case.status == Status.WAITING:
            self._clocks(draft, step.at, resume=True)
            old, new = {"status": case.status}, {"status": Status.OPEN}
            self._event(draft, "case.status_changed", actor=case.requester, at=step.at, old=old, new=new)
            case.status = Status.OPEN
        self._save(draft, step.at)

    def _request_information(self, draft: Draft, step: PastStep) -> None:
        case = draft.case
        comment = self._comment(draft, step)
        old = case.status
        case.status = Status.WAITING
        met = self._clocks(draft, step.at, meet=reply_meets(case), pause=PauseReason.WAITING)
        self._met(draft, met, step.at)
        self._save(draft, step.at)
        new = {"status": case.status}
        self._event(
            draft,
            "case.information_requested",
            actor=draft.past.analyst,
            at=step.at,
            old={"status": old},
            new=new,
            ref=("comment", comment),
        )

    def _workaround(self, draft: Draft, step: PastStep) -> None:
        case = draft.case
        old = case.workaround
        case.workaround = step.text
        self._save(draft, step.at)
        self._event(
            draft,
            "case.workaround_recorded",
            actor=draft.past.analyst,
            at=step.at,
            old={"workaround": old},
            new={"workaround": step.text},
        )

    def _link(self, draft: Draft, step: PastStep) -> None:
        """`engineering_issue_link`: the issue is created on first mention, titled by the case."""
        case, reference = draft.case, step.text
        issue = self.issues.get(reference)
        if issue is None:
            issue = EngineeringIssue(
                tenant_id=self.tenant.pk, reference=reference, title=case.subject, updated_at=step.at
            )
            self.issues[reference] = issue
            self.new_issues.append(issue)
        elif case.subject and issue.title != case.subject:
            issue.title = case.subject
            if issue.pk is not None:
                self.retitled[issue.pk] = issue
        link = CaseEngineeringLink(
            tenant_id=self.tenant.pk, case=case, issue=issue, linked_at=step.at, linked_by=draft.past.analyst
        )
        draft.links.append(link)
        self._save(draft, step.at)
        new = {"reference": reference, "url": issue.url, "state": issue.state, "target_release": issue.target_release}
        self._event(draft, "case.engineering_linked", actor=draft.past.analyst, at=step.at, new=new)

    def _escalate(self, draft: Draft, step: PastStep) -> None:
        reason, level = EscalationReason.RESPONSIVENESS, EscalationLevel.SUPPORT_MANAGER
        self._escalation(draft, draft.person(step.by), reason, level, step.text, step.at)
        self._save(draft, step.at)

    def _propose(self, draft: Draft, step: PastStep) -> None:
        case = draft.case
        comment = self._comment(draft, step)
        old = case.status
        meet = [Metric.FIRST_RESPONSE, Metric.RESOLUTION]
        self._met(draft, self._clocks(draft, step.at, meet=meet, resume=True, pause=PauseReason.RESOLVED), step.at)
        case.status, case.resolved_at = Status.RESOLVED, step.at
        self._save(draft, step.at)
        self._event(
            draft,
            "case.resolution_proposed",
            actor=draft.past.analyst,
            at=step.at,
            old={"status": old},
            new={"status": case.status},
            ref=("comment", comment),
        )

    def _close(self, draft: Draft, step: PastStep, *, how: str) -> None:
        """`_close` of a resolved case: closed, its survey invitation (without the mail), and its
        open escalations resolved by the system."""
        case, at = draft.case, step.at
        actor = case.requester if how == "merchant_confirmed" else None
        old = case.status
        case.status, case.closed_at = Status.CLOSED, at
        case.resolved_at = case.resolved_at or at
        self._save(draft, at)
        new = {"status": case.status, "how": how}
        self._event(draft, "case.closed", actor=actor, at=at, old={"status": old}, new=new)
        draft.invitation = SurveyInvitation(
            tenant_id=self.tenant.pk,
            case=case,
            recipient=case.requester,
            analyst=case.assignee,
            created_at=at,
            expires_at=at + timedelta(days=self.tenant.survey_expiry_days),
        )
        self._resolve_escalations(draft, at)

    def _resolve_escalations(self, draft: Draft, at: datetime) -> None:
        """`escalations_resolve_on_close`: the closing case's open escalations, by the system."""
        note = f"Resolved by the system: case {draft.case.number} was closed."
        for escalation in sorted(draft.escalations, key=lambda e: e.created_at):
            if escalation.state == EscalationState.RESOLVED:
                continue
            before = {"state": escalation.state}
            escalation.state, escalation.resolution_note, escalation.resolved_at = EscalationState.RESOLVED, note, at
            escalation.acknowledged_at = escalation.acknowledged_at or at
            after = {"state": escalation.state, "by": "system"}
            ref = ("escalation", escalation)
            self._event(draft, "escalation.resolved", actor=None, at=at, old=before, new=after, note=note, ref=ref)


def _insert(drafts: list[Draft], *, new_issues: list[EngineeringIssue], retitled: list[EngineeringIssue]) -> None:
    """Write the drafts' rows, parents first, each kind in one bulk insert (in batches)."""
    Case.objects.bulk_create([d.case for d in drafts], batch_size=500)
    EngineeringIssue.objects.bulk_create(new_issues)
    if retitled:
        EngineeringIssue.objects.bulk_update(retitled, ["title"])
    Comment.objects.bulk_create([row for d in drafts for row in d.comments], batch_size=500)
    Escalation.objects.bulk_create([row for d in drafts for row in d.escalations], batch_size=500)
    CaseEngineeringLink.objects.bulk_create([row for d in drafts for row in d.links], batch_size=500)
    CasePause.objects.bulk_create([row for d in drafts for row in d.pauses], batch_size=500)
    SlaClock.objects.bulk_create([row for d in drafts for row in d.clocks], batch_size=500)
    for draft in drafts:
        for event, key, row in draft.refs:
            event.new = {**event.new, key: row.pk}
    CaseEvent.objects.bulk_create([row for d in drafts for row in d.events], batch_size=500)
    invitations = [d.invitation for d in drafts if d.invitation is not None]
    SurveyInvitation.objects.bulk_create(invitations, batch_size=500)
    responses = [d.response for d in drafts if d.response is not None]
    SurveyResponse.objects.bulk_create(responses, batch_size=500)
    follow_ups = [SurveyFollowUp(tenant_id=r.tenant_id, response=r) for r in responses if r.overall <= LOW_SCORE]
    SurveyFollowUp.objects.bulk_create(follow_ups)
