"""Who works a case: assigning an unassigned case, and handing it over for a recorded reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from helpdesk.errors import DomainError, ValidationFailed
from helpdesk.models import User
from sla.models import MetBy
from tickets.models import ACTIVE_STATUSES, Case, Status
from tickets.services._clock_steps import meet_first_response, record_met
from tickets.services._common import check_staff_user, illegal, lock_case, now_or, record, require_staff, save_case


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
    if case.assignee is not None:
        raise ValidationFailed(
            f"Case {case.number} is assigned to {case.assignee.get_full_name()} already: reassign it with a reason.",
            errors={"assignee": ["Already assigned; use reassign."]},
        )
    old_status = case.status
    case.assignee = assignee
    case.status = Status.OPEN if case.status in (Status.NEW, Status.REOPENED) else case.status
    clocks = meet_first_response(case, MetBy.ASSIGNMENT, at)
    save_case(case, ["assignee", "status", "sla_due_at"], at=at)
    record(
        case,
        "case.assigned",
        actor=actor,
        at=at,
        old={"status": old_status},
        new={"assignee": assignee.email, "status": case.status},
    )
    record_met(case, clocks, at)
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
    old = case.assignee
    if old is None:
        raise ValidationFailed(
            f"Case {case.number} is unassigned: assign it instead.", errors={"assignee": ["Unassigned."]}
        )
    if case.assignee_id == assignee.pk:
        raise ValidationFailed("The case is assigned to that analyst already.", errors={"assignee": ["Same analyst."]})
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


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk assignment did: the numbers changed, and each one left alone with why."""

    changed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def cases_assign_bulk(*, cases: Sequence[Case], actor: User, assignee: User, at: datetime | None = None) -> BulkOutcome:
    """Assign each case as `case_assign` would (its own history event and clock steps), in one
    transaction. A case the actor may not change (assigned already, no longer active) is
    reported with the service's reason, never silently skipped; the others are still assigned
    (each case in a savepoint, so a refused one leaves nothing half-done)."""
    at = now_or(at)
    outcome = BulkOutcome()
    for case in cases:
        try:
            with transaction.atomic():
                case_assign(case=case, actor=actor, assignee=assignee, at=at)
        except DomainError as error:
            outcome.refused.append((case.number, error.message))
        else:
            outcome.changed.append(case.number)
    return outcome
