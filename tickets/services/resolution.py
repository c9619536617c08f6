"""Resolving, closing and reopening: a proposed resolution the merchant confirms or reopens,
closing by agreement, at the merchant's request or after no reply, and reopening.

`new → open (assigned) → waiting on customer ⇄ open → resolved → closed`, with `reopened`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from helpdesk.errors import ValidationFailed
from helpdesk.models import User
from sla.models import Metric, PauseReason
from tickets.models import ACTIVE_STATUSES, Case, Status
from tickets.services._clock_steps import advance_clocks, record_met
from tickets.services._common import (
    check_actor,
    illegal,
    lock_case,
    now_or,
    record,
    require_merchant,
    require_staff,
    require_text,
    save_case,
)
from tickets.services.conversation import comment_write
from tickets.services.escalations import escalations_resolve_on_close


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
    comment, fields = comment_write(
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
    change = advance_clocks(
        case, at=at, meet=[Metric.FIRST_RESPONSE, Metric.RESOLUTION], resume=True, pause=PauseReason.RESOLVED
    )
    record_met(case, change, at)


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
    case = lock_case(case, closing=True)
    require_merchant(case, actor, "confirm a resolution")
    if case.status != Status.RESOLVED:
        raise illegal(case, "confirmed as resolved")
    return _close(case, actor=actor, at=at, how="merchant_confirmed")


@transaction.atomic
def case_close(*, case: Case, actor: User, note: str = "", at: datetime | None = None) -> Case:
    """Staff close a resolved case by mutual agreement (the merchant agreed outside the portal)."""
    at = now_or(at)
    case = lock_case(case, closing=True)
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
    case = lock_case(case, expected_version=expected_version, closing=True)
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
    advance_clocks(case, at=at, resume=True, reopen=True)
    case.status, case.resolved_at, case.closed_at, case.closure_requested_at = Status.REOPENED, None, None, None
    save_case(case, ["status", "resolved_at", "closed_at", "closure_requested_at", "sla_due_at"], at=at)
    record(case, "case.reopened", actor=actor, at=at, old={"status": old}, new={"status": case.status}, note=reason)
    return case


@transaction.atomic
def case_close_if_unanswered(*, case: Case, at: datetime | None = None) -> Case | None:
    """Close a resolved case whose merchant has not answered for the tenant's number of days.
    Returns None when the case no longer qualifies (answered, reopened, or closed meanwhile)."""
    at = now_or(at)
    case = lock_case(case, closing=True)
    resolved_at = case.resolved_at
    if (
        case.status != Status.RESOLVED
        or resolved_at is None
        or resolved_at > at - timedelta(days=case.tenant.auto_close_days)
    ):
        return None
    return _close(case, actor=None, at=at, how="closed_after_no_reply")
