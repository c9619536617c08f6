"""Moving a locked case's SLA clocks within a life-cycle step: the clock services return the
new earliest deadline and the clocks met, and the step saves the case once with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sla.models import MetBy, Metric, SlaClock
from sla.services import ClockChange, clocks_advance
from tickets.account_rollup import account_sla_mark
from tickets.models import Case
from tickets.services._common import record


def first_response_met_by(case: Case) -> str:
    return case.sla_policy.first_response_met_by if case.sla_policy is not None else MetBy.REPLY


def met_event_new(clock: SlaClock, at: datetime) -> dict[str, Any]:
    """What a clock met at `at` says in its `sla.met` event (the instants too, so the history
    can say "met at 14:32, 1 h 10 m before its deadline")."""
    new: dict[str, Any] = {"metric": clock.metric, "late": bool(clock.breached_at), "met_at": at.isoformat()}
    if clock.due_at is not None:
        new["due_at"] = clock.due_at.isoformat()
    return new


def record_met(case: Case, change: ClockChange, at: datetime) -> None:
    for clock in change.met:
        record(case, "sla.met", actor=None, at=at, new=met_event_new(clock, at))


def advance_clocks(case: Case, *, at: datetime, **step: Any) -> ClockChange:
    """Move the locked case's clocks one step (sla.services.clocks_advance) and take their new
    earliest deadline for the caller's one save of the case."""
    change = clocks_advance(case=case, at=at, **step)
    case.sla_due_at = change.due
    if change.met or step.get("reopen"):
        account_sla_mark(case)  # saved with the caller's one save of the case
    return change


def reply_meets(case: Case) -> list[str]:
    return [Metric.FIRST_RESPONSE] if first_response_met_by(case) == MetBy.REPLY else []


def meet_first_response(case: Case, rule: str, at: datetime) -> ClockChange:
    if first_response_met_by(case) != rule:
        return ClockChange(due=case.sla_due_at)
    return advance_clocks(case, at=at, meet=[Metric.FIRST_RESPONSE])
