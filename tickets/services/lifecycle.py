"""The support request life cycle: assignment, conversation, waiting, resolution and closing.

`new → open (assigned) → waiting on customer ⇄ open → resolved → closed`, with `reopened`.
Every function locks the case, checks the step is allowed from its status, changes it, moves
its SLA clocks and writes an event with a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from sla.models import MetBy, Metric, PauseReason
from sla.services import ClockChange, clocks_advance, clocks_retarget
from tickets.models import ACTIVE_STATUSES, Case, Category, Channel, Comment, Priority, Status
from tickets.services._common import (
    check_actor,
    check_cc_emails,
    check_staff_user,
    illegal,
    lock_case,
    now_or,
    record,
    require_merchant,
    require_staff,
    require_text,
    save_case,
)
from tickets.services.escalations import escalations_resolve_on_close


class ReassignReason:
    TIME_ZONE = "time_zone"
    EXPERTISE = "expertise"
    WORKLOAD = "workload"
    OTHER = "other"
    LABELS = {
        TIME_ZONE: "Time-zone hand-off",
        EXPERTISE: "Different product expertise",
        WORKLOAD: "Workload",
        OTHER: "Other",
    }


def _first_response_met_by(case: Case) -> str:
    return case.sla_policy.first_response_met_by if case.sla_policy_id else MetBy.REPLY


def _record_met(case: Case, change: ClockChange, at: datetime) -> None:
    for clock in change.met:
        record(case, "sla.met", actor=None, at=at, new={"metric": clock.metric, "late": bool(clock.breached_at)})


def _move_clocks(case: Case, *, at: datetime, **step: Any) -> ClockChange:
    """Move the locked case's clocks one step (sla.services.clocks_advance) and take their new
    earliest deadline for the caller's one save of the case."""
    change = clocks_advance(case=case, at=at, **step)
    case.sla_due_at = change.due
    return change


def _reply_meets(case: Case) -> list[str]:
    return [Metric.FIRST_RESPONSE] if _first_response_met_by(case) == MetBy.REPLY else []


def _meet_first_response(case: Case, rule: str, at: datetime) -> ClockChange:
    if _first_response_met_by(case) != rule:
        return ClockChange(due=case.sla_due_at)
    return _move_clocks(case, at=at, meet=[Metric.FIRST_RESPONSE])


@transaction.atomic
def case_assign(
    *, case: Case, actor: User, assignee: User, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    """Give an unassigned case to an analyst (who then owns it until it closes)."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "assign cases")
    check_staff_user(case, assignee)
    if case.status not in ACTIVE_STATUSES:
        raise illegal(case, "assigned")
    if case.assignee_id is not None:
        raise ValidationFailed(
            f"Case {case.number} is assigned to {case.assignee.get_full_name()} already: reassign it with a reason.",
            errors={"assignee": ["Already assigned; use reassign."]},
        )
    old_status = case.status
    case.assignee = assignee
    case.status = Status.OPEN if case.status in (Status.NEW, Status.REOPENED) else case.status
    clocks = _meet_first_response(case, MetBy.ASSIGNMENT, at)
    save_case(case, ["assignee", "status", "sla_due_at"], at=at)
    record(
        case,
        "case.assigned",
        actor=actor,
        at=at,
        old={"status": old_status},
        new={"assignee": assignee.email, "status": case.status},
    )
    _record_met(case, clocks, at)
    return case


@transaction.atomic
def case_reassign(
    *,
    case: Case,
    actor: User,
    assignee: User,
    reason: str,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Hand an assigned case to another analyst, for a recorded reason."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "reassign cases")
    check_staff_user(case, assignee)
    if case.status not in ACTIVE_STATUSES:
        raise illegal(case, "reassigned")
    if reason not in ReassignReason.LABELS:
        choices = ", ".join(label.lower() for label in ReassignReason.LABELS.values())
        raise ValidationFailed(f"Say why the case changes hands: {choices}.", errors={"reason": ["Required."]})
    if case.assignee_id is None:
        raise ValidationFailed(
            f"Case {case.number} is unassigned: assign it instead.", errors={"assignee": ["Unassigned."]}
        )
    if case.assignee_id == assignee.pk:
        raise ValidationFailed("The case is assigned to that analyst already.", errors={"assignee": ["Same analyst."]})
    old = case.assignee
    case.assignee = assignee
    save_case(case, ["assignee"], at=at)
    record(
        case,
        "case.reassigned",
        actor=actor,
        at=at,
        old={"assignee": old.email},
        new={"assignee": assignee.email, "reason": reason},
        note=note.strip(),
    )
    return case


@transaction.atomic
def comment_add(
    *,
    case: Case,
    actor: User,
    body: str,
    public: bool = True,
    channel: str = Channel.PORTAL,
    at: datetime | None = None,
    expected_version: int | None = None,
    notify: bool = True,
    sender_email: str = "",
) -> Comment:
    """A public reply or an internal note. A merchant's reply to a case waiting on them reopens
    the conversation (→ open); the first public staff reply meets the first-response target
    where the policy says so. `sender_email` names a CC address that wrote on the actor's behalf."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    check_actor(case, actor)
    comment, fields = _comment_write(
        case, actor=actor, body=body, public=public, channel=channel, at=at, notify=notify, sender_email=sender_email
    )
    save_case(case, fields, at=at)
    return comment


def _comment_write(
    case: Case,
    *,
    actor: User,
    body: str,
    public: bool,
    at: datetime,
    channel: str = Channel.PORTAL,
    notify: bool = True,
    sender_email: str = "",
    move_clocks: bool = True,
) -> tuple[Comment, list[str]]:
    """Add a comment to the locked case and move its status and clocks; returns the case fields
    changed, for the caller's one save (steps that start with a reply share this). Without
    `move_clocks` the caller meets the first response in its own clock step (`_reply_meets`)."""
    body = require_text(body, "body", "Write something first.")
    if case.status == Status.CLOSED:
        raise illegal(case, "commented on")
    if not public and not actor.is_support_staff:
        raise ValidationFailed(
            "Internal notes are for support staff.", errors={"public": ["Merchants write public replies."]}
        )
    comment = Comment.objects.create(
        tenant_id=case.tenant_id,
        case=case,
        author=actor,
        body=body,
        is_public=public,
        channel=channel,
        sender_email=sender_email,
        created_at=at,
    )
    fields = []
    if actor.is_support_staff and public:
        record(case, "case.commented", actor=actor, at=at, new={"comment": comment.pk}, notify=notify)
        if case.first_responded_at is None:
            case.first_responded_at = at
            fields.append("first_responded_at")
        if move_clocks:
            _record_met(case, _meet_first_response(case, MetBy.REPLY, at), at)
            fields.append("sla_due_at")
    elif actor.is_support_staff:
        record(case, "case.noted", actor=actor, at=at, new={"comment": comment.pk})
    else:
        record(case, "case.customer_replied", actor=actor, at=at, new={"comment": comment.pk})
        if case.status == Status.WAITING:
            _move_clocks(case, at=at, resume=True)
            record(
                case,
                "case.status_changed",
                actor=actor,
                at=at,
                old={"status": case.status},
                new={"status": Status.OPEN},
            )
            case.status = Status.OPEN
            fields += ["status", "sla_due_at"]
    return comment, fields


@transaction.atomic
def case_request_information(
    *, case: Case, actor: User, message: str, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    """Ask the merchant for something (a public reply) and wait: the resolution clock pauses."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "ask the merchant for information")
    if case.status not in (Status.NEW, Status.OPEN, Status.REOPENED):
        raise illegal(case, "put on waiting for the customer")
    comment, fields = _comment_write(
        case, actor=actor, body=message, public=True, at=at, notify=False, move_clocks=False
    )
    old = case.status
    case.status = Status.WAITING
    _record_met(case, _move_clocks(case, at=at, meet=_reply_meets(case), pause=PauseReason.WAITING), at)
    save_case(case, {*fields, "status", "sla_due_at"}, at=at)
    record(
        case,
        "case.information_requested",
        actor=actor,
        at=at,
        old={"status": old},
        new={"status": case.status, "comment": comment.pk},
    )
    return case


@transaction.atomic
def case_change_priority(
    *,
    case: Case,
    actor: User,
    priority: Priority,
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Move the case to another priority; its deadlines are recomputed from the opening time with
    the new targets (of the policy version the case opened under), minus paused time."""
    return case_update(
        case=case, actor=actor, priority=priority, priority_reason=reason, at=at, expected_version=expected_version
    )


@transaction.atomic
def case_record_workaround(
    *, case: Case, actor: User, workaround: str, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    return case_update(case=case, actor=actor, workaround=workaround, at=at, expected_version=expected_version)


@transaction.atomic
def case_propose_resolution(
    *, case: Case, actor: User, summary: str, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    """Staff propose the resolution (a public reply); the merchant confirms or reopens. The
    resolution target is met now; the time until confirmation does not count."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "propose a resolution")
    if case.status not in ACTIVE_STATUSES:
        raise illegal(case, "resolved")
    comment, fields = _comment_write(
        case, actor=actor, body=summary, public=True, at=at, notify=False, move_clocks=False
    )
    old = case.status
    _stop_clocks(case, at)
    case.status, case.resolved_at = Status.RESOLVED, at
    save_case(case, {*fields, "status", "resolved_at", "sla_due_at"}, at=at)
    record(
        case,
        "case.resolution_proposed",
        actor=actor,
        at=at,
        old={"status": old},
        new={"status": case.status, "comment": comment.pk},
    )
    return case


def _stop_clocks(case: Case, at: datetime) -> None:
    """Meet every running clock and keep the resolution clock paused until a reopening."""
    change = _move_clocks(
        case, at=at, meet=[Metric.FIRST_RESPONSE, Metric.RESOLUTION], resume=True, pause=PauseReason.RESOLVED
    )
    _record_met(case, change, at)


def _close(case: Case, *, actor: User | None, at: datetime, how: str) -> Case:
    old = case.status
    if old != Status.RESOLVED:
        _stop_clocks(case, at)
    case.status, case.closed_at = Status.CLOSED, at
    case.resolved_at = case.resolved_at or at
    save_case(case, ["status", "closed_at", "resolved_at", "sla_due_at"], at=at)
    record(case, "case.closed", actor=actor, at=at, old={"status": old}, new={"status": case.status, "how": how})
    escalations_resolve_on_close(case, at=at)
    return case


@transaction.atomic
def case_confirm_resolution(*, case: Case, actor: User, at: datetime | None = None) -> Case:
    """The merchant agrees the case is resolved: it closes."""
    at = now_or(at)
    case = lock_case(case)
    require_merchant(case, actor, "confirm a resolution")
    if case.status != Status.RESOLVED:
        raise illegal(case, "confirmed as resolved")
    return _close(case, actor=actor, at=at, how="merchant_confirmed")


@transaction.atomic
def case_close(*, case: Case, actor: User, note: str = "", at: datetime | None = None) -> Case:
    """Staff close a resolved case by mutual agreement (the merchant agreed outside the portal)."""
    at = now_or(at)
    case = lock_case(case)
    require_staff(case, actor, "close cases")
    if case.status != Status.RESOLVED:
        raise illegal(case, "closed by agreement")
    closed = _close(case, actor=actor, at=at, how="closed_by_agreement")
    if note.strip():
        record(closed, "case.noted", actor=actor, at=at, note=note.strip())
    return closed


@transaction.atomic
def case_request_closure(
    *, case: Case, actor: User, reason: str = "", at: datetime | None = None, expected_version: int | None = None
) -> Case:
    """The merchant asks to close an open case (e.g. the problem went away); staff confirm."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_merchant(case, actor, "request closure")
    if case.status not in ACTIVE_STATUSES:
        raise illegal(case, "asked to close")
    if case.closure_requested_at is not None:
        raise ValidationFailed("Closure was requested already; the analyst will confirm it.", errors={})
    case.closure_requested_at = at
    save_case(case, ["closure_requested_at"], at=at)
    record(case, "case.closure_requested", actor=actor, at=at, note=reason.strip())
    return case


@transaction.atomic
def case_confirm_closure(
    *, case: Case, actor: User, at: datetime | None = None, expected_version: int | None = None
) -> Case:
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    require_staff(case, actor, "confirm closure")
    if case.closure_requested_at is None or case.status not in ACTIVE_STATUSES | {Status.RESOLVED}:
        raise illegal(case, "closed at the merchant's request (no request is pending)")
    return _close(case, actor=actor, at=at, how="closure_request_confirmed")


@transaction.atomic
def case_reopen(*, case: Case, actor: User, reason: str, at: datetime | None = None) -> Case:
    """The merchant (or staff) reopens a resolved or closed case; the resolution clock runs again."""
    at = now_or(at)
    case = lock_case(case)
    check_actor(case, actor)
    reason = require_text(reason, "reason", "Say what is still wrong.")
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise illegal(case, "reopened")
    old = case.status
    _move_clocks(case, at=at, resume=True, reopen=True)
    case.status, case.resolved_at, case.closed_at, case.closure_requested_at = Status.REOPENED, None, None, None
    save_case(case, ["status", "resolved_at", "closed_at", "closure_requested_at", "sla_due_at"], at=at)
    record(case, "case.reopened", actor=actor, at=at, old={"status": old}, new={"status": case.status}, note=reason)
    return case


@transaction.atomic
def case_close_if_unanswered(*, case: Case, at: datetime | None = None) -> Case | None:
    """Close a resolved case whose merchant has not answered for the tenant's number of days.
    Returns None when the case no longer qualifies (answered, reopened, or closed meanwhile)."""
    at = now_or(at)
    case = lock_case(case)
    if case.status != Status.RESOLVED or case.resolved_at > at - timedelta(days=case.tenant.auto_close_days):
        return None
    return _close(case, actor=None, at=at, how="closed_after_no_reply")


MERCHANT_EDITABLE = ("recent_changes", "business_impact", "steps_to_reproduce", "cc_emails")
STAFF_EDITABLE = (*MERCHANT_EDITABLE, "category")


@transaction.atomic
def case_update_details(
    *,
    case: Case,
    actor: User,
    changes: dict[str, object],
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Change descriptive fields: the merchant its own, staff also the category."""
    return case_update(case=case, actor=actor, details=changes, at=at, expected_version=expected_version)


@dataclass
class _Change:
    """What one part of an update did to the locked case: the fields to save and its event."""

    fields: list[str]
    code: str
    old: dict[str, Any]
    new: dict[str, Any]
    note: str = ""


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: User,
    details: dict[str, object] | None = None,
    workaround: str | None = None,
    priority: Priority | None = None,
    priority_reason: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Case:
    """Change a case's descriptive fields, workaround and priority together, all or nothing: the
    case is locked, saved and its version bumped once, with one event per kind of change."""
    at = now_or(at)
    case = lock_case(case, expected_version=expected_version)
    check_actor(case, actor)
    changes = [
        _details_change(case, actor, details) if details else None,
        _workaround_change(case, actor, workaround) if workaround is not None else None,
        _priority_change(case, actor, priority, priority_reason, at) if priority is not None else None,
    ]
    done = [change for change in changes if change is not None]
    if not done:
        return case
    save_case(case, [name for change in done for name in change.fields], at=at)
    for change in done:
        record(case, change.code, actor=actor, at=at, old=change.old, new=change.new, note=change.note)
    return case


def _details_change(case: Case, actor: User, changes: dict[str, object]) -> _Change | None:
    allowed = STAFF_EDITABLE if actor.is_support_staff else MERCHANT_EDITABLE
    refused = sorted(set(changes) - set(allowed))
    if refused:
        raise ValidationFailed(
            f"Your role cannot change {', '.join(refused)}.",
            errors={name: ["Not editable by you."] for name in refused},
        )
    if case.status == Status.CLOSED:
        raise illegal(case, "edited")
    if "category" in changes and changes["category"] not in Category.values:
        raise ValidationFailed("Unknown category.", errors={"category": ["Unknown category."]})
    if "cc_emails" in changes:
        changes = {**changes, "cc_emails": check_cc_emails(changes["cc_emails"])}
    old = {name: getattr(case, name) for name in changes}
    changed = {name: value for name, value in changes.items() if old[name] != value}
    if not changed:
        return None
    for name, value in changed.items():
        setattr(case, name, value)
    return _Change(list(changed), "case.updated", {n: old[n] for n in changed}, changed)


def _workaround_change(case: Case, actor: User, workaround: str) -> _Change:
    require_staff(case, actor, "record workarounds")
    workaround = require_text(workaround, "workaround", "Describe the workaround.")
    if case.status == Status.CLOSED:
        raise illegal(case, "given a workaround")
    old = case.workaround
    case.workaround = workaround
    return _Change(["workaround"], "case.workaround_recorded", {"workaround": old}, {"workaround": workaround})


def _priority_change(case: Case, actor: User, priority: Priority, reason: str, at: datetime) -> _Change:
    require_staff(case, actor, "change a case's priority")
    reason = require_text(reason, "reason", "Say why the priority changes.")
    if priority.tenant_id != case.tenant_id:
        raise ValidationFailed("No such priority.", errors={"priority": ["Unknown priority."]})
    if case.status == Status.CLOSED:
        raise illegal(case, "reprioritised")
    if priority.pk == case.priority_id:
        raise ValidationFailed(f"The case is {priority.name} already.", errors={"priority": ["Unchanged."]})
    old = case.priority
    case.priority = priority
    due, case.sla_due_at = clocks_retarget(case=case, at=at)
    return _Change(
        ["priority", "sla_due_at"],
        "case.priority_changed",
        {"priority": old.name, **{f"{m}_due": v[0] for m, v in due.items()}},
        {"priority": priority.name, **{f"{m}_due": v[1] for m, v in due.items()}},
        note=reason,
    )
