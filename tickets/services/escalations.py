"""Escalations: raised by merchants, staff or the system; acknowledged and resolved by managers."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from helpdesk.errors import IllegalTransition, PermissionDenied, ValidationFailed
from helpdesk.models import User
from helpdesk.roles import MANAGING_ROLES, MERCHANT_ROLES
from tickets.models import (
    MERCHANT_ESCALATION_REASONS,
    Case,
    Escalation,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    RaisedBy,
)
from tickets.services._common import check_actor, lock_case, now_or, record, require_text, save_case


def _raiser(actor: User | None, raised_by: str | None) -> str:
    """Who the escalation is from: the system (no actor), a merchant in the portal, or staff
    either for themselves (asking a manager for help) or recording a merchant's phoned-in one."""
    if actor is None:
        return RaisedBy.SYSTEM
    if actor.role in MERCHANT_ROLES:
        return RaisedBy.MERCHANT
    if raised_by not in (None, "", RaisedBy.MERCHANT, RaisedBy.ANALYST):
        raise ValidationFailed(
            "Staff record an escalation of their own or the merchant's (phoned in).",
            errors={"raised_by": ["Use merchant or analyst."]},
        )
    return raised_by or RaisedBy.ANALYST


@transaction.atomic
def escalation_raise(
    *,
    case: Case,
    actor: User | None,
    reason: str,
    notes: str = "",
    level: str = EscalationLevel.SUPPORT_MANAGER,
    raised_by: str | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Escalation:
    """Escalate a case. Merchants may at any time, for one of PRODUCT.md's merchant reasons, with
    their own words; staff and the system (actor None) for any reason, at either level. A case
    keeps one open system escalation for breaches: a second breach adds a note to it."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    if actor is not None:
        check_actor(case, actor)
    if actor is None and reason == EscalationReason.SLA_BREACHED:
        open_breach = _open_breach_escalation(case)
        if open_breach is not None:
            _note_breach(case, open_breach, notes=notes, at=at)
            save_case(case, [], at=at)
            return open_breach
    escalation = escalation_write(
        case, actor=actor, reason=reason, notes=notes, level=level, raised_by=raised_by, at=at
    )
    save_case(case, [], at=at)
    return escalation


def escalation_write(
    case: Case, *, actor: User | None, reason: str, notes: str, level: str, raised_by: str | None, at: datetime
) -> Escalation:
    """Raise the escalation on a case the caller holds (locked, or being opened) and saves."""
    kind = _raiser(actor, raised_by)
    if reason not in EscalationReason.values:
        raise ValidationFailed(f"Unknown escalation reason “{reason}”.", errors={"reason": ["Unknown reason."]})
    if kind == RaisedBy.MERCHANT:
        if reason not in MERCHANT_ESCALATION_REASONS:
            allowed = ", ".join(EscalationReason(r).label.lower() for r in sorted(MERCHANT_ESCALATION_REASONS))
            raise ValidationFailed(f"Choose a reason: {allowed}.", errors={"reason": ["Not a merchant reason."]})
        notes = require_text(notes, "notes", "Tell the support manager what is wrong.")
        if actor is not None and actor.role in MERCHANT_ROLES:
            level = EscalationLevel.SUPPORT_MANAGER  # from the portal; staff choose for a phoned-in one
    if level not in EscalationLevel.values:
        raise ValidationFailed(f"Unknown escalation level “{level}”.", errors={"level": ["Unknown level."]})
    escalation = Escalation.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        raised_by=kind,
        raised_by_user=actor,
        reason=reason,
        level=level,
        notes=notes.strip(),
        created_at=at,
    )
    record(
        case,
        "escalation.raised",
        actor=actor,
        at=at,
        new={"escalation": escalation.pk, "reason": reason, "level": level, "raised_by": kind},
        note=escalation.notes,
        escalation=escalation,
    )
    return escalation


def _open_breach_escalation(case: Case) -> Escalation | None:
    escalations = Escalation.objects.filter(tenant_id=case.tenant_id, case=case, raised_by=RaisedBy.SYSTEM)
    unresolved = escalations.filter(reason=EscalationReason.SLA_BREACHED).exclude(state=EscalationState.RESOLVED)
    return unresolved.select_for_update().order_by("created_at").first()


def _note_breach(case: Case, escalation: Escalation, *, notes: str, at: datetime) -> None:
    """Add another breach to the case's open breach escalation instead of raising a second one."""
    escalation.notes = f"{escalation.notes}\n{notes.strip()}".strip()
    escalation.save(update_fields=["notes"])
    record(case, "escalation.noted", actor=None, at=at, new={"escalation": escalation.pk}, note=notes.strip())


def escalations_resolve_on_close(case: Case, *, at: datetime) -> int:
    """Resolve a closing case's open escalations by the system, with a note (no mail: the
    closing mail tells the merchant). Called by the closing service on the case it holds (locked with
    `closing=True`, which says whether there are any)."""
    if getattr(case, "open_escalations", True) is False:
        return 0  # lock_case(closing=True) found none: nothing to read
    note = f"Resolved by the system: case {case.number} was closed."
    escalations = Escalation.objects.filter(tenant_id=case.tenant_id, case=case).exclude(state=EscalationState.RESOLVED)
    resolved = 0
    for escalation in escalations.select_for_update().order_by("created_at"):
        old_state = escalation.state
        escalation.state, escalation.resolution_note, escalation.resolved_at = EscalationState.RESOLVED, note, at
        escalation.acknowledged_at = escalation.acknowledged_at or at
        escalation.save(update_fields=["state", "resolution_note", "resolved_at", "acknowledged_at"])
        record(
            case,
            "escalation.resolved",
            actor=None,
            at=at,
            old={"state": old_state},
            new={"escalation": escalation.pk, "state": escalation.state, "by": "system"},
            note=note,
            notify=False,
        )
        resolved += 1
    return resolved


def _lock_escalation(escalation: Escalation, actor: User) -> Escalation:
    escalations = Escalation.objects.filter(tenant_id=escalation.tenant_id, pk=escalation.pk)
    locked = escalations.select_for_update(of=("self",)).select_related("case").get()
    check_actor(locked.case, actor)
    if actor.role not in MANAGING_ROLES:
        raise PermissionDenied("Only support managers handle escalations.")
    locked.case = lock_case(locked.case)  # with what the escalation mail reads
    return locked


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, actor: User, at: datetime | None = None) -> Escalation:
    """A manager takes the escalation and becomes its owner."""
    at = now_or(at)
    escalation = _lock_escalation(escalation, actor)
    if escalation.state != EscalationState.OPEN:
        raise IllegalTransition(
            f"This escalation is {escalation.get_state_display().lower()}: only open escalations are acknowledged."
        )
    escalation.state, escalation.owner, escalation.acknowledged_at = EscalationState.ACKNOWLEDGED, actor, at
    escalation.save(update_fields=["state", "owner", "acknowledged_at"])
    record(
        escalation.case,
        "escalation.acknowledged",
        actor=actor,
        at=at,
        old={"state": EscalationState.OPEN},
        new={"escalation": escalation.pk, "state": escalation.state, "owner": actor.email},
    )
    return escalation


@transaction.atomic
def escalation_resolve(*, escalation: Escalation, actor: User, note: str, at: datetime | None = None) -> Escalation:
    """Close the escalation with a note of what was done (an open one is acknowledged on the way)."""
    at = now_or(at)
    escalation = _lock_escalation(escalation, actor)
    note = require_text(note, "note", "Say how the escalation was resolved.")
    if escalation.state == EscalationState.RESOLVED:
        raise IllegalTransition("This escalation is resolved already.")
    old_state = escalation.state
    escalation.state, escalation.resolution_note, escalation.resolved_at = EscalationState.RESOLVED, note, at
    if escalation.owner_id is None:
        escalation.owner = actor
    escalation.acknowledged_at = escalation.acknowledged_at or at
    escalation.save(update_fields=["state", "resolution_note", "resolved_at", "owner", "acknowledged_at"])
    record(
        escalation.case,
        "escalation.resolved",
        actor=actor,
        at=at,
        old={"state": old_state},
        new={"escalation": escalation.pk, "state": escalation.state},
        note=note,
    )
    return escalation
