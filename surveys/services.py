"""Writes of survey data: invitations on closing, answers, reminders, follow-ups of low scores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpdesk.errors import DomainError, IllegalTransition, PermissionDenied, ValidationFailed
from helpdesk.messaging.outbox import mail_enqueue
from helpdesk.messaging.webhooks import webhook_emit
from helpdesk.models import User
from helpdesk.roles import MANAGING_ROLES
from surveys.models import Expectations, FollowUpState, SurveyFollowUp, SurveyInvitation, SurveyResponse

if TYPE_CHECKING:
    from tickets.models import Case

SALT = "surveys.invitation"
LOW_SCORE = 2


class SurveyLinkProblem(DomainError):
    """The link cannot be answered; `reason` says why (invalid, expired, superseded)."""

    status_code = 410

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def invitation_token(invitation: SurveyInvitation) -> str:
    return signing.dumps({"t": invitation.tenant_id, "i": invitation.pk}, salt=SALT, compress=True)


def invitation_link(invitation: SurveyInvitation) -> str:
    return f"{settings.SITE_URL}/survey/{invitation_token(invitation)}/"


def invitation_from_token(token: str) -> SurveyInvitation:
    """The invitation a link names; SurveyLinkProblem("invalid") when the link was tampered with."""
    try:
        data = signing.loads(token, salt=SALT)
        invitation = (
            SurveyInvitation.objects.filter(tenant_id=int(data["t"]), pk=int(data["i"]))
            .select_related("tenant", "case", "recipient")
            .first()
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        invitation = None
    if invitation is None:
        raise SurveyLinkProblem(
            "invalid", "This survey link is not valid. Please use the link from the e-mail as it is."
        )
    return invitation


def check_answerable(invitation: SurveyInvitation, now: datetime) -> None:
    if invitation.superseded_at is not None:
        raise SurveyLinkProblem(
            "superseded",
            "This survey was replaced by a newer one, sent when the case closed again. Please use that one.",
        )
    if invitation.expires_at <= now:
        raise SurveyLinkProblem("expired", "This survey link has expired. Thank you all the same.")


def survey_invite(*, case: Case, at: datetime | None = None) -> SurveyInvitation:
    """Invite the requester of a case that just closed (call inside the closing's transaction).
    An older invitation of the same case that nobody answered stops working."""
    at = at or timezone.now()
    SurveyInvitation.objects.for_tenant(case.tenant).filter(
        case=case, superseded_at__isnull=True, response__isnull=True
    ).update(superseded_at=at)
    invitation = SurveyInvitation.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        recipient=case.requester,
        analyst=case.assignee,
        created_at=at,
        expires_at=at + timedelta(days=case.tenant.survey_expiry_days),
    )
    invitation.message = mail_enqueue(
        tenant=case.tenant,
        kind="survey_invitation",
        to=[case.requester.email],
        case=case,
        dedupe_key=f"survey:{invitation.pk}",
        context={"case": case, "invitation": invitation, "link": invitation_link(invitation)},
    )
    invitation.save(update_fields=["message"])
    return invitation


@dataclass(frozen=True)
class Answer:
    overall: int
    product_quality: int
    service_delivery: int
    process: int
    comment: str = ""
    met_expectations: str = ""  # yes, partly or no (empty: not answered)


@transaction.atomic
def survey_answer(*, invitation: SurveyInvitation, answer: Answer, at: datetime | None = None) -> SurveyResponse:
    """Record the one answer an invitation takes. A second answer raises IllegalTransition."""
    at = at or timezone.now()
    invitation = (
        SurveyInvitation.objects.for_tenant(invitation.tenant)
        .select_for_update(of=("self",))
        .select_related("case", "case__tenant", "case__priority", "case__account")
        .get(pk=invitation.pk)
    )
    if SurveyResponse.objects.for_tenant(invitation.tenant).filter(invitation=invitation).exists():
        raise IllegalTransition("This survey is answered already: thank you.")
    check_answerable(invitation, at)
    scores = {name: getattr(answer, name) for name in ("overall", "product_quality", "service_delivery", "process")}
    wrong = {
        name: ["Choose 1 to 5."] for name, value in scores.items() if not isinstance(value, int) or not 1 <= value <= 5
    }
    if wrong:
        raise ValidationFailed("Every score is from 1 to 5.", errors=wrong)
    if answer.met_expectations not in ("", *Expectations.values):
        raise ValidationFailed(
            "Say whether we met your expectations: yes, partly or no.",
            errors={"met_expectations": ["Choose yes, partly or no."]},
        )
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                tenant_id=invitation.tenant_id,
                invitation=invitation,
                comment=answer.comment.strip()[:4000],
                met_expectations=answer.met_expectations,
                answered_at=at,
                **scores,
            )
    except IntegrityError:
        raise IllegalTransition("This survey is answered already: thank you.") from None
    if response.overall <= LOW_SCORE:
        SurveyFollowUp.objects.create(tenant_id=invitation.tenant_id, response=response)
    case = invitation.case
    webhook_emit(
        tenant=case.tenant,
        event="survey.answered",
        payload={
            "occurred_at": at.isoformat(),
            "case": {"number": case.number, "account": case.account.slug, "priority": case.priority.name},
            "survey": {**scores, "comment": response.comment},
        },
    )
    return response


def reminders_due(*, now: datetime) -> list[int]:
    rows = SurveyInvitation.objects.filter(
        reminder_sent_at__isnull=True,
        superseded_at__isnull=True,
        response__isnull=True,
        expires_at__gt=now,
        tenant__survey_reminder_days__isnull=False,
    ).select_related("tenant")
    return [
        i.pk
        for i in rows.order_by("created_at")[:500]
        if i.tenant.survey_reminder_days is not None
        and i.created_at <= now - timedelta(days=i.tenant.survey_reminder_days)
    ]


@transaction.atomic
def survey_remind(*, invitation_id: int, now: datetime) -> bool:
    """Send the one reminder of an unanswered invitation; False when claimed or answered meanwhile."""
    claimed = SurveyInvitation.objects.filter(
        pk=invitation_id, reminder_sent_at__isnull=True, superseded_at__isnull=True, response__isnull=True
    ).update(reminder_sent_at=now)
    if claimed != 1:
        return False
    invitation = SurveyInvitation.objects.select_related("case", "case__tenant", "recipient").get(pk=invitation_id)
    mail_enqueue(
        tenant=invitation.case.tenant,
        kind="survey_reminder",
        to=[invitation.recipient.email],
        case=invitation.case,
        dedupe_key=f"survey-reminder:{invitation.pk}",
        context={"case": invitation.case, "invitation": invitation, "link": invitation_link(invitation)},
    )
    return True


def _require_manager(follow_up: SurveyFollowUp, actor: User) -> None:
    if actor.tenant_id != follow_up.tenant_id or actor.role not in MANAGING_ROLES:
        raise PermissionDenied("Only support managers handle survey follow-ups.")


@transaction.atomic
def follow_up_take(*, follow_up: SurveyFollowUp, actor: User, at: datetime | None = None) -> SurveyFollowUp:
    _require_manager(follow_up, actor)
    follow_up = SurveyFollowUp.objects.for_tenant(follow_up.tenant).select_for_update().get(pk=follow_up.pk)
    if follow_up.state != FollowUpState.OPEN:
        raise IllegalTransition("This follow-up is taken already.")
    follow_up.state, follow_up.owner, follow_up.taken_at = FollowUpState.TAKEN, actor, at or timezone.now()
    follow_up.save(update_fields=["state", "owner", "taken_at"])
    return follow_up


@transaction.atomic
def follow_up_close(*, follow_up: SurveyFollowUp, actor: User, note: str, at: datetime | None = None) -> SurveyFollowUp:
    _require_manager(follow_up, actor)
    follow_up = SurveyFollowUp.objects.for_tenant(follow_up.tenant).select_for_update().get(pk=follow_up.pk)
    if not note.strip():
        raise ValidationFailed("Say what was done about it.", errors={"note": ["Required."]})
    if follow_up.state == FollowUpState.CLOSED:
        raise IllegalTransition("This follow-up is closed already.")
    follow_up.state, follow_up.note, follow_up.closed_at = FollowUpState.CLOSED, note.strip(), at or timezone.now()
    if follow_up.owner_id is None:
        follow_up.owner, follow_up.taken_at = actor, follow_up.closed_at
    follow_up.save(update_fields=["state", "note", "closed_at", "owner", "taken_at"])
    return follow_up
